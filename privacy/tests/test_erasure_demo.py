"""Erasing a demo participant leaves every figure unchanged (issue 16's acceptance).

The demo is seeded once for the module. The test reads, before and after erasing a
participant of the finished program "Sveriges viktigaste chefsjobb": the figures of
every Örebro program as of a fixed moment (``reports.selectors.program_figures``,
the dict the dashboard shows and a report freezes), the dashboard, the round
table of completion, the evaluation results, effects and comments pages as HR
reads them, and every frozen status report's stored snapshot and page. Any
count, mean or rate that moved would change one of these.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from core.tests import html
from demo.seed import seed_demo
from demo.specs import SVC_PROGRAM_NAME
from evaluations.models import Completion
from participants.models import Person, User
from privacy.erasure import erasure_refusals, person_erase
from programs.models import Agreement, Attendance, Program
from reports.models import StatusReport
from reports.selectors import program_figures


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


def _erasable_participant(program) -> Person:
    """The first participant of the finished program the rule lets go, with data to erase:
    attendance, an evaluation answered, an agreement with texts."""
    enrollments = OuterRef("enrollments")
    candidates = (
        Person.objects.filter(enrollments__program=program, active=True)
        .filter(
            Exists(Attendance.objects.filter(enrollment=enrollments, status="present")),
            Exists(Completion.objects.filter(enrollment=enrollments)),
            Exists(Agreement.objects.filter(~Q(texts={}), enrollment=enrollments)),
        )
        .distinct()
        .order_by("pk")
    )
    for person in candidates[:100]:
        if not erasure_refusals(person=person):
            return person
    raise AssertionError("No participant of the demo's finished program may be erased.")


def _main(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.parse(response).text("main")


def _everything(client, program) -> dict:
    cache.clear()
    moment = timezone.make_aware(dt.datetime(2030, 1, 1))
    org = {"org": "orebro"}
    of_program = {**org, "program_id": program.pk}
    reports = list(StatusReport.objects.filter(program=program).order_by("number"))
    return {
        "figures": {
            p.pk: program_figures(program=p, as_of=moment)
            for p in Program.objects.filter(organisation__slug="orebro")
        },
        "dashboard": _main(client, reverse("reports:dashboard", kwargs=of_program)),
        "rounds": html.parse(
            client.get(reverse("programs:program_progress", kwargs=of_program))
        ).rows("round-progress-table"),
        "results": _main(client, reverse("evaluations:results", kwargs=of_program)),
        "effects": _main(client, reverse("evaluations:effects", kwargs=of_program)),
        "comments": _main(client, reverse("evaluations:comments", kwargs=of_program)),
        "snapshots": [(r.number, r.snapshot) for r in reports],
        "report_pages": [
            _main(client, reverse("reports:report_detail", kwargs={**org, "report_id": r.pk}))
            for r in reports
        ],
    }


def test_erasing_a_demo_participant_leaves_every_figure_unchanged(client, program):
    hr = User.objects.get(email="hr@orebro.example")
    client.force_login(hr)
    person = _erasable_participant(program)
    name = person.full_name
    before = _everything(client, program)
    assert len(before["snapshots"]) == 20
    assert before["figures"][program.pk]["participants"]["completed"] > 0

    person_erase(person=person, by=hr)

    person.refresh_from_db()
    assert person.first_name == "Borttagen"
    assert not Agreement.objects.filter(~Q(texts={}), enrollment__person=person).exists()
    after = _everything(client, program)
    assert after == before
    # Nor was the name anywhere in what the steering group reads.
    assert not any(name in page for page in [after["dashboard"], *after["report_pages"]])
