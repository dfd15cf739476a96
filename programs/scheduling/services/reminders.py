"""Writes: the reminder e-mail before each session, once per member and session."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue

from ...makeups.rules import session_places
from ...models import MakeUpBooking, Session, SessionReminder
from ...places import holding_place_q
from ...session_mail import session_email_send
from ..common import SEND_REMINDER, place_holders, reminder_days


def reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue a reminder to each member of each session starting within SESSION_REMINDER_DAYS.

    Once per member and session: a pair that already has a SessionReminder gets
    none. Returns how many were queued.
    Side effects: one SessionReminder and one OutboxTask ``programs.send_session_reminder``
    per member and session, published after commit.
    """
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=reminder_days())
    with transaction.atomic():
        sessions = dict(
            Session.objects.select_for_update()
            .filter(starts_at__gt=now, starts_at__lte=horizon)
            .values_list("pk", "group_id")
        )
        if not sessions:
            return 0
        members: dict[int, list[int]] = defaultdict(list)
        for pk, group_id in (
            place_holders(group_id__in=set(sessions.values()), person__active=True)
            .exclude(person__email="")
            .values_list("pk", "group_id")
        ):
            members[group_id].append(pk)
        # Make-up guests are reminded of the session they were booked into, like its members.
        guests: dict[int, list[int]] = defaultdict(list)
        for session_id, pk in (
            MakeUpBooking.objects.filter(session_id__in=list(sessions))
            .filter(holding_place_q("enrollment__"), enrollment__person__active=True)
            .exclude(enrollment__person__email="")
            .values_list("session_id", "enrollment_id")
        ):
            guests[session_id].append(pk)
        done = set(
            SessionReminder.objects.filter(session_id__in=list(sessions)).values_list(
                "session_id", "enrollment_id"
            )
        )
        due = [
            SessionReminder(session_id=session_id, enrollment_id=enrollment_id)
            for session_id, group_id in sorted(sessions.items())
            for enrollment_id in [*members[group_id], *guests[session_id]]
            if (session_id, enrollment_id) not in done
        ]
        for reminder in SessionReminder.objects.bulk_create(due):
            enqueue(
                SEND_REMINDER, session_id=reminder.session_id, enrollment_id=reminder.enrollment_id
            )
    return len(due)


def reminder_deliver(
    *, session_id: int, enrollment_id: int, now: dt.datetime | None = None
) -> dict:
    """Mail one member a reminder of one session, if it is still ahead and they hold a place."""
    now = now or timezone.now()
    session = (
        Session.objects.select_related(
            "module__program__organisation", "group__round__program", "process_leader"
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.starts_at <= now:
        return {"sent": False, "reason": "session gone or started"}
    enrollment = (
        session_places(session)
        .filter(pk=enrollment_id, person__active=True)
        .select_related("person__user")
        .first()
    )
    if enrollment is None:
        return {"sent": False, "reason": "no longer a member"}
    return session_email_send(
        person=enrollment.person,
        session=session,
        template="programs/email/reminder",
        attachment=f"modul-{session.module.order}.ics",
        days=(timezone.localdate(session.starts_at) - timezone.localdate(now)).days,
    )
