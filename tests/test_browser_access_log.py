"""In Chromium with axe, at 1280 and 320 px: HR's access log, empty, with rows and filtered,
reached the way HR reaches it (the start page, a manager's page)."""

import re

import pytest
from playwright.sync_api import expect

from participants.models import PersonalDataAccess
from participants.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_access_log_empty_with_rows_and_filtered(
    page, live_server, axe, login_as, hr_user, org, width
):
    page.set_viewport_size({"width": width, "height": 800})
    hr_user.full_name = "Hanna Rask-Gyllenhammar af Skogsbacken"
    hr_user.save()
    PersonFactory(organisation=org, first_name="Anna", last_name="Ek")
    login_as(page, hr_user)

    page.goto(f"{live_server.url}/o/{org.slug}/hr/")
    page.get_by_role("link", name="Åtkomstlogg: vem som har sett personuppgifter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomstlogg")
    expect(
        page.get_by_text("Ingen har sett eller exporterat personuppgifter ännu.")
    ).to_be_visible()
    axe(page, context=f"{width} px: empty")

    page.goto(f"{live_server.url}/o/{org.slug}/chefer/")
    with page.expect_download():
        page.get_by_role("link", name="Ladda ner som kalkylark (XLSX)").click()
    page.get_by_role("link", name="Anna Ek").click()
    page.get_by_role("link", name="Vem har sett uppgifterna").click()

    expect(page.locator(".filtered-person")).to_have_text(
        "Visar vem som har kommit åt uppgifterna om Anna Ek. Visa hela loggen"
    )
    rows = page.locator("#access-log tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("Visade en persons sida")
    axe(page, context=f"{width} px: filtered on a person")

    page.get_by_role("link", name="Visa hela loggen").click()
    expect(page.get_by_role("table", name="2 åtkomster")).to_be_visible()
    axe(page, context=f"{width} px: with rows")

    page.get_by_label("Händelse").select_option(label="Exporterade en lista med personer")
    page.get_by_role("button", name="Filtrera").click()
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("td")).to_have_text(
        [
            re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$"),
            re.compile(r"^Hanna Rask-Gyllenhammar af Skogsbacken\s*hr@orebro\.test$"),
            "Exporterade en lista med personer",
            "—",
            "Chefsregistret (Excel)",
        ]
    )
    axe(page, context=f"{width} px: filtered on an action")

    page.get_by_label("Händelse").select_option(label="Raderade eller pseudonymiserade en person")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_text("Ingen åtkomst matchar filtret.")).to_be_visible()
    axe(page, context=f"{width} px: nothing matches")

    assert list(PersonalDataAccess.objects.order_by("at").values_list("action", "what")) == [
        ("list_export", "programs:person_export"),
        ("person_viewed", "programs:person_detail"),
    ]
