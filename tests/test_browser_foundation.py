"""In Chromium, with axe on every page: log in per role, the error summary, the language switch."""

import pytest
from playwright.sync_api import expect

from participants.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.HR, "Programadministration"),
        (Role.STEERING, "Styrgrupp"),
        (Role.PROCESS_LEADER, "Mina grupper"),
    ],
)
def test_each_role_logs_in_and_sees_its_swedish_start_page(
    page, live_server, axe, make_member, org, role, heading
):
    make_member(role, org, email=f"{role}@orebro.test")

    page.goto(f"{live_server.url}/logga-in/")
    axe(page, context="login")
    page.get_by_label("E-postadress").fill(f"{role}@orebro.test")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    axe(page, context="start page")


def test_wrong_password_moves_focus_to_the_error_summary(page, live_server, axe, hr_user):
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("E-postadress").fill("hr@orebro.test")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("E-postadressen eller lösenordet är fel.")
    expect(page.get_by_label("E-postadress")).to_have_value("hr@orebro.test")
    axe(page, context="login error")


def test_error_summary_link_moves_to_the_field(page, live_server, axe, db):
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("E-postadress").fill("inte-en-adress")
    page.get_by_role("button", name="Logga in").click()

    page.get_by_role("link", name="Fyll i en giltig e-postadress.").click()

    expect(page.get_by_label("E-postadress")).to_be_focused()
    axe(page, context="field error")


def test_language_switch_to_english_and_back(page, live_server, axe, hr_user, login_as, org):
    login_as(page, hr_user)
    page.goto(f"{live_server.url}/o/{org.slug}/hr/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programadministration")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program administration")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe(page, context="English")

    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programadministration")


def test_skip_link_is_first_and_reaches_main(page, live_server, db):
    page.goto(f"{live_server.url}/logga-in/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_locked_out_page_is_accessible(page, live_server, axe, hr_user, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/logga-in/")
        page.get_by_label("E-postadress").fill("hr@orebro.test")
        page.get_by_label("Lösenord").fill(f"fel-{attempt}")
        page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kontot är låst")
    axe(page, context="locked out")
