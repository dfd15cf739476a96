"""Attendance, completion, and attendance and completion rates."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    Q,
)
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from participants.models import Person

from ..models import Attendance, Enrollment, Group, Module, Program, Round, Session
from ..places import holding_place_q
from .common import place_holders

# --- Attendance and completion ---------------------------------------------------------------


def attendance_field(enrollment_id: int) -> str:
    """The key of one member's status, in the attendance form and in the service's errors."""
    return f"attendance_{enrollment_id}"


@dataclass
class AttendanceRow:
    enrollment: Enrollment
    status: str | None

    @property
    def person(self) -> Person:
        return self.enrollment.person


def attendance_rows(*, session: Session) -> list[AttendanceRow]:
    """Every member holding a place in the session's group, with what was recorded."""
    recorded = dict(
        Attendance.objects.filter(session=session).values_list("enrollment_id", "status")
    )
    return [
        AttendanceRow(enrollment=e, status=recorded.get(e.pk))
        for e in place_holders(group_id=session.group_id)
        .select_related("person__department")
        .order_by("person__last_name", "person__first_name", "pk")
    ]


def attendance_opens_on(session: Session) -> dt.date:
    """Present and absent can be registered from this day (excused also before)."""
    return timezone.localdate(session.starts_at)


@dataclass
class AttendanceResult:
    saved: int
    completed: int


@transaction.atomic
def attendance_register(
    *, session: Session, statuses: Mapping[int, str], today: dt.date | None = None
) -> AttendanceResult:
    """Record present, absent or excused for members of the session's group, in one go.

    ``statuses`` maps enrollment id → status; members left out keep what was
    recorded. Raises ValidationError keyed by ``attendance_field(id)`` for a
    person who is not a member of the group, or for present/absent before the
    session's first day; nothing is stored then.
    Side effects: Attendance rows created or changed; enrollment statuses
    updated (see ``enrollments_completion_update``).
    """
    today = today or timezone.localdate()
    members = {e.pk: e for e in place_holders(group_id=session.group_id).select_related("person")}
    errors = {}
    for enrollment_id, status in statuses.items():
        key = attendance_field(enrollment_id)
        enrollment = members.get(enrollment_id)
        if enrollment is None:
            errors[key] = ValidationError(
                _("This person is not a member of the group."), code="not_a_member"
            )
        elif status not in Attendance.Status.values:
            errors[key] = ValidationError(
                _("%(name)s: choose present, absent or excused.") % {"name": enrollment.person},
                code="invalid_status",
            )
        elif status != Attendance.Status.EXCUSED and today < attendance_opens_on(session):
            message = _(
                "%(name)s: present or absent can be registered from %(date)s, when the "
                "session starts. Excused absence can be registered now."
            )
            opens = formats.date_format(attendance_opens_on(session), "DATE_FORMAT")
            errors[key] = ValidationError(
                message % {"name": enrollment.person, "date": opens}, code="not_started"
            )
    if errors:
        raise ValidationError(errors)
    if statuses:
        Attendance.objects.bulk_create(
            [
                Attendance(enrollment_id=pk, session=session, status=status)
                for pk, status in statuses.items()
            ],
            update_conflicts=True,
            unique_fields=["enrollment", "session"],
            update_fields=["status"],
        )
    completed = enrollments_completion_update(
        enrollment_ids=list(statuses), program_id=session.group.round.program_id
    )
    return AttendanceResult(saved=len(statuses), completed=completed)


def enrollments_completion_update(*, enrollment_ids: list[int], program_id: int) -> int:
    """Bring enrollment statuses in line with attendance. Returns how many became completed.

    Completed: present at a session of every module of the program. A planned
    enrollment with any attendance is active; a completed one that no longer
    qualifies is active again. Withdrawn and moved enrollments are left alone.
    """
    if not enrollment_ids:
        return 0
    module_count = Module.objects.filter(program_id=program_id).count()
    attended = dict(
        Attendance.objects.filter(
            enrollment_id__in=enrollment_ids,
            status=Attendance.Status.PRESENT,
            session__module__program_id=program_id,
        )
        .values("enrollment_id")
        .annotate(n=Count("session__module", distinct=True))
        .values_list("enrollment_id", "n")
    )
    with_attendance = set(
        Attendance.objects.filter(enrollment_id__in=enrollment_ids).values_list(
            "enrollment_id", flat=True
        )
    )
    to_complete, to_activate = [], []
    for pk, status in place_holders(pk__in=enrollment_ids).values_list("pk", "status"):
        done = module_count > 0 and attended.get(pk, 0) >= module_count
        if done and status != Enrollment.Status.COMPLETED:
            to_complete.append(pk)
        elif not done and (
            status == Enrollment.Status.COMPLETED
            or (status == Enrollment.Status.PLANNED and pk in with_attendance)
        ):
            to_activate.append(pk)
    Enrollment.objects.filter(pk__in=to_complete).update(status=Enrollment.Status.COMPLETED)
    Enrollment.objects.filter(pk__in=to_activate).update(status=Enrollment.Status.ACTIVE)
    return len(to_complete)


# --- Attendance and completion rates ---------------------------------------------------------


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
    for session in (
        Session.objects.filter(group=group)
        .select_related("module", "process_leader")
        .annotate(**_attendance_counts())
        .order_by("module__order")
    ):
        row = SessionRates(
            session=session,
            members=rates.members,
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
