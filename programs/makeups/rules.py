"""Who takes part in a session: its group's places and the make-up guests booked into it.

The one rule, in the forms it takes, with a test that they agree
(``programs/tests/test_makeups.py``):

- ``session_places(session)``: the enrollments, as a queryset;
- ``takes_part(enrollment, session)``: the check on one enrollment (one query for a guest);
- ``attendance_takes_part_q()``: the filter on attendance rows whose enrollment takes
  part in the row's session (the evaluations app reads it: a make-up guest who was
  present answers the host session's evaluation, under the same anonymity).
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from ..models import Enrollment, MakeUpBooking, Session
from ..places import holds_place


def session_places(session: Session) -> QuerySet[Enrollment]:
    booked = MakeUpBooking.objects.filter(enrollment=OuterRef("pk"), session=session)
    return Enrollment.objects.holding_place().filter(Q(group_id=session.group_id) | Exists(booked))


def takes_part(enrollment: Enrollment, session: Session) -> bool:
    if not holds_place(enrollment):
        return False
    if enrollment.group_id == session.group_id:
        return True
    return MakeUpBooking.objects.filter(enrollment=enrollment, session=session).exists()


def attendance_takes_part_q(prefix: str = "") -> Q:
    """On Attendance (or through a relation with ``prefix``, e.g. ``"attendances__"``)."""
    booked = MakeUpBooking.objects.filter(
        enrollment_id=OuterRef(f"{prefix}enrollment_id"), session_id=OuterRef(f"{prefix}session_id")
    )
    return Q(**{f"{prefix}enrollment__group_id": F(f"{prefix}session__group_id")}) | Q(
        Exists(booked)
    )
