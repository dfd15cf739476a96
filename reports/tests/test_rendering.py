"""The status report PDF: what it says, that it is tagged A4 with page numbers and not blank,
that its table headers say what they head and its words are not hyphenated, and that
WeasyPrint fetches nothing but the app's own static files."""

import datetime as dt
import io
import re
import socket

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports import rendering, services
from reports.rendering import StaticOnlyURLFetcher
from reports.selectors import program_in_figures
from reports.tests.pdf import ink, page_image, pdf_info, pdf_lines, pdf_text, table_header_scopes

pytestmark = pytest.mark.django_db

STYLESHEET = "https://report.invalid/static/reports/status_report.css"


@pytest.fixture
def no_network(monkeypatch):
    """Records (and refuses) every attempt to open a network connection."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network is off in this test")

    def refuse_create(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    return attempts


def _report(small_program, hr_user, **texts):
    return services.status_report_create(
        program=small_program.program,
        created_by=hr_user,
        period_start=dt.date(2015, 3, 1),
        period_end=dt.date(2015, 4, 30),
        focus_round=small_program.rounds[0],
        focus_module=small_program.modules[1],
        generate=False,
        **{
            "summary": "Programmet har startat bra.",
            "according_to_plan": "Modul 1 och 2 genomfördes enligt tidplanen.",
            "deviations": "Rollspelen tog för lång tid.",
            "corrections_made": "Kortare rollspel.",
            "decisions_requested": "Fastställ tidplanen för omgång 2.",
            **texts,
        },
    )


def test_pdf_says_who_what_when_and_the_figures(small_program, check_ins, hr_user, tmp_path):
    report = _report(small_program, hr_user)

    text = pdf_text(rendering.render_status_report(report), tmp_path)

    created = timezone.localtime(report.created_at)  # the report's date is Stockholm's
    date = f"{created.day} {_swedish_month(created.month)}"
    assert text.startswith(
        "Örebro kommun Statusrapport nr 1 Sveriges viktigaste chefsjobb "
        f"Datum {date} {created.year} "
        "Period 1 mars 2015–30 april 2015 Omgång i fokus Omgång 1 "
        "Modul i fokus 2. Klar ledare Till Styrgruppen "
        "Sammanfattning Programmet har startat bra. "
        "Enligt plan Modul 1 och 2 genomfördes enligt tidplanen. "
        "Avvikelser Rollspelen tog för lång tid. "
        "Genomförda korrigeringar Kortare rollspel. "
        "Beslut som styrgruppen ombeds fatta Fastställ tidplanen för omgång 2. "
        "Korrigeringar från avstämningarna "
        "1. 20 april 2015, 2. Klar ledare: Kortare rollspel följda av reflektion i par. "
        "2. 16 mars 2015, 1. Del av en helhet: Mer tid för fallarbete. "
    )
    assert (
        f"Programmet i siffror Nyckeltal den {date} {created.year} "
        "Omgångar 2 Utvecklingsgrupper 3 Deltagare i programmet 9 "
        "Deltagare som har genomfört programmet 3 Deltagare som har avbrutit 1 "
        "Genomförda modultillfällen 3 Planerade modultillfällen 2 Närvaro 81,8 % "
        "Medelvärde i utvärderingarna (1–6) – Svarsfrekvens i utvärderingarna – "
        "Konsulter 4 Avstämningar 2 Statusrapporter 1 Inga utvärderingsresultat än."
    ) in text
    assert (
        "Närvaro per modul (genomförda modultillfällen) Modul Närvarande Registrerade Närvaro "
        "1. Del av en helhet 6 7 85,7 % 2. Klar ledare 3 4 75,0 %"
    ) in text
    # The charts are drawn as vector graphics with their texts, not printed as markup.
    assert "Andel närvarande (%)" in text
    assert "<svg" not in text


def _swedish_month(month: int) -> str:
    return [
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ][month - 1]  # fmt: skip


def test_pdf_is_tagged_a4_with_page_numbers(small_program, check_ins, hr_user, tmp_path):
    pdf = rendering.render_status_report(_report(small_program, hr_user))

    info = pdf_info(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)

    assert (info["Tagged"], info["Page size"], info["Pages"]) == (
        "yes",
        "595.276 x 841.89 pts (A4)",
        "3",
    )
    assert info["Title"] == "Statusrapport nr 1: Sveriges viktigaste chefsjobb"
    assert info["Author"] == "Örebro kommun"
    assert [f"Sida {n} / 3" in text for n in (1, 2, 3)] == [True, True, True]


def test_pdf_says_its_language_and_title_and_claims_no_pdf_ua(small_program, hr_user):
    pdf = rendering.render_status_report(_report(small_program, hr_user))

    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]

    assert (catalog["/Lang"], catalog["/ViewerPreferences"]["/DisplayDocTitle"]) == ("sv", True)
    # No XMP metadata, so no pdfuaid: the tests check parts of PDF/UA, not all of it.
    assert "/Metadata" not in catalog


def test_every_table_header_in_the_pdf_says_whether_it_heads_a_row_or_a_column(
    small_program, check_ins, hr_user
):
    pdf = rendering.render_status_report(_report(small_program, hr_user))

    assert table_header_scopes(pdf) == [
        ["/Row"] * 13,  # the key figures: a label heads each row
        ["/Column"] * 4 + ["/Row"] * 2,  # attendance: the headings, then the two modules
        ["/Column"] * 2 + ["/Row"] * 4,  # agreements by state: the headings, the four states
        ["/Column"] * 5 + ["/Row"],  # agreements by stage and state: the headings, one stage
    ]


def test_pdf_text_has_no_words_split_by_hyphenation(small_program, hr_user, tmp_path):
    # Long compounds that the Swedish dictionary hyphenates, and one with soft hyphens
    # (U+00AD), as a text pasted from a word processor has them.
    summary = " ".join(
        ["Förvaltningsövergripande verksamhetsutvecklare gör samordningen säkrare"] * 6
        + ["för utvecklings\u00adgruppernas\u00adsamordningsansvariga."] * 6
    )
    pdf = rendering.render_status_report(_report(small_program, hr_user, summary=summary))

    lines = pdf_lines(pdf, tmp_path)

    assert [c for c in lines if c in "\u2010\u00ad"] == []
    assert re.findall(r"\w-\n\w", lines) == []
    shown = summary.replace("\u00ad", "")  # a soft hyphen is never shown
    assert f"Sammanfattning {shown} Enligt plan" in pdf_text(pdf, tmp_path)


def test_first_page_is_not_blank(small_program, check_ins, hr_user, tmp_path):
    pdf = rendering.render_status_report(_report(small_program, hr_user))

    share_dark, spread = ink(page_image(pdf, tmp_path, page=1))

    assert share_dark > 0.02
    assert spread > 20


def test_user_text_is_escaped_and_its_urls_never_fetched(
    small_program, hr_user, tmp_path, no_network
):
    hostile = (
        'Se <img src="http://169.254.169.254/latest/meta-data/"> och '
        '<a rel="attachment" href="file:///etc/passwd">lösenorden</a> '
        "<style>@import url(http://10.0.0.1/x.css);</style>"
    )
    report = _report(small_program, hr_user, summary=hostile)
    fetcher = StaticOnlyURLFetcher()

    pdf = rendering.render_status_report(report, fetcher=fetcher)

    assert fetcher.served == [STYLESHEET]
    assert fetcher.refused == []
    assert no_network == []
    # A line may wrap inside the markup (after a "/"), so the white space is left out.
    printed = re.sub(r"\s", "", pdf_text(pdf, tmp_path))
    assert re.sub(r"\s", "", f"Sammanfattning {hostile} Enligt plan") in printed
    assert b"/EmbeddedFile" not in pdf
    assert b"root:x:0:0" not in pdf


def test_fetcher_refuses_everything_but_the_apps_static_files(tmp_path, no_network):
    html = """<!DOCTYPE html><html lang="sv"><head><title>Prov</title>
      <link rel="stylesheet" href="/static/reports/status_report.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <style>@import url("http://10.0.0.1/x.css");</style></head>
      <body><h1>Prov</h1>
      <img src="http://169.254.169.254/latest/meta-data/" alt="metadata">
      <img src="http://127.0.0.1:8000/healthz/" alt="intern">
      <img src="/static/../../../etc/passwd" alt="upp">
      <img src="/static/reports/%2e%2e/%2e%2e/svc/settings/base.py" alt="kod">
      <img src="/static/css/app.css?x=1" alt="fråga">
      <a rel="attachment" href="file:///etc/passwd">bilaga</a>
      </body></html>"""
    fetcher = StaticOnlyURLFetcher()

    pdf = rendering.render_pdf(html, fetcher=fetcher)

    assert fetcher.served == [STYLESHEET]
    assert sorted(set(fetcher.refused)) == [
        "file:///etc/passwd",
        "http://10.0.0.1/x.css",
        "http://127.0.0.1:8000/healthz/",
        "http://169.254.169.254/latest/meta-data/",
        "https://report.invalid/etc/passwd",
        "https://report.invalid/static/css/app.css?x=1",
        "https://report.invalid/static/reports/%2e%2e/%2e%2e/svc/settings/base.py",
    ]
    assert no_network == []
    assert b"/EmbeddedFile" not in pdf
    assert b"root:x:0:0" not in pdf


def test_pdf_shows_evaluation_results_with_suppressed_cells(
    small_program, hr_user, tmp_path, monkeypatch
):
    evaluations = {
        "mean": 4.8,
        "answers": 60,
        "response_rate": 0.9,
        "by_module": [
            {"label": "1. Del av en helhet", "mean": 4.7, "answers": 40},
            {"label": "2. Klar ledare", "mean": 4.9, "answers": 20},
        ],
        "by_group": [
            {"label": "Omgång 1, Kommunledningen", "mean": 4.86, "answers": 56},
            {"label": "Omgång 1, Grupp 2", "mean": None, "answers": 4},
        ],
        "effects_by_theme": [{"label": "Ökad helhetssyn i chefsrollen", "count": 12}],
    }
    monkeypatch.setattr(
        program_in_figures, "evaluation_figures", lambda *, program, as_of: evaluations
    )

    pdf = rendering.render_status_report(_report(small_program, hr_user))
    text, rows = pdf_text(pdf, tmp_path), pdf_text(pdf, tmp_path, layout=True)

    assert "Medelvärde i utvärderingarna (1–6) 4,8 Svarsfrekvens i utvärderingarna 90,0 %" in (text)
    assert (
        "Medelvärde i utvärderingen per utvecklingsgrupp Utvecklingsgrupp Medelvärde (1–6) Svar "
        "Omgång 1, Kommunledningen 4,9 56 Omgång 1, Grupp 2 – 4 "
        "–: visas inte, eftersom färre än 5 personer svarade"
    ) in rows
    assert "Effekter per tema Tema Effekter Ökad helhetssyn i chefsrollen 12" in rows
