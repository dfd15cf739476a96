"""In Chromium with axe, at 1280 px and at 320 px: the privacy notice in Swedish and English,
the records of processing, and HR's form with an error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from retention.models import RetentionRule
from statements.models import PrivacyDetails

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


def _check_at_both_widths(page, axe, context):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        axe(page, context=f"{context} at {width} px")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def _details(org):
    PrivacyDetails.objects.create(
        organisation=org,
        controller_contact="Box 300 00, 701 35 Örebro",
        dpo_name="Karin Dahl",
        dpo_email="dataskyddsombud.med.en.mycket.lang.adress@orebro-kommun.example.se",
        processor_name="Ledarskapsbyrån AB",
        legal_basis_sv="Allmänt intresse enligt kommunstyrelsens beslut.",
        additional_sv="Frågor besvaras av HR-avdelningen.",
    )
    RetentionRule.objects.create(
        organisation=org,
        kind="access_log",
        period_days=30,
        decision_reference="KS 2025/17",
        enabled=True,
    )


def test_privacy_notice_in_swedish_and_english_and_the_record(page, live_server, axe, org):
    _details(org)
    notice = live_server.url + reverse("statements:privacy_notice", kwargs={"org": org.slug})

    page.goto(notice)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Så behandlar Örebro kommun dina personuppgifter"
    )
    expect(
        page.get_by_role("region", name="Hur länge uppgifterna sparas, per slag av uppgift")
    ).to_be_visible()
    _check_at_both_widths(page, axe, "notice in Swedish")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How Örebro kommun handles your personal data"
    )
    expect(page.get_by_text("This part is only available in Swedish.").first).to_be_visible()
    _check_at_both_widths(page, axe, "notice in English")

    page.get_by_role("link", name="The records of processing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records of processing")
    _check_at_both_widths(page, axe, "record in English")


def test_privacy_notice_without_details_and_the_installations_page(page, live_server, axe, org):
    page.goto(live_server.url + reverse("statements:privacy_index"))
    _check_at_both_widths(page, axe, "installation's page")

    page.get_by_role("link", name="Örebro kommun").click()
    expect(
        page.get_by_text("Dataskyddsombudets kontaktuppgifter är inte ifyllda ännu.")
    ).to_be_visible()
    _check_at_both_widths(page, axe, "notice without details")


def test_hr_edits_the_notice_with_an_error_then_saves(
    page, live_server, axe, login_as, hr_user, org
):
    login_as(page, hr_user)
    page.goto(live_server.url + reverse("svc:hr_start", kwargs={"org": org.slug}))
    page.get_by_role(
        "link", name="Dataskydd: dataskyddsinformationen och registerförteckningen"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera dataskyddsinformationen")

    page.get_by_label("Dataskyddsombud", exact=True).fill("Karin Dahl")
    page.get_by_label("Dataskyddsombudets e-postadress").fill("karin(at)orebro")
    page.get_by_role("button", name="Spara").click()

    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("Fyll i en giltig e-postadress.")
    expect(page.get_by_label("Dataskyddsombud", exact=True)).to_have_value("Karin Dahl")
    _check_at_both_widths(page, axe, "edit form with an error")

    page.get_by_label("Dataskyddsombudets e-postadress").fill("karin.dahl@orebro.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Dataskyddsinformationen är sparad.")
    page.get_by_role(
        "link", name="Förhandsgranska dataskyddsinformationen så som alla ser den"
    ).click()
    expect(page.locator("#dpo li")).to_have_text(["Karin Dahl", "E-post: karin.dahl@orebro.se"])
    assert PrivacyDetails.objects.get().dpo_email == "karin.dahl@orebro.se"
