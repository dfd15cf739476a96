"""The demo's 20 status reports of 2015–2017, and the newest one rendered for the demo.

Seeding takes a few seconds, so the module seeds once and every test reads
that data inside its own rolled-back transaction (as core's demo tests do).
"""

import datetime as dt
import itertools

import pytest
from django.core.management import call_command

from demo import reports as demo
from demo.seed import seed_demo
from programs.models import Enrollment, Program, Session
from reports.models import StatusReport
from reports.services import private_storage
from reports.tests.pdf import pdf_info, pdf_text, table_header_scopes


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()
        program = Program.objects.get(
            organisation__slug="orebro", name="Sveriges viktigaste chefsjobb"
        )
        # seed_demo may already call it; either way the reports are there once.
        demo.seed_demo_reports(program=program)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def program(seeded, db):
    return Program.objects.get(organisation__slug="orebro", name="Sveriges viktigaste chefsjobb")


def test_twenty_reports_spread_over_2015_to_2017(seeded, program):
    reports = list(StatusReport.objects.filter(program=program).order_by("number"))

    assert [r.number for r in reports] == list(range(1, 21))
    assert (reports[0].created_at.date(), reports[-1].created_at.date()) == (
        dt.date(2015, 2, 23),
        dt.date(2017, 12, 11),
    )
    assert len({r.created_at.year for r in reports}) == 3
    assert {r.status for r in reports} == {StatusReport.Status.NOT_GENERATED}
    assert {r.created_by.email for r in reports} == {"hr@orebro.example"}
    # Each period starts the day after the previous one ended.
    assert [
        later.period_start - earlier.period_end for earlier, later in itertools.pairwise(reports)
    ] == [dt.timedelta(days=1)] * 19


def test_seeding_again_writes_nothing(program):
    assert demo.seed_demo_reports(program=program) == 0
    assert StatusReport.objects.filter(program=program).count() == 20


def test_each_report_holds_the_figures_of_its_own_day(program):
    first, last_round = (StatusReport.objects.get(program=program, number=n) for n in (1, 18))

    held_by_first = Session.objects.filter(
        group__round__program=program, ends_at__lte=first.created_at
    ).count()
    assert (first.snapshot["sessions"]["held"], first.snapshot["rounds"]) == (held_by_first, 5)
    assert first.snapshot["participants"]["completed"] == 0
    assert first.snapshot["status_reports"] == 1
    # Completed by the rule (programs.completion): everyone present at all four modules, in
    # their own group or at a make-up session, by then; not all 480.
    completed = Enrollment.objects.filter(
        program=program, status=Enrollment.Status.COMPLETED
    ).count()
    assert (
        last_round.snapshot["participants"]["completed"],
        last_round.snapshot["sessions"]["planned"],
        last_round.snapshot["status_reports"],
    ) == (completed, 0, 18)
    assert 400 < completed < 480


def test_the_latest_report_is_rendered_for_the_demo(program, tmp_path):
    report = demo.render_latest_report(program=program)

    assert (report.number, report.status) == (20, StatusReport.Status.READY)
    with private_storage().open(report.file_name, "rb") as handle:
        pdf = handle.read()
    text = pdf_text(pdf, tmp_path)
    assert text.startswith(
        "Örebro kommun Statusrapport nr 20 Sveriges viktigaste chefsjobb Datum 11 december 2017"
    )
    assert "Omgångar 5 Utvecklingsgrupper 23 Deltagare i programmet 480" in text
    # With the demo's agreements, evaluations and effects the report has six pages.
    assert pdf_info(pdf, tmp_path)["Pages"] == "6"
    # Each of its 83 table header cells says whether it heads a row or a column.
    scopes = [scope for table in table_header_scopes(pdf) for scope in table]
    assert (len(scopes), sorted(set(scopes))) == (83, ["/Column", "/Row"])
