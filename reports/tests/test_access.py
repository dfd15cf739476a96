"""Who reaches the reports pages: every URL of the app × anonymous, another organisation and
each role. The steering group reads aggregates and the check-ins, never agreement texts.
"""

from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse

from participants.models import Role
from participants.tests.factories import ConsultantFactory, PersonFactory, UserFactory
from programs.tests.factories import (
    AgreementFactory,
    CheckInFactory,
    EnrollmentFactory,
    GroupFactory,
    ProgramFactory,
)
from reports.tests.factories import StatusReportFactory

pytestmark = pytest.mark.django_db

HR = frozenset({Role.HR})
HR_AND_STEERING = frozenset({Role.HR, Role.STEERING})
ROLES = (Role.HR, Role.STEERING, Role.PROCESS_LEADER, Role.PARTICIPANT, Role.LINE_MANAGER)


@dataclass
class World:
    org: object
    users: dict
    outsider: object
    program: object
    other_program: object
    check_in: object
    other_check_in: object
    report: object  # no PDF yet
    ready_report: object  # with a stored PDF
    other_report: object


@pytest.fixture
def world(org, other_org, hr_user, steering_user, process_leader_user, outsider):
    group = GroupFactory(round__program=ProgramFactory(organisation=org))
    program = group.round.program
    other_program = ProgramFactory(organisation=other_org)
    line_manager_user = UserFactory(email="chef@orebro.test")
    line_manager = PersonFactory(organisation=org, user=line_manager_user)
    participant_user = UserFactory(email="deltagare@orebro.test")
    participant = PersonFactory(organisation=org, user=participant_user, line_manager=line_manager)
    enrollment = EnrollmentFactory(person=participant, group=group)
    AgreementFactory(enrollment=enrollment, texts={"develop": "HEMLIG-ÖVERENSKOMMELSE"})
    consultant = ConsultantFactory(organisations=[org])
    return World(
        org=org,
        users={
            Role.HR: hr_user,
            Role.STEERING: steering_user,
            Role.PROCESS_LEADER: process_leader_user,
            Role.PARTICIPANT: participant_user,
            Role.LINE_MANAGER: line_manager_user,
        },
        outsider=outsider,
        program=program,
        other_program=other_program,
        check_in=CheckInFactory(
            program=program, consultant=consultant, observations="HR-ANTECKNING"
        ),
        other_check_in=CheckInFactory(program=other_program),
        report=StatusReportFactory(program=program, number=1),
        ready_report=StatusReportFactory(program=program, number=2, ready=True),
        other_report=StatusReportFactory(program=other_program, number=1, ready=True),
    )


def _org(w):
    return {"org": w.org.slug}


def _program(w):
    return {"org": w.org.slug, "program_id": w.program.pk}


def _foreign_program(w):
    return {"org": w.org.slug, "program_id": w.other_program.pk}


def _check_in(w):
    return {"org": w.org.slug, "check_in_id": w.check_in.pk}


def _foreign_check_in(w):
    return {"org": w.org.slug, "check_in_id": w.other_check_in.pk}


def _report(w):
    return {"org": w.org.slug, "report_id": w.report.pk}


def _ready_report(w):
    return {"org": w.org.slug, "report_id": w.ready_report.pk}


def _foreign_report(w):
    return {"org": w.org.slug, "report_id": w.other_report.pk}


@dataclass(frozen=True)
class Row:
    allowed: frozenset
    kwargs: object
    foreign_kwargs: object = None
    method: str = "get"
    ok_status: int = 200


ROWS = {
    "reports:program_index": Row(HR_AND_STEERING, _org),
    "reports:check_in_list": Row(HR_AND_STEERING, _program, _foreign_program),
    "reports:check_in_create": Row(HR, _program, _foreign_program),
    "reports:check_in_detail": Row(HR_AND_STEERING, _check_in, _foreign_check_in),
    "reports:dashboard": Row(HR_AND_STEERING, _program, _foreign_program),
    "reports:report_list": Row(HR_AND_STEERING, _program, _foreign_program),
    "reports:report_create": Row(HR, _program, _foreign_program),
    "reports:report_detail": Row(HR_AND_STEERING, _report, _foreign_report),
    "reports:report_status": Row(HR_AND_STEERING, _report, _foreign_report),
    "reports:report_generate": Row(
        HR_AND_STEERING, _report, _foreign_report, method="post", ok_status=302
    ),
    "reports:report_download": Row(HR_AND_STEERING, _ready_report, _foreign_report),
    "reports:comparison": Row(HR_AND_STEERING, _program, _foreign_program),
    "reports:comparison_settings": Row(HR, _org),
}


def _call(client, name, kwargs_of, world):
    row = ROWS[name]
    return getattr(client, row.method)(reverse(name, kwargs=kwargs_of(world)))


def test_every_reports_url_has_a_row():
    names = {
        f"reports:{name}"
        for name in get_resolver().namespace_dict["reports"][1].reverse_dict
        if isinstance(name, str)
    }

    assert names == set(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_anonymous_is_sent_to_login(client, world, name):
    response = _call(client, name, ROWS[name].kwargs, world)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(ROWS))
def test_another_organisations_coordinator_gets_404(client, world, name):
    client.force_login(world.outsider)

    assert _call(client, name, ROWS[name].kwargs, world).status_code == 404


@pytest.mark.parametrize(("name", "role"), [(n, r) for n in sorted(ROWS) for r in ROLES])
def test_each_role_gets_its_answer(client, world, name, role):
    row = ROWS[name]
    client.force_login(world.users[role])

    response = _call(client, name, row.kwargs, world)

    assert response.status_code == (row.ok_status if role in row.allowed else 403)


@pytest.mark.parametrize("name", sorted(n for n, r in ROWS.items() if r.foreign_kwargs))
def test_object_of_another_organisation_gets_404(client, world, name):
    row = ROWS[name]
    client.force_login(world.users[Role.HR])

    assert _call(client, name, row.foreign_kwargs, world).status_code == 404


def test_steering_group_pages_hold_no_agreement_text_and_notes_only_on_the_check_in(client, world):
    client.force_login(world.users[Role.STEERING])
    readable = [n for n, r in ROWS.items() if Role.STEERING in r.allowed and r.method == "get"]

    pages = {name: _call(client, name, ROWS[name].kwargs, world) for name in readable}

    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        readable, 200
    )
    for name, response in pages.items():
        body = b"".join(response) if response.streaming else response.content
        assert "HEMLIG-ÖVERENSKOMMELSE".encode() not in body, name
        # Following the program up: the steering group reads what a check-in observed.
        assert (b"HR-ANTECKNING" in body) == (name == "reports:check_in_detail"), name
