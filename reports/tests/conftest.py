"""A small program whose figures are known by heart, and a way to make it bigger."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from participants.tests.factories import ConsultantFactory, PersonFactory
from programs.models import Agreement, Attendance, Enrollment
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    CheckInFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)
from reports.selectors import live_figures_key

PAST = timezone.make_aware(dt.datetime(2015, 3, 2, 9, 0))


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees figures or charts another test cached."""
    cache.clear()
    yield
    cache.clear()


def future():
    return timezone.now() + dt.timedelta(days=30)


@dataclass
class SmallProgram:
    program: object
    modules: list
    rounds: list
    groups: list
    consultants: list
    enrollments: dict  # group name -> enrollments


def _session(group, module, *, starts_at, leader):
    return SessionFactory(
        group=group,
        module=module,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=8),
        process_leader=leader,
    )


@pytest.fixture
def small_program(org):
    """Two modules, two rounds, three groups, eleven attendance rows.

    Enrollments: A 3 completed + 1 active; B 3 active + 1 withdrawn; C 2 planned.
    Held sessions: A1, A2, B1 (B2 and C1 are in the future).
    Attendance: A1 4 present; A2 3 present, 1 absent; B1 2 present, 1 excused
    → 9 present of 11: module 1 6 of 7, module 2 3 of 4.
    Agreements (group A): 2 agreed, 1 submitted, 1 draft.
    Consultants: module 1's responsible, two process leaders of group A, B1's leader.
    """
    consultants = [ConsultantFactory(name=f"Konsult {n}", organisations=[org]) for n in range(4)]
    program = ProgramFactory(organisation=org, name="Sveriges viktigaste chefsjobb")
    modules = [
        ModuleFactory(
            program=program,
            order=1,
            name="Del av en helhet",
            duration_days=Decimal("1.5"),
            responsible_consultant=consultants[0],
        ),
        ModuleFactory(program=program, order=2, name="Klar ledare", duration_days=Decimal("2")),
    ]
    rounds = [
        RoundFactory(program=program, number=1),
        RoundFactory(
            program=program,
            number=2,
            starts_on=dt.date(2016, 1, 1),
            ends_on=dt.date(2016, 12, 31),
        ),
    ]
    group_a = GroupFactory(round=rounds[0], number=1, name="Kommunledningen")
    group_b = GroupFactory(round=rounds[0], number=2)
    group_c = GroupFactory(round=rounds[1], number=3)
    group_a.process_leaders.set(consultants[1:3])

    def enrol(group, status, n):
        return [
            EnrollmentFactory(group=group, person=PersonFactory(organisation=org), status=status)
            for _ in range(n)
        ]

    # The fourth was absent from A2: their place is active, not completed (programs.completion).
    a = enrol(group_a, Enrollment.Status.COMPLETED, 3) + enrol(group_a, Enrollment.Status.ACTIVE, 1)
    b = enrol(group_b, Enrollment.Status.ACTIVE, 3)
    b_withdrawn = enrol(group_b, Enrollment.Status.WITHDRAWN, 1)
    c = enrol(group_c, Enrollment.Status.PLANNED, 2)

    a1 = _session(group_a, modules[0], starts_at=PAST, leader=consultants[1])
    a2 = _session(group_a, modules[1], starts_at=PAST + dt.timedelta(days=28), leader=None)
    b1 = _session(group_b, modules[0], starts_at=PAST + dt.timedelta(days=1), leader=consultants[3])
    _session(group_b, modules[1], starts_at=future(), leader=None)
    _session(group_c, modules[0], starts_at=future(), leader=None)
    for enrollment in a:
        AttendanceFactory(session=a1, enrollment=enrollment)
    for i, enrollment in enumerate(a):
        status = Attendance.Status.ABSENT if i == 3 else Attendance.Status.PRESENT
        AttendanceFactory(session=a2, enrollment=enrollment, status=status)
    for i, enrollment in enumerate(b):
        status = Attendance.Status.EXCUSED if i == 2 else Attendance.Status.PRESENT
        AttendanceFactory(session=b1, enrollment=enrollment, status=status)
    for enrollment, status in zip(
        a,
        [
            Agreement.Status.AGREED,
            Agreement.Status.AGREED,
            Agreement.Status.SUBMITTED,
            Agreement.Status.DRAFT,
        ],
        strict=True,
    ):
        AgreementFactory(
            enrollment=enrollment,
            status=status,
            agreed_at=timezone.now() if status == Agreement.Status.AGREED else None,
            texts={"develop": "Ett personligt utvecklingsmål."},
        )
    return SmallProgram(
        program=program,
        modules=modules,
        rounds=rounds,
        groups=[group_a, group_b, group_c],
        consultants=consultants,
        enrollments={"A": a, "B": b + b_withdrawn, "C": c},
    )


@pytest.fixture
def check_ins(small_program, hr_user):
    """Two check-ins: module 1 in March 2015, module 2 in April 2015."""
    program, modules = small_program.program, small_program.modules
    return [
        CheckInFactory(
            program=program,
            module=modules[0],
            held_on=dt.date(2015, 3, 16),
            consultant=small_program.consultants[0],
            project_leader=hr_user,
            observations="Bra start i kommunledningen.",
            corrections="Mer tid för fallarbete.",
        ),
        CheckInFactory(
            program=program,
            module=modules[1],
            held_on=dt.date(2015, 4, 20),
            consultant=small_program.consultants[0],
            project_leader=hr_user,
            observations="Rollspelen var för långa.",
            corrections="Kortare rollspel följda av reflektion i par.",
            follow_up="Fallarbetet har fått mer tid.",
        ),
    ]


def grow_program(small_program, *, groups=2, members=3):
    """More groups, members, held sessions, attendance, agreements, check-ins and reports."""
    from reports.tests.factories import StatusReportFactory

    program = small_program.program
    organisation = program.organisation
    round_ = small_program.rounds[1]
    start = max(g.number for g in small_program.groups) + 1
    for number in range(start, start + groups):
        group = GroupFactory(round=round_, number=number)
        leader = ConsultantFactory(organisations=[organisation])
        group.process_leaders.add(leader)
        session = _session(group, small_program.modules[0], starts_at=PAST, leader=leader)
        for _ in range(members):
            enrollment = EnrollmentFactory(
                group=group,
                person=PersonFactory(organisation=organisation),
                status=Enrollment.Status.COMPLETED,
            )
            AttendanceFactory(session=session, enrollment=enrollment)
            AgreementFactory(enrollment=enrollment, status=Agreement.Status.SUBMITTED)
        small_program.groups.append(group)
    CheckInFactory(program=program, module=small_program.modules[0], held_on=dt.date(2016, 5, 2))
    StatusReportFactory(program=program, number=90 + len(small_program.groups))
    # As if the dashboard's minute had passed.
    for lang in ("sv", "en"):
        with translation.override(lang):
            cache.delete_many(
                [live_figures_key(program=program, presented=p) for p in (False, True)]
            )
