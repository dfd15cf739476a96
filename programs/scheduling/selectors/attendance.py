"""Reads: who is registered how at a session, and completion and attendance rates per
session, group and round."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q

from participants.models import Person

from ... import selectors
from ...departments import department_tree
from ...makeups.rules import session_places
from ...models import Attendance, Enrollment, Group, MakeUpBooking, Program, Round, Session
from ...places import holding_place_q
from ...selectors import subquery_count
from ..common import place_holders


@dataclass
class AttendanceRow:
    enrollment: Enrollment
    status: str | None
    # The förvaltning (top-level department) of the member's department, or None.
    department: str | None = None
    guest: bool = False  # booked into the session to make up a module (uppsamling)

    @property
    def person(self) -> Person:
        return self.enrollment.person


def attendance_rows(*, session: Session) -> list[AttendanceRow]:
    """Every member holding a place in the session's group, then the make-up guests booked
    into it (each with their own group), with what was recorded and their förvaltning. Four
    queries (the session loaded with its group's round and program)."""
    recorded = dict(
        Attendance.objects.filter(session=session).values_list("enrollment_id", "status")
    )
    tree = department_tree(organisation=session.group.round.program.organisation_id)
    guests = (
        session_places(session)
        .exclude(group_id=session.group_id)
        .select_related("person__department", "group")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    return [
        AttendanceRow(
            enrollment=e,
            status=recorded.get(e.pk),
            department=tree.top_name(e.person.department_id),
        )
        for e in selectors.group_roster(group=session.group_id)
    ] + [
        AttendanceRow(
            enrollment=e,
            status=recorded.get(e.pk),
            department=tree.top_name(e.person.department_id),
            guest=True,
        )
        for e in guests
    ]


@dataclass
class Rates:
    """Members and completions; attendance registrations by status."""

    members: int = 0
    completed: int = 0
    present: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def recorded(self) -> int:
        return self.present + self.absent + self.excused

    @property
    def completion_percent(self) -> int | None:
        return round(100 * self.completed / self.members) if self.members else None

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.present / self.recorded) if self.recorded else None

    def add(self, other: "Rates") -> None:
        for name in ("members", "completed", "present", "absent", "excused"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SessionRates:
    session: Session
    members: int
    present: int
    absent: int
    excused: int

    @property
    def not_recorded(self) -> int:
        return max(0, self.members - self.present - self.absent - self.excused)


@dataclass
class GroupProgress:
    group: Group
    rates: Rates
    sessions: list[SessionRates]


def _attendance_counts() -> dict:
    """Per session: attendance of members holding a place, one count per status."""
    return {
        f"n_{status}": Count(
            "attendances",
            filter=Q(attendances__status=status) & holding_place_q("attendances__enrollment__"),
        )
        for status in Attendance.Status.values
    }


def group_progress(*, group: Group) -> GroupProgress:
    """Completion and attendance of one group, per session too. Two queries."""
    rates = Rates()
    for status, n in (
        place_holders(group=group).values_list("status").annotate(n=Count("pk")).order_by()
    ):
        rates.members += n
        if status == Enrollment.Status.COMPLETED:
            rates.completed += n
    sessions = []
    guests = MakeUpBooking.objects.filter(
        holding_place_q("enrollment__"), session=OuterRef("pk")
    ).order_by()
    for session in (
        Session.objects.filter(group=group)
        .select_related("module", "process_leader")
        .annotate(**_attendance_counts(), n_guests=subquery_count(guests, "session"))
        .order_by("module__order")
    ):
        row = SessionRates(
            session=session,
            # Make-up guests take part in the session: they count in its attendance.
            members=rates.members + session.n_guests,
            present=session.n_present,
            absent=session.n_absent,
            excused=session.n_excused,
        )
        rates.present += row.present
        rates.absent += row.absent
        rates.excused += row.excused
        sessions.append(row)
    return GroupProgress(group=group, rates=rates, sessions=sessions)


@dataclass
class RoundProgress:
    round: Round
    rates: Rates
    groups: list[tuple[Group, Rates]] = field(default_factory=list)


def program_progress(*, program: Program) -> list[RoundProgress]:
    """Completion and attendance per round and per group of the program. Four queries."""
    by_group: dict[int, Rates] = defaultdict(Rates)
    for group_id, status, n in (
        place_holders(program=program)
        .values_list("group_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_group[group_id].members += n
        if status == Enrollment.Status.COMPLETED:
            by_group[group_id].completed += n
    for group_id, status, n in (
        Attendance.objects.filter(
            holding_place_q("enrollment__"), session__group__round__program=program
        )
        .values_list("session__group_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        setattr(by_group[group_id], status, getattr(by_group[group_id], status) + n)
    rounds = Round.objects.filter(program=program).order_by("number").prefetch_related("groups")
    result = []
    for round_ in rounds:
        progress = RoundProgress(round=round_, rates=Rates())
        for group in sorted(round_.groups.all(), key=lambda g: g.number):
            rates = by_group.get(group.pk, Rates())
            progress.groups.append((group, rates))
            progress.rates.add(rates)
        result.append(progress)
    return result
