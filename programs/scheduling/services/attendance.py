"""Writes: registering attendance, and the completion of enrollments that follows from it."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...models import Attendance, Enrollment, Module, Session
from ..common import place_holders


def attendance_field(enrollment_id: int) -> str:
    """The key of one member's status, in the attendance form and in the service's errors."""
    return f"attendance_{enrollment_id}"


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
