"""Every evaluation URL against every role, as svc/tests/test_access_matrix.py does.

Anonymous → login; another organisation's user → 404; a role not allowed →
403; an allowed role → its status; an object of another organisation → 404.
The same rows are proposed for the project-wide matrix.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from participants.models import Role
from participants.tests.factories import PersonFactory, UserFactory
from programs.tests.factories import AttendanceFactory, EnrollmentFactory, SessionFactory
from svc.roles import roles_in

from .factories import make_group, make_program

pytestmark = pytest.mark.django_db

ROLES = (Role.HR, Role.STEERING, Role.PROCESS_LEADER, Role.PARTICIPANT, Role.LINE_MANAGER)
PARTICIPANT = frozenset({Role.PARTICIPANT})
RESULTS = frozenset({Role.HR, Role.STEERING, Role.PROCESS_LEADER})
EXPORT = frozenset({Role.HR, Role.STEERING})
HR = frozenset({Role.HR})


@dataclass(frozen=True)
class Row:
    allowed: frozenset
    kwargs: object  # callable(world) -> dict
    foreign: object = None  # callable(world) -> dict with another organisation's object


def org_only(w):
    return {"org": w.org.slug}


def session(w):
    return {"org": w.org.slug, "session_id": w.session.pk}


def foreign_session(w):
    return {"org": w.org.slug, "session_id": w.other_session.pk}


def program(w):
    return {"org": w.org.slug, "program_id": w.program.pk}


def foreign_program(w):
    return {"org": w.org.slug, "program_id": w.other_program.pk}


def module(w):
    return {**program(w), "module_id": w.program.modules.get(order=1).pk}


def foreign_module(w):
    return {**program(w), "module_id": w.other_program.modules.get(order=1).pk}


def led_session(w):
    """The world's session, led by the process leader, in an organisation that shows
    process leaders who has not answered."""
    from participants.models import Consultant, Organisation
    from participants.tests.factories import ConsultantFactory

    user = w.users[Role.PROCESS_LEADER]
    consultant = Consultant.objects.filter(user=user).first() or ConsultantFactory(
        user=user, organisations=[w.org]
    )
    w.session.process_leader = consultant
    w.session.save(update_fields=["process_leader"])
    Organisation.objects.filter(pk=w.org.pk).update(process_leaders_see_missing=True)
    return session(w)


def foreign_led_session(w):
    led_session(w)
    return foreign_session(w)


ROWS = {
    "evaluations:answer": Row(PARTICIPANT, session, foreign_session),
    "evaluations:thanks": Row(PARTICIPANT, session, foreign_session),
    "evaluations:my_evaluations": Row(PARTICIPANT, org_only),
    "evaluations:missing": Row(frozenset({Role.PROCESS_LEADER}), led_session, foreign_led_session),
    "evaluations:missing_setting": Row(HR, org_only),
    "evaluations:results": Row(RESULTS, program, foreign_program),
    "evaluations:results_export": Row(EXPORT, program, foreign_program),
    "evaluations:comments": Row(RESULTS, program, foreign_program),
    "evaluations:effects": Row(RESULTS, program, foreign_program),
    "evaluations:review": Row(HR, program, foreign_program),
    "evaluations:forms": Row(HR, program, foreign_program),
    "evaluations:form_edit": Row(HR, module, foreign_module),
}


@dataclass
class World:
    org: object
    users: dict
    outsider: object
    program: object
    session: object
    other_program: object
    other_session: object


@pytest.fixture
def world(org, other_org, hr_user, steering_user, process_leader_user, outsider):
    program = make_program(org)
    setup = make_group(program=program, size=1)
    line_manager_user = UserFactory(email="chef@orebro.test")
    line_manager = PersonFactory(organisation=org, user=line_manager_user)
    participant_user = UserFactory(email="deltagare@orebro.test")
    participant = PersonFactory(organisation=org, user=participant_user, line_manager=line_manager)
    enrollment = EnrollmentFactory(person=participant, group=setup.group)
    AttendanceFactory(session=setup.sessions[1], enrollment=enrollment)
    other_program = make_program(other_org)
    other_group = make_group(program=other_program, size=1).group
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
        session=setup.sessions[1],
        other_program=other_program,
        other_session=SessionFactory(
            group=other_group, module=other_program.modules.get(order=2), process_leader=None
        ),
    )


def test_every_evaluation_url_has_a_row():
    from svc.tests.test_access_matrix import project_url_names

    names = {n for n in project_url_names() if n.startswith("evaluations:")}

    assert names == set(ROWS)


def test_world_users_hold_exactly_their_role(world):
    held = {role: roles_in(user=user, organisation=world.org) for role, user in world.users.items()}

    assert held == {role: {role} for role in ROLES}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_anonymous_is_sent_to_login(client, world, name):
    response = client.get(reverse(name, kwargs=ROWS[name].kwargs(world)))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(ROWS))
def test_another_organisations_user_gets_404(client, world, name):
    client.force_login(world.outsider)

    response = client.get(reverse(name, kwargs=ROWS[name].kwargs(world)))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "role"), [(n, r) for n in sorted(ROWS) for r in ROLES])
def test_each_role_gets_200_or_403(client, world, name, role):
    client.force_login(world.users[role])

    response = client.get(reverse(name, kwargs=ROWS[name].kwargs(world)))

    assert response.status_code == (200 if role in ROWS[name].allowed else 403)


@pytest.mark.parametrize("name", sorted(n for n, row in ROWS.items() if row.foreign))
def test_object_of_another_organisation_gets_404(client, world, name):
    row = ROWS[name]
    client.force_login(world.users[next(r for r in ROLES if r in row.allowed)])

    response = client.get(reverse(name, kwargs=row.foreign(world)))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "role"),
    [("evaluations:review", Role.STEERING), ("evaluations:forms", Role.PROCESS_LEADER)],
)
def test_posts_are_refused_to_roles_without_access(client, world, name, role):
    client.force_login(world.users[role])

    response = client.post(reverse(name, kwargs=ROWS[name].kwargs(world)), {})

    assert response.status_code == 403
