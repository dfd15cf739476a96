"""Completion in the demo follows attendance, and every place that shows it says the same.

The group pages, the round table, the dashboard, the newest status report's PDF
and the rounds' XLSX exports are read as a person reads them, and compared with
each other and with the rule (``programs.completion``) applied to the stored
attendance. Seeding takes a few seconds, so the module seeds once.
"""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from openpyxl import load_workbook

from core.tests import html
from demo import reports as demo_reports
from demo.seed import seed_demo
from demo.specs import SVC_PROGRAM_NAME
from participants.models import User
from programs import completion
from programs.models import Attendance, Enrollment, Group, MakeUpBooking, Program
from programs.scheduling import attendance_register
from reports.services import private_storage
from reports.tests.pdf import pdf_text


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def program(seeded, db):
    cache.clear()
    return Program.objects.get(organisation__slug="orebro", name=SVC_PROGRAM_NAME)


@pytest.fixture
def hr(client, program):
    client.force_login(User.objects.get(email="hr@orebro.example"))
    return client


def _url(name, app="programs", **kwargs):
    return reverse(f"{app}:{name}", kwargs={"org": "orebro", **kwargs})


def _group_page(client, group) -> tuple[int, int]:
    """(completed, members) as the group's attendance page says it: "17 av 21 (81 %)"."""
    page = html.parse(client.get(_url("group_progress", group_id=group.pk)))
    said = page.texts("[data-testid=progress-completed]")[0]
    completed, members, percent = re.fullmatch(r"(\d+) av (\d+) \((\d+) %\)", said).groups()
    assert int(percent) == round(100 * int(completed) / int(members))
    return int(completed), int(members)


def _round_table(client, program) -> dict[str, tuple[int, int]]:
    """Round → (members, completed), from the program's attendance page."""
    page = html.parse(client.get(_url("program_progress", program_id=program.pk)))
    rows = page.rows("round-progress-table")
    assert rows[0][:5] == [
        "Omgång",
        "Utvecklingsgrupper",
        "Deltagare",
        "Genomförd",
        "Andel genomfört",
    ]
    return {row[0]: (int(row[2]), int(row[3])) for row in rows[1:]}


def _xlsx_completed(client, round_) -> tuple[int, int]:
    """(rows saying "Ja", rows) in the round export's "Genomförd" column."""
    response = client.get(_url("round_export", round_id=round_.pk))
    sheet = load_workbook(io.BytesIO(response.content))["Närvaro"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Genomförd")
    values = [row[column] for row in rows[1:]]
    return values.count("Ja"), len(values)


def test_the_demo_has_places_completed_through_make_ups_and_some_not_completed(program):
    places = Enrollment.objects.filter(program=program).holding_place()
    by_rule = set(completion.completed_enrollments(places).values_list("pk", flat=True))
    stored = set(places.filter(status=Enrollment.Status.COMPLETED).values_list("pk", flat=True))
    guests_present = set(
        Attendance.objects.filter(enrollment__program=program, status=Attendance.Status.PRESENT)
        .exclude(session__group=F("enrollment__group"))
        .values_list("enrollment_id", flat=True)
    )
    booked = set(
        MakeUpBooking.objects.filter(session__group__round__program=program).values_list(
            "enrollment_id", flat=True
        )
    )
    not_completed = set(places.values_list("pk", flat=True)) - stored

    assert stored == by_rule
    assert guests_present <= booked
    assert len(stored & guests_present) >= 40
    assert 5 <= len(not_completed) <= 30
    assert set(places.filter(pk__in=not_completed).values_list("status", flat=True)) == {
        Enrollment.Status.ACTIVE
    }


def test_completion_agrees_between_group_round_dashboard_pdf_and_xlsx(hr, program, tmp_path):
    rounds = {f"Omgång {r.number}": r for r in program.rounds.all()}
    table = _round_table(hr, program)
    per_round = {name: [0, 0] for name in rounds}
    for group in Group.objects.filter(round__program=program).select_related("round"):
        completed, members = _group_page(hr, group)
        per_round[f"Omgång {group.round.number}"][0] += members
        per_round[f"Omgång {group.round.number}"][1] += completed
    xlsx = {name: _xlsx_completed(hr, round_) for name, round_ in rounds.items()}
    dashboard = html.parse(hr.get(_url("dashboard", app="reports", program_id=program.pk)))
    report = demo_reports.render_latest_report(program=program)
    with private_storage().open(report.file_name, "rb") as handle:
        pdf = pdf_text(handle.read(), tmp_path)
    total = sum(completed for _, completed in table.values())

    assert {name: tuple(v) for name, v in per_round.items()} == table
    assert {name: (n, c) for name, (c, n) in xlsx.items()} == table
    assert dashboard.texts("[data-figure=completed]") == [str(total)]
    assert f"Deltagare som har genomfört programmet {total} " in pdf
    assert (
        total
        == Enrollment.objects.filter(program=program, status=Enrollment.Status.COMPLETED).count()
    )
    assert total < sum(members for members, _ in table.values())


def test_saving_a_sessions_attendance_again_unchanged_changes_no_figure(hr, program):
    group = Group.objects.get(round__program=program, number=5)
    before = _group_page(hr, group), _round_table(hr, program)
    for session in group.sessions.all():
        statuses = dict(
            Attendance.objects.filter(session=session).values_list("enrollment_id", "status")
        )
        attendance_register(session=session, statuses=statuses)

    assert (_group_page(hr, group), _round_table(hr, program)) == before
