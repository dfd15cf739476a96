"""The pages: check-ins, the dashboard, writing a report, following its PDF and downloading it.
What each page says, and flat query counts at two data sizes."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from core.models import OutboxTask
from core.tests import html
from programs.models import CheckIn, Enrollment
from programs.tests.factories import CheckInFactory
from reports.models import StatusReport
from reports.selectors import live_figures_key
from reports.services import RENDER_TASK
from reports.tests.conftest import grow_program
from reports.tests.factories import MINIMAL_PDF, StatusReportFactory

pytestmark = pytest.mark.django_db


def parse(response) -> SimpleNamespace:
    """The dashboard's figures (``data-figure``) and every table's rows by id."""
    page = html.parse(response)
    return SimpleNamespace(
        figures={e.get("data-figure"): html.text(e) for e in page.select("[data-figure]")},
        tables={t.get("id"): page.rows(t.get("id")) for t in page.select("table[id]")},
    )


def url(name, **kwargs):
    return reverse(f"reports:{name}", kwargs={"org": "orebro", **kwargs})


# --- Check-ins ------------------------------------------------------------------------------


def test_check_in_list_shows_the_programs_check_ins_newest_first(
    client, hr_user, small_program, check_ins, other_org
):
    CheckInFactory(program__organisation=other_org, corrections="Annan kommun.")
    client.force_login(hr_user)

    response = client.get(url("check_in_list", program_id=small_program.program.pk))

    assert parse(response).tables["check-ins"] == [
        ["Datum", "Modul", "Konsult", "Beslutade korrigeringar"],
        [
            "2015-04-20",
            "2. Klar ledare",
            "Konsult 0",
            "Kortare rollspel följda av reflektion i par.",
        ],
        ["2015-03-16", "1. Del av en helhet", "Konsult 0", "Mer tid för fallarbete."],
    ]


def test_check_in_list_filters_by_module(client, hr_user, small_program, check_ins):
    client.force_login(hr_user)
    module = small_program.modules[0]

    response = client.get(
        url("check_in_list", program_id=small_program.program.pk), {"modul": module.pk}
    )

    rows = parse(response).tables["check-ins"]
    assert [row[0] for row in rows[1:]] == ["2015-03-16"]
    assert "1 avstämning om 1. Del av en helhet" in response.content.decode()


def test_check_in_form_shows_the_previous_corrections(client, hr_user, small_program, check_ins):
    client.force_login(hr_user)

    response = client.get(url("check_in_create", program_id=small_program.program.pk))

    page = response.content.decode()
    assert "Föregående avstämning, 20 april 2015" in page
    assert "Kortare rollspel följda av reflektion i par." in page


def test_logging_a_check_in_stores_it_and_shows_it(client, hr_user, small_program, check_ins):
    client.force_login(hr_user)
    module, consultant = small_program.modules[1], small_program.consultants[0]

    response = client.post(
        url("check_in_create", program_id=small_program.program.pk),
        {
            "held_on": "2015-05-18",
            "module": module.pk,
            "consultant": consultant.pk,
            "observations": "Navigatorn uppskattas.",
            "corrections": "En mall för färdplanen tas fram.",
            "follow_up": "Rollspelen är kortare nu.",
        },
    )

    check_in = CheckIn.objects.get(held_on=dt.date(2015, 5, 18))
    assert response.status_code == 302
    assert response["Location"] == url("check_in_detail", check_in_id=check_in.pk)
    assert (check_in.project_leader, check_in.module, check_in.consultant) == (
        hr_user,
        module,
        consultant,
    )
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Avstämning 18 maj 2015</h1>" in page
    assert "Avstämningen är sparad." in page
    assert "<p>Rollspelen är kortare nu.</p>" in page


def test_check_in_form_errors_are_summarised_in_swedish(client, hr_user, small_program):
    client.force_login(hr_user)

    response = client.post(
        url("check_in_create", program_id=small_program.program.pk),
        {"held_on": "", "module": "", "observations": ""},
    )

    assert response.status_code == 200
    links = html.parse(response).select(".error-summary a.alert-link")
    assert [(a.get("href"), html.text(a)) for a in links] == [
        ("#id_held_on", "Ange datum."),
        ("#id_module", "Välj modul."),
        ("#id_observations", "Ange vad som iakttogs."),
    ]
    assert CheckIn.objects.count() == 0


def test_check_in_of_another_programs_module_is_refused(client, hr_user, small_program):
    from programs.tests.factories import ModuleFactory, ProgramFactory

    foreign = ModuleFactory(program=ProgramFactory(organisation=small_program.program.organisation))
    client.force_login(hr_user)

    response = client.post(
        url("check_in_create", program_id=small_program.program.pk),
        {"held_on": "2015-05-18", "module": foreign.pk, "observations": "X"},
    )

    assert response.status_code == 200
    assert CheckIn.objects.count() == 0


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_shows_the_programs_figures(client, steering_user, small_program, check_ins):
    client.force_login(steering_user)

    response = client.get(url("dashboard", program_id=small_program.program.pk))

    page = parse(response)
    assert page.figures == {
        "rounds": "2",
        "groups": "3",
        "enrolled": "9",
        "completed": "3",
        "withdrawn": "1",
        "sessions_held": "3",
        "sessions_planned": "2",
        "attendance_rate": "81,8\u00a0%",
        "evaluation_mean": "–",
        "response_rate": "–",
        "consultants": "4",
        "check_ins": "2",
        "status_reports": "0",
    }
    assert page.tables["table-attendance"] == [
        ["Modul", "Närvarande", "Registrerade", "Närvaro"],
        ["1. Del av en helhet", "6", "7", "85,7\u00a0%"],
        ["2. Klar ledare", "3", "4", "75,0\u00a0%"],
    ]
    assert page.tables["table-agreements"] == [
        ["Status", "Överenskommelser"],
        ["Utkast", "1"],
        ["Väntar på chefen", "1"],
        ["Återsänd", "0"],
        ["Överenskommen", "2"],
    ]
    assert "Inga utvärderingsresultat än." in response.content.decode()


def test_dashboard_charts_are_inline_svg_without_styles(client, hr_user, small_program):
    client.force_login(hr_user)

    page = html.parse(client.get(url("dashboard", program_id=small_program.program.pk)))

    svgs = page.select("svg")
    assert [svg.get("aria-labelledby") for svg in svgs] == [
        "chart-attendance-title",
        "chart-agreements-title",
    ]
    title = svgs[0].find("title")
    assert (title.get("id"), html.text(title)) == ("chart-attendance-title", "Närvaro per modul")
    assert [
        [
            any(e.tag == "style" for e in svg.iter()),
            any("style" in e.attrib for e in svg.iter()),
            any(e.tag == "script" for e in svg.iter()),
        ]
        for svg in svgs
    ] == [[False, False, False], [False, False, False]]


def test_dashboard_query_count_is_flat(client, hr_user, small_program, check_ins, queries):
    client.force_login(hr_user)

    queries.assert_flat(
        client,
        url("dashboard", program_id=small_program.program.pk),
        grow=lambda: grow_program(small_program, groups=4, members=5),
    )


def test_check_in_list_query_count_is_flat(client, hr_user, small_program, check_ins, queries):
    client.force_login(hr_user)

    queries.assert_flat(
        client,
        url("check_in_list", program_id=small_program.program.pk),
        grow=lambda: grow_program(small_program, groups=3, members=2),
    )


def test_report_list_query_count_is_flat(client, steering_user, small_program, queries):
    client.force_login(steering_user)
    StatusReportFactory(program=small_program.program, number=1, ready=True)

    def grow():
        for number in range(2, 7):
            StatusReportFactory(program=small_program.program, number=number, ready=number % 2)

    queries.assert_flat(client, url("report_list", program_id=small_program.program.pk), grow=grow)


# --- Writing a report and following its PDF ---------------------------------------------------


def test_report_form_suggests_the_corrections_since_the_last_report(
    client, hr_user, small_program, check_ins
):
    StatusReportFactory(
        program=small_program.program,
        number=1,
        period_start=dt.date(2015, 1, 1),
        period_end=dt.date(2015, 3, 31),
    )
    client.force_login(hr_user)

    response = client.get(url("report_create", program_id=small_program.program.pk))

    form = response.context["form"]
    assert (form["period_start"].value(), form["corrections_made"].value()) == (
        dt.date(2015, 3, 31),
        "2015-04-20: Kortare rollspel följda av reflektion i par.",
    )


def test_report_form_of_a_finished_program_suggests_a_period_ending_at_its_end(
    client, hr_user, small_program
):
    program = small_program.program
    program.starts_on, program.ends_on = dt.date(2015, 1, 1), dt.date(2017, 6, 30)
    program.save(update_fields=["starts_on", "ends_on"])
    StatusReportFactory(program=program, number=19, period_end=dt.date(2017, 3, 31))
    client.force_login(hr_user)

    page = html.parse(client.get(url("report_create", program_id=program.pk)))

    assert [(e.get("name"), e.get("value")) for e in page.select("input[type=date]")] == [
        ("period_start", "2017-03-31"),
        ("period_end", "2017-06-30"),
    ]


def test_report_form_of_a_running_program_suggests_a_period_ending_today(
    client, hr_user, small_program
):
    program = small_program.program
    program.starts_on, program.ends_on = (
        dt.date(2015, 1, 1),
        timezone.localdate() + dt.timedelta(days=30),
    )
    program.save(update_fields=["starts_on", "ends_on"])
    client.force_login(hr_user)

    form = client.get(url("report_create", program_id=program.pk)).context["form"]

    assert (form["period_start"].value(), form["period_end"].value()) == (
        dt.date(2015, 1, 1),
        timezone.localdate(),
    )


def test_writing_a_report_generates_its_pdf_and_shows_it_ready(
    client, hr_user, small_program, check_ins, django_capture_on_commit_callbacks
):
    client.force_login(hr_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("report_create", program_id=small_program.program.pk),
            {
                "period_start": "2015-03-01",
                "period_end": "2015-04-30",
                "focus_round": small_program.rounds[0].pk,
                "summary": "Programmet har startat <b>bra</b>.",
                "according_to_plan": "Modul 1 genomfördes.",
            },
        )

    report = StatusReport.objects.get()
    assert response["Location"] == url("report_detail", report_id=report.pk)
    assert (report.number, report.status, report.created_by) == (
        1,
        StatusReport.Status.READY,
        hr_user,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Statusrapport nr 1 är sparad. Dess PDF skapas." in page
    assert "<p>Programmet har startat &lt;b&gt;bra&lt;/b&gt;.</p>" in page
    assert "Ladda ner statusrapport nr 1 (PDF)" in page
    assert "hx-trigger" not in page


def test_report_form_refuses_a_period_backwards(client, hr_user, small_program):
    client.force_login(hr_user)

    response = client.post(
        url("report_create", program_id=small_program.program.pk),
        {"period_start": "2015-04-30", "period_end": "2015-03-01", "summary": "X"},
    )

    assert response.context["form"].errors == {
        "period_end": ["Perioden måste sluta samma dag som den börjar eller senare."]
    }
    assert StatusReport.objects.count() == 0


def test_pending_report_polls_its_status_every_two_seconds(client, steering_user, small_program):
    report = StatusReportFactory(program=small_program.program, status=StatusReport.Status.QUEUED)
    client.force_login(steering_user)

    response = client.get(url("report_status", report_id=report.pk), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.startswith(
        f'<div id="report-status" data-status="queued" '
        f'hx-get="/o/orebro/statusrapporter/{report.pk}/status/" hx-trigger="every 2s" '
        f'hx-swap="outerHTML">'
    )
    assert "I kö" in page
    assert "PDF:en skapas. Sidan uppdateras av sig själv." in page


def test_ready_report_stops_polling_and_offers_the_download(client, steering_user, small_program):
    report = StatusReportFactory(program=small_program.program, ready=True)
    client.force_login(steering_user)

    page = client.get(url("report_status", report_id=report.pk)).content.decode()

    assert "hx-trigger" not in page
    assert f'href="/o/orebro/statusrapporter/{report.pk}/pdf/"' in page


def test_failed_report_says_so_in_swedish_and_offers_try_again(
    client, steering_user, small_program, django_capture_on_commit_callbacks
):
    report = StatusReportFactory(
        program=small_program.program,
        status=StatusReport.Status.FAILED,
        error_message="OSError: disk full",
    )
    client.force_login(steering_user)

    page = client.get(url("report_detail", report_id=report.pk)).content.decode()

    assert "PDF:en kunde inte skapas." in page
    assert "OSError" not in page
    assert '<button type="submit" class="btn btn-primary">Försök igen</button>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("report_generate", report_id=report.pk))
    report.refresh_from_db()
    assert response["Location"] == url("report_detail", report_id=report.pk)
    assert report.status == StatusReport.Status.READY


def test_download_hands_out_the_stored_pdf(client, steering_user, small_program):
    report = StatusReportFactory(program=small_program.program, number=4, ready=True)
    client.force_login(steering_user)

    response = client.get(url("report_download", report_id=report.pk))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statusrapport-4.pdf"'
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_download_of_a_report_without_pdf_leads_to_its_page(client, steering_user, small_program):
    report = StatusReportFactory(program=small_program.program, status=StatusReport.Status.QUEUED)
    client.force_login(steering_user)

    response = client.get(url("report_download", report_id=report.pk))

    assert response["Location"] == url("report_detail", report_id=report.pk)


# --- A report opened without its PDF -----------------------------------------------------------


def _render_tasks() -> list[dict]:
    return list(OutboxTask.objects.filter(task_name=RENDER_TASK).values_list("kwargs", flat=True))


def test_opening_a_report_without_pdf_renders_it_and_the_page_follows_until_it_is_offered(
    client, steering_user, small_program, mailoutbox, django_capture_on_commit_callbacks
):
    """The demo's old reports have no PDF: the steering group opens one and gets it."""
    report = StatusReportFactory(program=small_program.program, number=3)
    client.force_login(steering_user)

    with django_capture_on_commit_callbacks(execute=True):
        opened = html.parse(client.get(url("report_detail", report_id=report.pk)))
    polled = client.get(url("report_status", report_id=report.pk), HTTP_HX_REQUEST="true")
    pdf = client.get(url("report_download", report_id=report.pk))

    # The page as it was answered: the rendering asked for, the page polling its status.
    (status,) = opened.select("#report-status")
    assert (status.get("data-status"), status.get("hx-trigger")) == ("queued", "every 2s")
    assert opened.texts("#report-status p") == [
        "I kö PDF:en skapas. Sidan uppdateras av sig själv."
    ]
    # Then the worker (here: in-process) rendered it, once, and told nobody by e-mail.
    report.refresh_from_db()
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 1)
    assert _render_tasks() == [{"report_id": report.pk, "notify": False}]
    assert mailoutbox == []
    assert "hx-trigger" not in polled.content.decode()
    assert html.parse(polled).texts("a") == ["Ladda ner statusrapport nr 3 (PDF)"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_opening_a_report_again_while_its_pdf_is_on_its_way_asks_for_nothing_more(
    client, steering_user, hr_user, small_program
):
    report = StatusReportFactory(program=small_program.program)
    client.force_login(steering_user)

    client.get(url("report_detail", report_id=report.pk))
    client.get(url("report_detail", report_id=report.pk))
    client.force_login(hr_user)
    client.get(url("report_detail", report_id=report.pk))

    report.refresh_from_db()
    assert report.status == StatusReport.Status.QUEUED
    assert _render_tasks() == [{"report_id": report.pk, "notify": False}]


def test_opening_a_failed_report_does_not_try_again_by_itself(client, steering_user, small_program):
    report = StatusReportFactory(
        program=small_program.program, status=StatusReport.Status.FAILED, error_message="x"
    )
    client.force_login(steering_user)

    page = client.get(url("report_detail", report_id=report.pk)).content.decode()

    report.refresh_from_db()
    assert report.status == StatusReport.Status.FAILED
    assert _render_tasks() == []
    assert '<button type="submit" class="btn btn-primary">Försök igen</button>' in page


@pytest.mark.django_db(transaction=True)
def test_opening_a_report_with_the_broker_down_renders_its_pdf_here(
    client, steering_user, small_program, redis_stopped
):
    report = StatusReportFactory(program=small_program.program, number=3)
    client.force_login(steering_user)

    page = html.parse(client.get(url("report_detail", report_id=report.pk)))
    pdf = client.get(url("report_download", report_id=report.pk))

    report.refresh_from_db()
    assert report.status == StatusReport.Status.READY
    assert OutboxTask.objects.get(task_name=RENDER_TASK).state == OutboxTask.State.DONE
    assert page.select("#report-status")[0].get("data-status") == "ready"
    assert page.texts("#report-status a") == ["Ladda ner statusrapport nr 3 (PDF)"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_report_page_shows_the_frozen_figures_not_the_live_ones(
    client, steering_user, small_program, check_ins
):
    report = StatusReportFactory(program=small_program.program, number=1)
    grow_program(small_program, groups=2, members=4)
    client.force_login(steering_user)

    report_page = parse(client.get(url("report_detail", report_id=report.pk)))
    live_page = parse(client.get(url("dashboard", program_id=small_program.program.pk)))

    assert (report_page.figures["groups"], report_page.figures["enrolled"]) == ("3", "9")
    assert (live_page.figures["groups"], live_page.figures["enrolled"]) == ("5", "17")


def test_steering_group_sees_no_write_links(client, steering_user, small_program, check_ins):
    """The steering group follows the program up: it reads the check-ins, it writes nothing."""
    client.force_login(steering_user)
    program_id = small_program.program.pk
    create_href = f'href="{url("check_in_create", program_id=program_id)}"'

    reports = html.parse(client.get(url("report_list", program_id=program_id)))
    check_in_list = client.get(url("check_in_list", program_id=program_id))
    check_in = client.get(url("check_in_detail", check_in_id=check_ins[1].pk))

    assert reports.texts("ul.nav-tabs a") == [
        "Programmet i siffror",
        "Statusrapporter",
        "Avstämningar",
    ]
    assert "Skriv en statusrapport" not in reports.text()
    assert [row[0] for row in parse(check_in_list).tables["check-ins"][1:]] == [
        "2015-04-20",
        "2015-03-16",
    ]
    for response in (check_in_list, check_in):
        page = response.content.decode()
        assert "Registrera en avstämning" not in page
        assert create_href not in page
    assert html.parse(check_in).texts("h1") == ["Avstämning 20 april 2015"]
    assert client.get(url("check_in_create", program_id=program_id)).status_code == 403


# --- Texts in their own language ---------------------------------------------------------


def _switch_to_english(client):
    client.post(reverse("set_language"), {"language": "en"})


def _texts_with_lang(response) -> list[tuple[str, str]]:
    return [(e.get("lang"), html.text(e)) for e in html.parse(response).select("main [lang]")]


@pytest.mark.parametrize(("interface", "written_in"), [("en", "sv"), ("sv", "en")])
def test_report_page_marks_the_reports_texts_with_their_language(
    client, steering_user, small_program, check_ins, interface, written_in
):
    report = StatusReportFactory(
        program=small_program.program,
        period_end=dt.date(2015, 4, 30),
        language=written_in,
        summary="Programmet har startat.",
        deviations="Rollspelen tog för lång tid.",
    )
    client.force_login(steering_user)
    client.post(reverse("set_language"), {"language": interface})

    texts = _texts_with_lang(client.get(url("report_detail", report_id=report.pk)))

    # The check-ins' corrections are in the organisation's language, Swedish, whatever
    # language the report is written in.
    assert texts == [
        (written_in, "Programmet har startat."),
        (written_in, "Rollspelen tog för lång tid."),
        ("sv", "Kortare rollspel följda av reflektion i par."),
        ("sv", "Mer tid för fallarbete."),
    ]


def test_report_page_in_english_has_no_double_full_stop(client, steering_user, small_program):
    report = StatusReportFactory(program=small_program.program, ready=True)
    # An afternoon: English writes the time with "p.m.", at the end of a sentence.
    report.rendered_at = dt.datetime(2015, 2, 23, 16, 5, tzinfo=dt.UTC)
    report.save(update_fields=["rendered_at"])
    client.force_login(steering_user)
    _switch_to_english(client)

    page = html.parse(client.get(url("report_detail", report_id=report.pk)))

    assert page.texts("#report-status p")[0] == "Ready The PDF was generated Feb. 23, 2015, 17:05."
    assert ".." not in page.text()


def test_check_in_page_in_english_marks_its_texts_as_swedish(
    client, hr_user, small_program, check_ins
):
    client.force_login(hr_user)
    _switch_to_english(client)

    texts = _texts_with_lang(client.get(url("check_in_detail", check_in_id=check_ins[1].pk)))

    assert texts == [
        ("sv", "Rollspelen var för långa."),
        ("sv", "Kortare rollspel följda av reflektion i par."),
        ("sv", "Fallarbetet har fått mer tid."),
    ]


def test_check_in_list_and_form_in_english_mark_the_corrections_as_swedish(
    client, hr_user, small_program, check_ins
):
    client.force_login(hr_user)
    _switch_to_english(client)
    program_id = small_program.program.pk

    listed = _texts_with_lang(client.get(url("check_in_list", program_id=program_id)))
    form = _texts_with_lang(client.get(url("check_in_create", program_id=program_id)))

    assert listed == [
        ("sv", "Kortare rollspel följda av reflektion i par."),
        ("sv", "Mer tid för fallarbete."),
    ]
    assert form == [("sv", "Kortare rollspel följda av reflektion i par.")]


def test_dashboard_tables_are_the_stored_minutes_in_each_language(client, hr_user, small_program):
    """The rendered figures are kept a minute (issue 17: at national scale the tables and
    charts cost more than the figures): a withdrawal shows when the minute has passed."""
    client.force_login(hr_user)
    dashboard = url("dashboard", program_id=small_program.program.pk)
    assert parse(client.get(dashboard)).figures["withdrawn"] == "1"
    enrollment = (
        Enrollment.objects.filter(group__round__program=small_program.program)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .first()
    )
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.save(update_fields=["status"])

    assert parse(client.get(dashboard)).figures["withdrawn"] == "1"
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    english = parse(client.get(dashboard))
    assert (english.figures["withdrawn"], english.tables["table-attendance"][0][0]) == (
        "2",
        "Module",
    )

    for presented in (False, True):
        with translation.override("sv"):
            cache.delete(live_figures_key(program=small_program.program, presented=presented))
    hr_user.language = "sv"
    hr_user.save(update_fields=["language"])
    assert parse(client.get(dashboard)).figures["withdrawn"] == "2"
