"""Writes: registering attendance; completion then follows by ``programs.completion``."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...completion import enrollments_completion_update
from ...makeups.rules import session_places
from ...models import Attendance, Session


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
    """Record present, absent or excused for those taking part in the session, in one go.

    Those taking part are the group's members and the make-up guests booked into
    the session (``programs.makeups.rules.session_places``).

    ``statuses`` maps enrollment id → status; members left out keep what was
    recorded. Raises ValidationError keyed by ``attendance_field(id)`` for a
    person who is not a member of the group, or for present/absent before the
    session's first day; nothing is stored then.
    Side effects: Attendance rows created or changed; enrollment statuses
    updated (see ``enrollments_completion_update``).
    """
    today = today or timezone.localdate()
    members = {e.pk: e for e in session_places(session).select_related("person")}
    errors = {}
    for enrollment_id, status in statuses.items():
        key = attendance_field(enrollment_id)
        enrollment = members.get(enrollment_id)
        if enrollment is None:
            errors[key] = ValidationError(
                _("This person is neither a member of the group nor booked into the session."),
                code="not_a_member",
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
