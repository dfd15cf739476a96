"""Writes: booking a participant into another group's session to make up a module, and undoing it.

Rules, each with one Swedish message:
- the session has not ended;
- the session is of the same program, in another group than the participant's own;
- the participant holds a place and has not yet been present at the module;
- at most one open booking per module (one whose attendance is not absent or excused);
- the session has room: its group's places and its make-up guests stay within the
  program's largest group size;
- a participant is never booked on two sessions at overlapping times (the rule a
  process leader's bookings follow, ``programs.scheduling.services.plans``): their own
  group's sessions and their other make-up sessions count.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import enqueue
from participants.models import User

from ..models import Attendance, Enrollment, MakeUpBooking, Session
from ..places import holds_place
from ..scheduling.common import when_text
from ..session_mail import session_email_send
from .rules import session_places

SEND_MAKE_UP = "programs.send_make_up_booking"


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _check(*, enrollment: Enrollment, session: Session, now: dt.datetime) -> None:
    name = enrollment.person.full_name
    module = session.module
    if session.ends_at <= now:
        _refuse(_("The session has already ended. Choose a later one."), "ended")
    if not holds_place(enrollment):
        _refuse(_("%(name)s does not hold a place in the program.") % {"name": name}, "no_place")
    if session.group.round.program_id != enrollment.program_id:
        _refuse(_("The session belongs to another program."), "other_program")
    if session.group_id == enrollment.group_id:
        _refuse(
            _("%(name)s is a member of %(group)s: no make-up place is needed there.")
            % {"name": name, "group": session.group},
            "own_group",
        )
    present = Attendance.objects.filter(
        enrollment=enrollment, session__module=module, status=Attendance.Status.PRESENT
    )
    if present.exists():
        _refuse(
            _("%(name)s has already attended module %(order)d.")
            % {"name": name, "order": module.order},
            "attended",
        )
    open_booking = (
        MakeUpBooking.objects.filter(enrollment=enrollment, session__module=module)
        .exclude(session__attendances__enrollment=enrollment)
        .select_related("session__group")
        .first()
    )
    if open_booking is not None:
        _refuse(
            _("%(name)s is already booked for module %(order)d: %(group)s, %(start)s.")
            % {
                "name": name,
                "order": module.order,
                "group": open_booking.session.group,
                "start": when_text(open_booking.session.starts_at),
            },
            "already_booked",
        )
    capacity = session.group.round.program.max_group_size
    if session_places(session).count() >= capacity:
        _refuse(
            _("The session is full: %(group)s already has %(count)d places, the most a group has.")
            % {"group": session.group, "count": capacity},
            "full",
        )
    clash = (
        Session.objects.filter(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
        .filter(pk__in=_own_session_ids(enrollment))
        .exclude(pk=session.pk)
        .select_related("module", "group")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        _refuse(
            _(
                "%(name)s is already booked then: %(group)s, module %(order)d, "
                "%(start)s–%(end)s. Choose another session."
            )
            % {
                "name": name,
                "group": clash.group,
                "order": clash.module.order,
                "start": when_text(clash.starts_at),
                "end": when_text(clash.ends_at),
            },
            "double_booked",
        )


def _own_session_ids(enrollment: Enrollment):
    own = Session.objects.filter(group_id=enrollment.group_id).values_list("pk", flat=True)
    booked = MakeUpBooking.objects.filter(enrollment=enrollment).values_list(
        "session_id", flat=True
    )
    return own.union(booked)


@transaction.atomic
def make_up_book(
    *, enrollment: Enrollment, session: Session, booked_by: User, now: dt.datetime | None = None
) -> MakeUpBooking:
    """Book ``enrollment`` into ``session`` of another group. Raises ValidationError.

    Side effects: a ``MakeUpBooking``; an e-mail to the participant with the calendar
    entry (outbox task ``programs.send_make_up_booking``); the session then appears in
    the participant's calendar file and under Mitt program, on the host session's
    attendance page, and its evaluation opens to them once they are registered present.
    """
    # Two coordinators booking the last place at once wait for each other.
    session = (
        Session.objects.select_for_update()
        .select_related("module", "group__round__program")
        .get(pk=session.pk)
    )
    enrollment = (
        Enrollment.objects.select_for_update().select_related("person").get(pk=enrollment.pk)
    )
    _check(enrollment=enrollment, session=session, now=now or timezone.now())
    booking = MakeUpBooking(enrollment=enrollment, session=session, booked_by=booked_by)
    booking.full_clean()
    booking.save()
    enqueue(SEND_MAKE_UP, booking_id=booking.pk)
    return booking


def make_up_deliver(*, booking_id: int) -> dict:
    """Mail the participant their make-up session with its calendar entry, if still booked."""
    booking = (
        MakeUpBooking.objects.select_related(
            "enrollment__person__user",
            "session__module__program__organisation",
            "session__group",
            "session__process_leader",
        )
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not holds_place(booking.enrollment):
        return {"sent": False, "reason": "booking gone"}
    session = booking.session
    return session_email_send(
        person=booking.enrollment.person,
        session=session,
        template="programs/email/make_up",
        attachment=f"uppsamling-modul-{session.module.order}.ics",
    )


@transaction.atomic
def make_up_cancel(*, booking: MakeUpBooking) -> None:
    """Undo a booking whose attendance has not been registered. Raises ValidationError.

    Side effects: the booking is deleted; the session leaves the participant's calendar.
    """
    registered = Attendance.objects.filter(
        enrollment_id=booking.enrollment_id, session_id=booking.session_id
    )
    if registered.exists():
        _refuse(
            _(
                "Attendance is already registered for this make-up place, so it cannot be "
                "cancelled. Change the attendance instead."
            ),
            "registered",
        )
    booking.delete()
