"""In Chromium with axe, at 1280 and 320 px: the retention rules, a rule's form with an error,
the dry run, the confirmation and the log."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import PersonalDataAccess
from retention.models import RetentionLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


@pytest.mark.parametrize("width", WIDTHS)
def test_retention_pages_from_the_rules_to_the_log(
    page, live_server, axe, login_as, hr_user, org, width
):
    page.set_viewport_size({"width": width, "height": 900})
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            organisation=org, action="person_viewed", at=timezone.now() - dt.timedelta(days=800 + n)
        )
        for n in range(3)
    )
    login_as(page, hr_user)
    page.goto(f"{live_server.url}/o/{org.slug}/hr/")
    page.get_by_role("link", name="Gallring: regler, provkörning och logg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gallring")
    axe(page, context=f"rules, {width} px")

    page.get_by_role(
        "link", name="Ändra regeln för loggen över åtkomst till personuppgifter"
    ).click()
    page.get_by_label("Tillämpa regeln").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_contain_text("Ange gallringsbeslutets beteckning")
    expect(page.get_by_label("Tillämpa regeln")).to_be_checked()
    axe(page, context=f"rule with an error, {width} px")

    page.get_by_label("Gallringsbeslut", exact=True).fill(
        "KS 2026/0815 (diarienummer för gallring av loggar)"
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("har sparats")
    page.get_by_role("link", name="Provkörning: det som skulle gallras nu").click()
    expect(page.locator("#plan tbody td").first).to_have_text("3")
    axe(page, context=f"dry run, {width} px")

    page.get_by_role("link", name="Gallra nu …").click()
    expect(page.get_by_text("3 poster gallras för gott")).to_be_visible()
    axe(page, context=f"confirmation, {width} px")
    page.get_by_role("button", name="Gallra posterna").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gallringslogg")
    expect(page.get_by_role("status")).to_contain_text("3 poster gallrades.")
    axe(page, context=f"log, {width} px")
    assert not PersonalDataAccess.objects.exists()
    assert list(RetentionLogEntry.objects.values_list("removed", flat=True)) == [3]
