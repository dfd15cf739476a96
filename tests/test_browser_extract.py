"""In Chromium with axe (and its 320 px reflow check): HR opens a manager's register extract
from the manager's page, asks for its PDF and downloads it."""

import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.agreements import services
from programs.tests.test_agreements import PLAN, make_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_opens_the_register_extract_and_downloads_its_pdf(
    page, live_server, axe, login_as, hr_user, org
):
    pair = make_pair(org, passed=1)
    agreement = services.agreement_submit(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)
    login_as(page, hr_user)
    page.set_viewport_size({"width": 1280, "height": 900})

    person_url = reverse("programs:person_detail", kwargs={"org": org.slug, "pk": pair.person.pk})
    page.goto(f"{live_server.url}{person_url}")
    page.get_by_role("link", name="Registerutdrag").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Registerutdrag: Anna Ek")
    expect(page.get_by_role("heading", name="Det här finns inte i utdraget")).to_be_visible()
    expect(page.get_by_text("Tydligare mål").first).to_be_visible()
    axe(page, context="extract")

    page.get_by_role("button", name="Skapa PDF").click()
    status = page.locator("#extract-pdf-status")
    expect(status).to_have_attribute("data-status", "ready", timeout=30_000)
    axe(page, context="extract with its PDF ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner registerutdraget (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"registerutdrag-{pair.person.employee_number}.pdf"
    text = subprocess.run(
        ["pdftotext", str(download.path()), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Registerutdrag: Anna Ek" in text
    assert "Tydligare mål" in text
