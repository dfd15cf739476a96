"""In Chromium, with axe on every page at 1280 px (and the 320 px reflow check of AxeChecker):
the installation's and the organisation's accessibility statements, the report form with an
error and its thank-you page, and HR's contact details and report list; each statement in
Swedish and English, each page also laid out at 320 px."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from playwright.sync_api import expect

from statements.models import AccessibilityContact, AccessibilityReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 900}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def _check(page, axe, context):
    """axe (with contrast and the 320 px reflow) at 1280 px, and axe again laid out at 320 px,
    where the top bar is collapsed."""
    page.set_viewport_size(WIDE)
    axe(page, context=f"{context}, 1280 px")
    page.set_viewport_size(NARROW)
    axe(page, context=f"{context}, 320 px")
    page.set_viewport_size(WIDE)


@pytest.mark.parametrize(
    ("language", "installation_heading", "statement_heading"),
    [
        (
            "sv",
            "Tillgänglighetsredogörelse för Sveriges viktigaste chefsjobb",
            "Tillgänglighetsredogörelse för Örebro kommun",
        ),
        (
            "en",
            "Accessibility statement for Sweden's most important manager job",
            "Accessibility statement for Örebro kommun",
        ),
    ],
)
def test_both_statements_are_accessible_in_both_languages(
    page, live_server, axe, org, language, installation_heading, statement_heading
):
    AccessibilityContact.objects.create(
        organisation=org,
        unit="HR-avdelningen",
        email="tillganglighet-och-digital-delaktighet@kommunledningsforvaltningen.orebro.se",
        phone="019-21 10 00",
    )
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + reverse("statements:accessibility"))
    if language == "en":
        page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(installation_heading)
    expect(page.locator("html")).to_have_attribute("lang", language)
    _check(page, axe, f"installation statement ({language})")

    page.get_by_role("link", name="Örebro kommun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(statement_heading)
    expect(page.locator("[data-shortcoming]")).to_have_count(6)
    _check(page, axe, f"organisation statement ({language})")


def test_a_report_with_an_error_then_sent_by_keyboard_reaches_the_thank_you_page(
    page, live_server, axe, org, hr_user
):
    page.set_viewport_size(WIDE)
    page.goto(
        live_server.url
        + reverse("statements:accessibility_statement", kwargs={"org": org.slug})
        + "?sida=/o/orebro/hr/"
    )
    page.get_by_label("Ditt namn (frivilligt)").fill("Eva Lind")
    page.get_by_role("button", name="Skicka rapporten").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Beskriv problemet som du stötte på.")
    expect(page.get_by_label("Ditt namn (frivilligt)")).to_have_value("Eva Lind")
    expect(page.get_by_label("Vilken sida gäller det?")).to_have_value("/o/orebro/hr/")
    _check(page, axe, "report form with an error")

    page.get_by_role("link", name="Beskriv problemet som du stötte på.").click()
    expect(page.get_by_label("Beskriv problemet")).to_be_focused()
    page.keyboard.type("Fokus syns inte på knappen Spara.")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type === 'submit'"):
            break
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din rapport")
    _check(page, axe, "thank-you page")
    report = AccessibilityReport.objects.get()
    assert (report.description, report.page, report.name) == (
        "Fokus syns inte på knappen Spara.",
        "/o/orebro/hr/",
        "Eva Lind",
    )


def test_hr_edits_the_contact_details_and_handles_a_report(
    page, live_server, axe, login_as, org, hr_user
):
    AccessibilityReport.objects.create(
        organisation=org,
        page="/o/orebro/programs/",
        description="Tabellen går inte att läsa med skärmläsare. " * 8,
        name="Eva Lind",
        email="eva.lind.med.en.mycket.lang.adress@exempel.orebro.se",
    )
    login_as(page, hr_user)
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + reverse("svc:hr_start", kwargs={"org": org.slug}))

    page.get_by_role("link", name="Tillgänglighetsredogörelse: kontaktuppgifter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighetsredogörelse: kontaktuppgifter"
    )
    _check(page, axe, "contact details")
    page.get_by_label("Kontaktens e-postadress").fill("inte-en-adress")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    _check(page, axe, "contact details with an error")
    page.get_by_label("Kontaktens e-postadress").fill("tillganglighet@orebro.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_have_text(
        "Kontaktuppgifterna i tillgänglighetsredogörelsen är sparade."
    )

    page.get_by_role("link", name="Rapporterade tillgänglighetsproblem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporterade tillgänglighetsproblem")
    _check(page, axe, "report list")
    page.get_by_role("button", name="Markera som hanterad").click()
    expect(page.locator(".messages")).to_have_text("Rapporten är markerad som hanterad.")
    _check(page, axe, "report list, handled")
    assert AccessibilityReport.objects.get().handled is True
    assert AccessibilityContact.objects.get().email == "tillganglighet@orebro.se"
