"""The register extract's pages for HR: what they say, the downloads, the PDF, the access log,
and the command ``export_person_data``."""

import io
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.tests.html import parse
from participants.models import PersonalDataAccess
from privacy.models import RegisterExtract
from programs.tests.test_agreements import PLAN, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    pair = make_pair(org, passed=1)
    from programs.agreements import services

    agreement = services.agreement_submit(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)
    return pair


def _url(name, pair, **kwargs):
    return reverse(name, kwargs={"org": "orebro", "pk": pair.person.pk, **kwargs})


def _log(org):
    return list(
        PersonalDataAccess.objects.filter(organisation=org)
        .order_by("pk")
        .values_list("action", "what", "actor__email", "subject_id")
    )


def test_hr_reads_the_extract_page_and_the_opening_is_logged(client, org, hr_user, pair):
    client.force_login(hr_user)

    response = client.get(_url("privacy:extract", pair))

    page = parse(response)
    assert page.text("h1") == "Registerutdrag: Anna Ek"
    assert page.texts("h2") == [
        "Ladda ner",
        "I chefsregistret",
        "Inloggning",
        "I programmet",
        "E-post",
        "Inloggningar och spärrar",
        "Importer från HR-systemet",
        "Vad inloggningen har gjort",
        "Vem som har öppnat personens uppgifter",
        "Det här finns inte i utdraget",
    ]
    text = page.text()
    assert "Tydligare mål" in text  # the agreement's text
    assert "Bo Berg" in text  # the line manager who agreed it
    assert _log(org) == [("extract", "extract_html", "hr@orebro.test", pair.person.pk)]


def test_the_json_download_is_the_extract_and_is_logged(client, org, hr_user, pair):
    client.force_login(hr_user)

    response = client.get(_url("privacy:extract_json", pair))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="registerutdrag-{pair.person.employee_number}.json"'
    )
    data = json.loads(response.content)
    assert data["format"] == "svc-registerutdrag/1"
    assert data["person"]["last_name"] == "Ek"
    assert _log(org) == [("extract_export", "extract_json", "hr@orebro.test", pair.person.pk)]


def test_the_pdf_is_made_then_downloaded_readable_and_logged(
    client, org, hr_user, pair, django_capture_on_commit_callbacks
):
    client.force_login(hr_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("privacy:extract_pdf_create", pair))

    assert response.status_code == 302
    assert response["Location"] == _url("privacy:extract", pair)
    row = RegisterExtract.objects.get()
    assert (row.status, row.requested_by, row.person) == ("ready", hr_user, pair.person)
    status = client.get(_url("privacy:extract_pdf_status", pair, extract_id=row.pk))
    box = parse(status).one("#extract-pdf-status")
    assert (box.get("data-status"), box.get("hx-get")) == ("ready", None)

    download = client.get(_url("privacy:extract_pdf", pair, extract_id=row.pk))

    assert download["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=download.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Registerutdrag: Anna Ek" in text
    assert "Tydligare mål" in text
    assert _log(org) == [("extract_export", "extract_pdf", "hr@orebro.test", pair.person.pk)]


def test_a_pdf_on_its_way_is_polled_and_not_asked_for_twice(client, org, hr_user, pair):
    client.force_login(hr_user)

    client.post(_url("privacy:extract_pdf_create", pair))  # not committed: stays queued
    client.post(_url("privacy:extract_pdf_create", pair))

    row = RegisterExtract.objects.get()
    assert row.status == "queued"
    box = parse(client.get(_url("privacy:extract_pdf_status", pair, extract_id=row.pk)))
    status = box.one("#extract-pdf-status")
    assert status.get("hx-get") == _url("privacy:extract_pdf_status", pair, extract_id=row.pk)
    assert "PDF:en skapas. Sidan uppdateras av sig själv." in box.text()
    # Not ready: the download sends HR to the page and logs nothing.
    response = client.get(_url("privacy:extract_pdf", pair, extract_id=row.pk))
    assert response["Location"] == _url("privacy:extract", pair)
    assert _log(org) == []


def test_the_persons_page_links_to_the_extract(client, hr_user, pair):
    client.force_login(hr_user)

    page = parse(
        client.get(
            reverse("programs:person_detail", kwargs={"org": "orebro", "pk": pair.person.pk})
        )
    )

    links = [
        a.get("href")
        for a in page.select("a")
        if "".join(a.itertext()).startswith("Registerutdrag")
    ]
    assert links == [_url("privacy:extract", pair)]


def test_the_command_prints_the_json_and_logs_without_an_actor(org, pair):
    out = io.StringIO()

    call_command(
        "export_person_data", organisation="orebro", email="DELTAGARE@orebro.test", stdout=out
    )

    data = json.loads(out.getvalue())
    assert (data["format"], data["person"]["first_name"]) == ("svc-registerutdrag/1", "Anna")
    assert _log(org) == [("extract_export", "command", None, pair.person.pk)]


@pytest.mark.parametrize(
    ("organisation", "email", "message"),
    [
        ("nowhere", "deltagare@orebro.test", "No organisation with the short name 'nowhere'."),
        (
            "orebro",
            "ingen@orebro.test",
            "Örebro kommun has no person with the address 'ingen@orebro.test'.",
        ),
    ],
)
def test_the_command_refuses_an_unknown_organisation_or_address(
    org, pair, organisation, email, message
):
    with pytest.raises(CommandError) as error:
        call_command("export_person_data", organisation=organisation, email=email)

    assert str(error.value) == message
    assert _log(org) == []
