"""Who attended a session and has not answered its evaluation: from completions only.

Nothing here reads or mentions an answer. A process leader may see the names
(``missing_respondents``, when the organisation allows it); the reminders go
to the same people (``reminder_recipients``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from participants.models import Person
from programs.makeups.rules import attendance_takes_part_q
from programs.models import Attendance, Session
from programs.places import holding_place_q

from .. import rules
from ..models import Completion, ReminderLog


@dataclass(frozen=True)
class MissingRespondents:
    """Who attended a session and has not answered its evaluation (names only)."""

    attended: int
    missing: list[Person]

    @property
    def answered(self) -> int:
        return self.attended - len(self.missing)


def missing_respondents(*, session: Session) -> MissingRespondents:
    """From the completion records only: nothing about what anyone answered.

    Shown to a process leader of the session's group, and only when the
    organisation allows it (``Organisation.process_leaders_see_missing``).
    Two queries.
    """
    present = Attendance.objects.filter(
        holding_place_q("enrollment__"),
        attendance_takes_part_q(),
        session=session,
        status=Attendance.Status.PRESENT,
    )
    answered = Completion.objects.filter(enrollment=OuterRef("enrollment"), session=session)
    missing = (
        present.exclude(Exists(answered))
        .select_related("enrollment__person__department")
        .order_by("enrollment__person__last_name", "enrollment__person__first_name", "pk")
    )
    return MissingRespondents(
        attended=present.count(), missing=[row.enrollment.person for row in missing]
    )


def reminder_due_sessions(*, now: dt.datetime | None = None) -> QuerySet[Session]:
    """Sessions whose deadline is at most REMINDER_DAYS_BEFORE days away and not reminded yet."""
    now = now or timezone.now()
    window = dt.timedelta(days=rules.window_days())
    lead = dt.timedelta(days=rules.REMINDER_DAYS_BEFORE)
    return (
        Session.objects.filter(ends_at__lte=now - window + lead, ends_at__gt=now - window)
        .exclude(Exists(ReminderLog.objects.filter(session=OuterRef("pk"))))
        .select_related("module", "group__round__program__organisation")
    )


def reminder_recipients(*, session: Session) -> list[tuple[str, str]]:
    """(e-mail, name) of everyone who attended and has not answered: from completions only."""
    rows = (
        Attendance.objects.filter(
            holding_place_q("enrollment__"),
            attendance_takes_part_q(),
            session=session,
            status=Attendance.Status.PRESENT,
            enrollment__person__active=True,
        )
        .exclude(
            Exists(
                Completion.objects.filter(
                    enrollment=OuterRef("enrollment"), session=OuterRef("session")
                )
            )
        )
        .values_list(
            "enrollment__person__user__email",
            "enrollment__person__email",
            "enrollment__person__first_name",
        )
    )
    recipients = []
    for user_email, person_email, first_name in rows:
        email = user_email or person_email
        if email:
            recipients.append((email, first_name))
    return sorted(recipients)
