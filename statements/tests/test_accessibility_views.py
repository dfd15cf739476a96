"""The organisation's accessibility statement: its contact details (and the page without
them), the public report form (what it stores, whom it tells, bad input, the rate limit,
CSRF), and HR's pages for the contact details and the reports."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxTask
from core.tests.html import parse
from participants.models import Role
from statements.models import AccessibilityContact, AccessibilityReport
from statements.services_accessibility import SEND_REPORT

pytestmark = pytest.mark.django_db

DESCRIPTION = "Fokusmarkeringen syns inte på knappen Spara.\nJag använder tangentbordet."
NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 30))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def _statement_url(org):
    return reverse("statements:accessibility_statement", kwargs={"org": org.slug})


def _in_language(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def _report(client, org, **data):
    return client.post(_statement_url(org), {"description": DESCRIPTION, **data})


# --- The statement page -------------------------------------------------------------------


def test_the_statement_shows_the_organisation_s_contact_details(client, org):
    AccessibilityContact.objects.create(
        organisation=org,
        unit="HR-avdelningen, Kommunledningsförvaltningen",
        email="tillganglighet@orebro.se",
        phone="019-21 10 00",
        reviewed_on=dt.date(2026, 11, 30),
    )

    page = parse(client.get(_statement_url(org)))

    assert page.text("h1") == "Tillgänglighetsredogörelse för Örebro kommun"
    assert page.texts("[data-testid=contact] dt") == ["Ansvarig enhet", "E-post", "Telefon"]
    assert page.texts("[data-testid=contact] dd") == [
        "HR-avdelningen, Kommunledningsförvaltningen",
        "tillganglighet@orebro.se",
        "019-21 10 00",
    ]
    assert page.one("[data-contact=email] a").get("href") == "mailto:tillganglighet@orebro.se"
    assert page.text("[data-testid=reviewed]") == (
        "Örebro kommun gick senast igenom redogörelsen den 30 november 2026."
    )
    assert page.select("[data-testid=no-contact]") == []


def test_the_statement_in_english_shows_the_contact_details(client, org):
    AccessibilityContact.objects.create(
        organisation=org, email="tillganglighet@orebro.se", reviewed_on=dt.date(2026, 11, 30)
    )
    _in_language(client, "en")

    page = parse(client.get(_statement_url(org)))

    assert page.text("h1") == "Accessibility statement for Örebro kommun"
    assert page.texts("[data-testid=contact] dt") == ["E-mail"]
    assert page.texts("[data-testid=contact] dd") == ["tillganglighet@orebro.se"]
    assert page.text("[data-testid=reviewed]") == (
        "Örebro kommun last reviewed this statement on 30 November 2026."
    )
    assert page.texts("h2") == [
        "How accessible is the service?",
        "What can you do if you cannot use parts of the service?",
        "Report a problem with the service's accessibility",
        "Supervision",
        "Technical information about the service's accessibility",
        "How we tested the service",
        "About this statement",
    ]


def test_the_statement_without_contact_details_says_so_and_points_to_the_form(client, org):
    page = parse(client.get(_statement_url(org)))

    assert page.select("[data-testid=contact]") == []
    assert page.text("[data-testid=no-contact]") == (
        "Örebro kommun har ännu inte angett kontaktuppgifter för frågor om tillgänglighet. "
        "Använd formuläret nedan: det når organisationens HR-samordnare."
    )
    assert page.text("[data-testid=reviewed]") == (
        "Örebro kommun har ännu inte angett när redogörelsen senast gicks igenom."
    )
    assert page.texts("h2") == [
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Hur vi har testat tjänsten",
        "Om redogörelsen",
    ]


def test_contact_details_left_empty_count_as_none(client, org):
    AccessibilityContact.objects.create(organisation=org, reviewed_on=dt.date(2026, 11, 30))

    page = parse(client.get(_statement_url(org)))

    assert page.select("[data-testid=contact]") == []
    assert len(page.select("[data-testid=no-contact]")) == 1


def test_an_unknown_organisation_has_no_statement(client, db):
    response = client.get(reverse("statements:accessibility_statement", kwargs={"org": "okand"}))

    assert response.status_code == 404


def test_the_installation_statement_links_each_organisation_s_statement(client, org, other_org):
    page = parse(client.get(reverse("statements:accessibility")))

    assert page.texts("[data-testid=organisations] a") == ["Region Västmanland", "Örebro kommun"]
    assert [a.get("href") for a in page.select("[data-testid=organisations] a")] == [
        "/o/vastmanland/tillganglighet/",
        "/o/orebro/tillganglighet/",
    ]


def test_a_link_can_name_the_page_the_report_is_about(client, org):
    page = parse(client.get(_statement_url(org) + "?sida=/o/orebro/hr/"))
    elsewhere = parse(client.get(_statement_url(org) + "?sida=https://evil.example/"))

    assert page.one("#id_page").get("value") == "/o/orebro/hr/"
    assert elsewhere.one("#id_page").get("value") is None


def test_the_form_says_what_happens_to_the_reporter_s_contact_details(client, org):
    page = parse(client.get(_statement_url(org)))

    assert page.text("#report-privacy") == (
        "Namn och e-postadress är frivilliga. Om du lämnar dem ser HR-samordnarna i "
        "Örebro kommun dem tillsammans med din rapport, och använder dem bara för att svara "
        "dig om den. E-postmeddelandet som berättar för dem om rapporten innehåller inte ditt "
        "namn eller din adress. Örebro kommun ansvarar för rapporten och personuppgifterna i den."
    )
    assert page.one("#id_name").get("autocomplete") == "name"
    assert page.one("#id_email").get("autocomplete") == "email"


# --- Reporting a problem ------------------------------------------------------------------


def test_a_report_stores_exactly_what_was_sent(client, org):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = _report(
            client,
            org,
            page="/o/orebro/hr/",
            name="Eva Lind",
            email="eva.lind@example.se",
        )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "statements:accessibility_report_sent", kwargs={"org": "orebro"}
    )
    stored = AccessibilityReport.objects.values(
        "organisation__slug", "page", "description", "name", "email", "created_at", "handled"
    ).get()
    assert stored == {
        "organisation__slug": "orebro",
        "page": "/o/orebro/hr/",
        "description": DESCRIPTION,
        "name": "Eva Lind",
        "email": "eva.lind@example.se",
        "created_at": NOW,
        "handled": False,
    }


def test_a_report_needs_only_a_description(client, org):
    _report(client, org)

    report = AccessibilityReport.objects.get()
    assert (report.page, report.name, report.email) == ("", "", "")


def test_the_thank_you_page_follows_the_report(client, org):
    response = _report(client, org, email="eva.lind@example.se")

    page = parse(client.get(response["Location"]))

    assert page.text("h1") == "Tack för din rapport"
    assert page.text("p.lead") == "HR-samordnarna i Örebro kommun har tagit emot den."
    assert "eva.lind@example.se" not in client.get(response["Location"]).content.decode()


def test_a_report_queues_one_e_mail_per_hr_coordinator_of_that_organisation_only(
    client, org, make_member, outsider, django_capture_on_commit_callbacks
):
    first = make_member(Role.HR, org, email="hr@orebro.test")
    second = make_member(Role.HR, org, email="hr2@orebro.test")
    make_member(Role.HR, org, email="slutat@orebro.test", is_active=False)
    make_member(Role.STEERING, org, email="styrgrupp@orebro.test")

    with django_capture_on_commit_callbacks(execute=True):
        _report(client, org, page="/o/orebro/hr/", name="Eva Lind", email="eva.lind@example.se")

    report = AccessibilityReport.objects.get()
    assert sorted(
        (task.task_name, task.kwargs["user_id"])
        for task in OutboxTask.objects.filter(task_name=SEND_REPORT)
    ) == sorted([(SEND_REPORT, first.pk), (SEND_REPORT, second.pk)])
    assert all(t.kwargs["report_id"] == report.pk for t in OutboxTask.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == ["hr2@orebro.test", "hr@orebro.test"]
    message = mail.outbox[0]
    assert message.subject == "Ett tillgänglighetsproblem har rapporterats till Örebro kommun"
    assert message.body == (
        "Någon har rapporterat ett tillgänglighetsproblem med formuläret i "
        "tillgänglighetsredogörelsen för Örebro kommun.\n\n"
        "Sida: /o/orebro/hr/\n\n"
        f"{DESCRIPTION}\n\n"
        "Läs rapporten, och kontaktuppgifterna om den som rapporterade lämnade några, på sidan "
        "med rapporter (logga in först):\n"
        "http://127.0.0.1:8000/o/orebro/tillganglighet/rapporter/\n"
    )
    assert "Eva Lind" not in message.body + message.alternatives[0][0]
    assert "eva.lind@example.se" not in message.body + message.alternatives[0][0]


def test_a_coordinator_who_left_before_the_mail_went_gets_none(
    client, org, hr_user, django_capture_on_commit_callbacks
):
    from statements.mail_accessibility import send_accessibility_report

    _report(client, org)
    report = AccessibilityReport.objects.get()
    hr_user.memberships.all().delete()

    result = send_accessibility_report.apply(
        kwargs={"report_id": report.pk, "user_id": hr_user.pk}
    ).get()

    assert result == {"sent": False}
    assert mail.outbox == []


def test_a_report_without_a_description_keeps_the_rest_and_stores_nothing(client, org):
    response = client.post(
        _statement_url(org),
        {"description": "  ", "page": "/o/orebro/hr/", "name": "Eva Lind", "email": "eva@ex.se"},
    )

    page = parse(response)
    assert response.status_code == 200
    assert page.texts("[data-error-summary] li") == ["Beskriv problemet som du stötte på."]
    assert page.one("[data-error-summary] a").get("href") == "#id_description"
    assert page.one("#id_page").get("value") == "/o/orebro/hr/"
    assert page.one("#id_name").get("value") == "Eva Lind"
    assert page.one("#id_email").get("value") == "eva@ex.se"
    assert AccessibilityReport.objects.count() == 0
    assert OutboxTask.objects.count() == 0


def test_a_report_with_a_bad_address_keeps_the_description(client, org):
    response = _report(client, org, email="inte en adress")

    page = parse(response)
    assert page.texts("[data-error-summary] li") == [
        "Skriv din e-postadress i formen namn@exempel.se, eller lämna fältet tomt."
    ]
    assert page.text("#id_description") == " ".join(DESCRIPTION.split())
    assert response.content.decode().count("Jag använder tangentbordet.") == 1
    assert AccessibilityReport.objects.count() == 0


def test_reports_are_limited_per_client_address_and_the_text_is_kept(client, org, settings):
    settings.ACCESSIBILITY_REPORT_RATE_PER_IP = "2/h"
    settings.TRUSTED_PROXY_COUNT = 1

    def send(address):
        return client.post(
            _statement_url(org),
            {"description": f"Problem från {address}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=address,
        )

    answers = [send("203.0.113.7").status_code for _ in range(3)]
    elsewhere = send("198.51.100.1")
    over = send("203.0.113.7")

    assert answers == [302, 302, 429]
    assert elsewhere.status_code == 302
    page = parse(over)
    assert page.texts("[data-error-summary] li") == [
        "Många rapporter har skickats från ditt nätverk på kort tid. Din text finns kvar: "
        "skicka den igen om en timme, eller skicka den till kontakten ovan."
    ]
    assert page.text("#id_description") == "Problem från 203.0.113.7"
    assert AccessibilityReport.objects.count() == 3


def test_bad_input_does_not_count_against_the_limit(client, org, settings):
    settings.ACCESSIBILITY_REPORT_RATE_PER_IP = "1/h"

    client.post(_statement_url(org), {"description": ""})
    answer = _report(client, org)

    assert answer.status_code == 302


def test_the_report_form_is_protected_by_csrf(org):
    browser = Client(enforce_csrf_checks=True)

    refused = browser.post(_statement_url(org), {"description": DESCRIPTION})
    browser.get(_statement_url(org))
    accepted = browser.post(
        _statement_url(org),
        {"description": DESCRIPTION, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert AccessibilityReport.objects.count() == 1


# --- HR: contact details ------------------------------------------------------------------


def _edit_url(org):
    return reverse("statements:accessibility_edit", kwargs={"org": org.slug})


def test_hr_saves_the_contact_details_and_the_statement_shows_them(client, org, hr_user):
    client.force_login(hr_user)

    response = client.post(
        _edit_url(org),
        {
            "unit": " HR-avdelningen ",
            "email": "tillganglighet@orebro.se",
            "phone": "019-21 10 00",
            "reviewed_on": "2026-11-30",
        },
        follow=True,
    )

    assert response.redirect_chain == [(_edit_url(org), 302)]
    assert parse(response).texts(".messages .alert") == [
        "Kontaktuppgifterna i tillgänglighetsredogörelsen är sparade."
    ]
    stored = AccessibilityContact.objects.values(
        "organisation__slug", "unit", "email", "phone", "reviewed_on"
    ).get()
    assert stored == {
        "organisation__slug": "orebro",
        "unit": "HR-avdelningen",
        "email": "tillganglighet@orebro.se",
        "phone": "019-21 10 00",
        "reviewed_on": dt.date(2026, 11, 30),
    }
    page = parse(client.get(_statement_url(org)))
    assert page.texts("[data-testid=contact] dd") == [
        "HR-avdelningen",
        "tillganglighet@orebro.se",
        "019-21 10 00",
    ]


def test_hr_edits_the_details_already_saved(client, org, hr_user):
    AccessibilityContact.objects.create(organisation=org, email="gammal@orebro.se")
    client.force_login(hr_user)

    form = parse(client.get(_edit_url(org)))
    client.post(_edit_url(org), {"email": "ny@orebro.se", "unit": "", "phone": ""})

    assert form.one("#id_email").get("value") == "gammal@orebro.se"
    assert AccessibilityContact.objects.values_list("email", "reviewed_on").get() == (
        "ny@orebro.se",
        None,
    )


def test_a_bad_contact_address_keeps_everything_typed_and_saves_nothing(client, org, hr_user):
    client.force_login(hr_user)

    response = client.post(
        _edit_url(org),
        {"unit": "HR-avdelningen", "email": "inte-en-adress", "phone": "019-21 10 00",
         "reviewed_on": "2026-11-30"},
    )  # fmt: skip

    page = parse(response)
    assert page.texts("[data-error-summary] li") == [
        "Skriv kontaktens e-postadress i formen namn@exempel.se."
    ]
    assert [
        page.one(f"#id_{n}").get("value") for n in ("unit", "email", "phone", "reviewed_on")
    ] == [
        "HR-avdelningen",
        "inte-en-adress",
        "019-21 10 00",
        "2026-11-30",
    ]
    assert AccessibilityContact.objects.count() == 0


def test_the_hr_start_page_links_the_contact_details_and_the_reports(client, org, hr_user):
    client.force_login(hr_user)

    page = parse(client.get(reverse("svc:hr_start", kwargs={"org": org.slug})))

    links = {a.get("href") for a in page.select("main a")}
    assert _edit_url(org) in links
    assert reverse("statements:accessibility_reports", kwargs={"org": org.slug}) in links


# --- HR: the reports ----------------------------------------------------------------------


def _reports_url(org):
    return reverse("statements:accessibility_reports", kwargs={"org": org.slug})


def _make_report(organisation, description, *, minutes_ago=0, **fields):
    return AccessibilityReport.objects.create(
        organisation=organisation,
        description=description,
        created_at=NOW - dt.timedelta(minutes=minutes_ago),
        **fields,
    )


def test_hr_sees_the_organisation_s_reports_unhandled_first_and_no_other_s(
    client, org, other_org, hr_user
):
    _make_report(org, "Gammal och hanterad", minutes_ago=60, handled=True)
    _make_report(org, "Äldre", minutes_ago=30, page="/o/orebro/hr/", name="Eva Lind",
                 email="eva.lind@example.se")  # fmt: skip
    _make_report(org, "Nyast", minutes_ago=0)
    _make_report(other_org, "Västmanlands rapport")
    client.force_login(hr_user)

    page = parse(client.get(_reports_url(org)))

    assert page.texts("[data-report-description]") == ["Nyast", "Äldre", "Gammal och hanterad"]
    assert page.texts("[data-report-page]") == ["–", "/o/orebro/hr/", "–"]
    assert page.texts("[data-report-name]") == ["–", "Eva Lind", "–"]
    assert page.texts("[data-report-email]") == ["–", "eva.lind@example.se", "–"]
    assert page.texts("[data-report] h2 .badge") == ["Inte hanterad", "Inte hanterad", "Hanterad"]
    assert page.texts("[data-report] button") == [
        "Markera som hanterad",
        "Markera som hanterad",
        "Markera som inte hanterad",
    ]
    assert page.text("[data-testid=report-count]") == "3 rapporter"


def test_the_report_list_is_empty_before_any_report(client, org, hr_user):
    client.force_login(hr_user)

    page = parse(client.get(_reports_url(org)))

    assert page.text("[data-testid=no-reports]") == "Inga tillgänglighetsproblem har rapporterats."


def test_the_report_list_is_paginated_with_a_flat_query_count(client, org, hr_user, queries):
    for n in range(3):
        _make_report(org, f"Rapport {n}", minutes_ago=n)
    client.force_login(hr_user)

    def grow():
        for n in range(3, 45):
            _make_report(org, f"Rapport {n}", minutes_ago=n)

    response = queries.assert_flat(client, _reports_url(org), grow=grow)

    page = parse(response)
    assert len(page.select("[data-report]")) == 20
    assert page.texts(".pagination .active") == ["Sida 1 av 3"]
    last = parse(client.get(_reports_url(org) + "?page=3"))
    assert last.texts("[data-report-description]") == [f"Rapport {n}" for n in range(40, 45)]


def test_hr_marks_a_report_handled_and_back_again(client, org, hr_user):
    report = _make_report(org, "Fokus syns inte")
    client.force_login(hr_user)
    url = reverse(
        "statements:accessibility_report_handle", kwargs={"org": org.slug, "pk": report.pk}
    )

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        handled = client.post(url, {"handled": "true", "page": "2"}, follow=True)
    report.refresh_from_db()
    was = (report.handled, report.handled_at)
    with mock.patch("django.utils.timezone.now", return_value=NOW + dt.timedelta(minutes=5)):
        back = client.post(url, {"handled": "false", "page": "1"})
    report.refresh_from_db()

    assert handled.redirect_chain == [(_reports_url(org) + "?page=2", 302)]
    assert was == (True, NOW)
    assert back["Location"] == _reports_url(org)
    assert (report.handled, report.handled_at) == (False, None)


def test_hr_cannot_mark_another_organisation_s_report(client, org, other_org, hr_user):
    report = _make_report(other_org, "Västmanlands rapport")
    client.force_login(hr_user)

    response = client.post(
        reverse(
            "statements:accessibility_report_handle", kwargs={"org": org.slug, "pk": report.pk}
        ),
        {"handled": "true"},
    )

    assert response.status_code == 404
    report.refresh_from_db()
    assert report.handled is False
