"""programs.rounds: the services (round, accept, intake, move) and the reads behind the pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from participants.models import Level
from participants.tests.factories import DepartmentFactory, PersonFactory
from programs import rounds
from programs.composition import compose
from programs.departments import department_tree
from programs.models import Agreement, Attendance, Enrollment, Group, Round
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def program(org):
    return ProgramFactory(
        organisation=org, starts_on=dt.date(2015, 1, 1), ends_on=dt.date(2017, 12, 31)
    )


@pytest.fixture
def round_1(program):
    return RoundFactory(program=program, number=1)


def _people(org, count, **kwargs):
    return [PersonFactory(organisation=org, **kwargs) for _ in range(count)]


# --- round_create --------------------------------------------------------------------------------


def test_round_create_stores_the_round(program):
    round_ = rounds.round_create(
        program=program, number=2, starts_on=dt.date(2015, 9, 7), ends_on=dt.date(2015, 12, 18)
    )

    assert Round.objects.filter(program=program).values_list(
        "number", "starts_on", "ends_on"
    ).get() == (2, dt.date(2015, 9, 7), dt.date(2015, 12, 18))
    assert round_.program == program


def test_round_create_again_with_the_same_values_returns_the_stored_round(program):
    values = {"number": 2, "starts_on": dt.date(2015, 9, 7), "ends_on": dt.date(2015, 12, 18)}

    first = rounds.round_create(program=program, **values)
    second = rounds.round_create(program=program, **values)

    assert first.pk == second.pk
    assert Round.objects.count() == 1


def test_round_create_with_a_taken_number_names_the_field(program, round_1):
    with pytest.raises(ValidationError) as raised:
        rounds.round_create(
            program=program, number=1, starts_on=dt.date(2016, 1, 4), ends_on=dt.date(2016, 6, 1)
        )

    assert raised.value.message_dict == {"number": ["Programmet har redan en omgång 1."]}


def test_round_create_outside_the_program_is_refused(program):
    with pytest.raises(ValidationError) as raised:
        rounds.round_create(
            program=program, number=9, starts_on=dt.date(2017, 9, 1), ends_on=dt.date(2018, 3, 1)
        )

    assert raised.value.message_dict == {
        "ends_on": ["Omgången måste sluta inom programmets period, 2015-01-01–2017-12-31."]
    }


# --- The pool and its candidates ---------------------------------------------------------------


def test_pool_people_excludes_places_but_not_withdrawn_or_moved(org, program, round_1):
    group = GroupFactory(round=round_1)
    placed = EnrollmentFactory(group=group, person__organisation=org).person
    withdrawn = EnrollmentFactory(
        group=group, person__organisation=org, status=Enrollment.Status.WITHDRAWN
    ).person
    free = PersonFactory(organisation=org)
    PersonFactory(organisation=org, active=False)
    other_program = GroupFactory(round__program=ProgramFactory(organisation=org))
    in_other_program = EnrollmentFactory(group=other_program, person__organisation=org).person

    pool = set(rounds.pool_people(program=program))

    assert pool == {withdrawn, free, in_other_program}
    assert placed not in pool


def test_candidates_count_a_unit_as_its_department(org):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    unit = DepartmentFactory(organisation=org, name="Hemvården", parent=social)
    people = [
        PersonFactory(organisation=org, department=social),
        PersonFactory(organisation=org, department=unit, level=Level.DIVISION_HEAD),
        PersonFactory(organisation=org, department=None),
    ]
    tree = department_tree(organisation=org)

    candidates = rounds.candidates_for(people=people, tree=tree)

    assert [(c.department, c.level) for c in candidates] == [
        (social.pk, "enhetschef"),
        (social.pk, "avdelningschef"),
        ("none", "enhetschef"),
    ]
    assert tree.key_names() == {social.pk: "Socialförvaltningen", "none": "Ingen förvaltning"}


def test_pool_query_runs_once_whatever_the_filters(org, program):
    social = DepartmentFactory(organisation=org)
    tree = department_tree(organisation=org)
    _people(org, 5, department=social)

    with CaptureQueriesContext(connection) as ctx:
        list(
            rounds.pool_people(
                program=program, tree=tree, search="a b", department=social,
                level=Level.FIRST_LINE, manager_since_from=dt.date(2000, 1, 1),
            )
        )  # fmt: skip

    assert len(ctx.captured_queries) == 1


# --- proposal_accept ------------------------------------------------------------------------


def test_proposal_accept_creates_numbered_groups_and_planned_places(org, program, round_1):
    GroupFactory(round=RoundFactory(program=program, number=2), number=4)
    top = _people(org, 3, level=Level.MUNICIPAL_MANAGEMENT)
    rest = _people(org, 4)

    accepted = rounds.proposal_accept(
        round_=round_1,
        groups=[[p.pk for p in top], [rest[0].pk, rest[1].pk], [], [rest[2].pk, rest[3].pk]],
        kept_name="Kommunledningen",
    )

    groups = list(Group.objects.filter(round=round_1).order_by("number"))
    assert [(g.number, g.name) for g in groups] == [(5, "Kommunledningen"), (6, ""), (7, "")]
    assert [sorted(g.enrollments.values_list("person_id", flat=True)) for g in groups] == [
        sorted(p.pk for p in top),
        sorted([rest[0].pk, rest[1].pk]),
        sorted([rest[2].pk, rest[3].pk]),
    ]
    assert set(Enrollment.objects.values_list("status", "program_id")) == {("planned", program.pk)}
    assert (accepted.created, accepted.enrollment_count) == (True, 7)
    assert accepted.warnings == [
        "Kommunledningen har 3 deltagare; programmets grupper ska ha 20–25.",
        "Grupp 6 har 2 deltagare; programmets grupper ska ha 20–25.",
        "Grupp 7 har 2 deltagare; programmets grupper ska ha 20–25.",
    ]


def test_proposal_accept_twice_creates_nothing_the_second_time(org, program, round_1):
    people = _people(org, 44)
    proposal = compose(
        rounds.candidates_for(people=people, tree=department_tree(organisation=org)),
        min_size=20,
        max_size=25,
    )

    first = rounds.proposal_accept(round_=round_1, groups=proposal.groups)
    second = rounds.proposal_accept(round_=round_1, groups=proposal.groups)

    assert [len(g) for g in proposal.groups] == [22, 22]
    assert (first.created, second.created) == (True, False)
    assert [g.pk for g in second.groups] == [g.pk for g in first.groups]
    assert Group.objects.count() == 2
    assert Enrollment.objects.count() == 44


def test_proposal_accept_refuses_when_someone_got_a_place_meanwhile(org, program, round_1):
    people = _people(org, 4)
    EnrollmentFactory(
        group=GroupFactory(round=round_1, number=1), person=people[0],
        status=Enrollment.Status.PLANNED,
    )  # fmt: skip

    with pytest.raises(ValidationError) as raised:
        rounds.proposal_accept(round_=round_1, groups=[[p.pk for p in people]])

    assert raised.value.messages == [
        "1 person i förslaget har fått en plats i programmet sedan det gjordes: "
        f"{people[0].full_name}."
    ]
    assert Group.objects.count() == 1
    assert Enrollment.objects.count() == 1


def test_proposal_accept_refuses_inactive_and_foreign_people(org, other_org, program, round_1):
    inactive = PersonFactory(organisation=org, active=False)
    foreign = PersonFactory(organisation=other_org)

    with pytest.raises(ValidationError) as raised:
        rounds.proposal_accept(round_=round_1, groups=[[inactive.pk, foreign.pk]])

    assert raised.value.messages == [
        f"2 personer i förslaget är inte längre aktiva chefer: {inactive.full_name}."
    ]
    assert Group.objects.count() == 0


# --- Intake ---------------------------------------------------------------------------------------


def test_intake_people_puts_late_appointments_first(org, program):
    PersonFactory(organisation=org, last_name="Ask", manager_since=dt.date(2012, 1, 1))
    PersonFactory(organisation=org, last_name="Bok", manager_since=dt.date(2016, 3, 1))
    PersonFactory(organisation=org, last_name="Ceder", manager_since=dt.date(2015, 1, 1))
    PersonFactory(organisation=org, last_name="Dal", manager_since=dt.date(2015, 1, 2))

    rows = [(p.last_name, p.appointed_late) for p in rounds.intake_people(program=program)]

    assert rows == [("Dal", True), ("Bok", True), ("Ask", False), ("Ceder", False)]


def test_next_round_is_the_earliest_not_started(program):
    RoundFactory(program=program, number=1, starts_on=dt.date(2015, 2, 1))
    second = RoundFactory(program=program, number=2, starts_on=dt.date(2015, 9, 1))
    RoundFactory(
        program=program, number=3, starts_on=dt.date(2016, 2, 1), ends_on=dt.date(2016, 6, 1)
    )

    assert rounds.next_round(program=program, today=dt.date(2015, 2, 1)) == second
    assert rounds.next_round(program=program, today=dt.date(2016, 2, 1)) is None


def test_intake_add_places_and_warns_outside_the_bounds(org, round_1):
    group = GroupFactory(round=round_1, number=3)
    person = PersonFactory(organisation=org)

    placed = rounds.intake_add(person=person, group=group)
    again = rounds.intake_add(person=person, group=group)

    assert (placed.enrollment.group, placed.enrollment.status) == (group, "planned")
    assert placed.warnings == ["Grupp 3 har 1 deltagare; programmets grupper ska ha 20–25."]
    assert (again.created, again.enrollment) == (False, placed.enrollment)
    assert Enrollment.objects.count() == 1


def test_intake_add_refuses_an_inactive_manager(org, round_1):
    person = PersonFactory(organisation=org, active=False, first_name="Åsa", last_name="Öberg")

    with pytest.raises(ValidationError) as raised:
        rounds.intake_add(person=person, group=GroupFactory(round=round_1))

    assert raised.value.messages == ["Åsa Öberg är inte längre aktiv chef."]


# --- enrollment_move ----------------------------------------------------------------------


@pytest.fixture
def placed(org, round_1):
    source = GroupFactory(round=round_1, number=1)
    person = PersonFactory(organisation=org, first_name="Åsa", last_name="Öberg")
    return EnrollmentFactory(group=source, person=person, status=Enrollment.Status.ACTIVE)


def test_enrollment_move_keeps_history_and_carries_the_agreements(round_1, placed):
    target = GroupFactory(round=round_1, number=2)
    session = SessionFactory(group=placed.group)
    AttendanceFactory(session=session, enrollment=placed)
    agreement = AgreementFactory(enrollment=placed)

    moved = rounds.enrollment_move(enrollment=placed, to_group=target)

    placed.refresh_from_db()
    assert (placed.status, moved.enrollment.status) == ("moved", "active")
    assert (moved.enrollment.group, moved.enrollment.moved_from) == (target, placed)
    assert Agreement.objects.get(pk=agreement.pk).enrollment == moved.enrollment
    assert Attendance.objects.get().enrollment == placed
    assert moved.warnings == [
        "Grupp 2 har 1 deltagare; programmets grupper ska ha 20–25.",
        "Grupp 1 har 0 deltagare; programmets grupper ska ha 20–25.",
    ]


def test_enrollment_move_twice_to_the_same_group_moves_once(round_1, placed):
    target = GroupFactory(round=round_1, number=2)

    first = rounds.enrollment_move(enrollment=placed, to_group=target)
    second = rounds.enrollment_move(enrollment=placed, to_group=target)

    assert (second.created, second.enrollment) == (False, first.enrollment)
    assert Enrollment.objects.count() == 2


def test_enrollment_move_refusals_say_why(org, program, round_1, placed):
    other_program_group = GroupFactory(round__program=ProgramFactory(organisation=org))
    completed = EnrollmentFactory(
        group=placed.group, status=Enrollment.Status.COMPLETED,
        person=PersonFactory(organisation=org, first_name="Bo", last_name="Ek"),
    )  # fmt: skip
    target = GroupFactory(round=round_1, number=2)

    def refusal(enrollment, group):
        with pytest.raises(ValidationError) as raised:
            rounds.enrollment_move(enrollment=enrollment, to_group=group)
        return raised.value.messages

    assert refusal(placed, placed.group) == ["Åsa Öberg finns redan i Grupp 1."]
    assert refusal(placed, other_program_group) == ["Gruppen hör till ett annat program."]
    assert refusal(completed, target) == ["Bo Ek har genomfört programmet och kan inte flyttas."]
    rounds.enrollment_move(enrollment=placed, to_group=target)
    assert refusal(placed, GroupFactory(round=round_1, number=3)) == [
        "Åsa Öberg har redan flyttats från Grupp 1."
    ]


# --- The proposal page --------------------------------------------------------------------------


def test_proposal_page_mixes_and_warnings(org, program, round_1):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    school = DepartmentFactory(organisation=org, name="Förskoleförvaltningen")
    a = _people(org, 21, department=social)
    b = _people(org, 21, department=school, level=Level.DIVISION_HEAD)
    gone = PersonFactory(organisation=org, active=False)

    with CaptureQueriesContext(connection) as ctx:
        page = rounds.proposal_page(
            round_=round_1,
            groups=[[p.pk for p in a] + [gone.pk], [p.pk for p in b]],
            kept=False,
        )

    assert len(ctx.captured_queries) == 3

    assert [g.size for g in page.groups] == [21, 21]
    assert page.groups[0].department_mix == [("Socialförvaltningen", 21)]
    assert page.groups[1].level_mix == [("Avdelningschef", 21)]
    assert page.groups[0].warnings == [
        "Socialförvaltningen: 21 personer, fler än förvaltningens andel på 12."
    ]
    assert page.dropped == [gone]
    assert page.explanation is None
