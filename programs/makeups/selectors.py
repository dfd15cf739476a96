"""Reads: per round, who lacks which module, their make-up bookings and where they could go.

A member lacks a module when they have not been present at it anywhere and either
their own group's session of it has ended or their absence from it is registered
(excused absence can be registered before). Seven queries, whatever the size.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from ..models import Attendance, Enrollment, MakeUpBooking, Module, Round, Session
from ..places import PLACE_STATUSES


@dataclass
class HostSession:
    session: Session
    places: int  # the group's places and its make-up guests
    capacity: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.places)


@dataclass
class LackingModule:
    enrollment: Enrollment
    module: Module
    own_session: Session | None
    own_status: str | None  # what was registered at the own group's session
    bookings: list[MakeUpBooking] = field(default_factory=list)  # with their attendance
    hosts: list[HostSession] = field(default_factory=list)  # where a booking could go

    @property
    def key(self) -> str:
        """Names the row in the page's forms: enrollment and module."""
        return f"{self.enrollment.pk}-{self.module.pk}"

    @property
    def open_booking(self) -> MakeUpBooking | None:
        return next((b for b in self.bookings if b.attendance_status is None), None)


def round_make_ups(*, round_: Round, now: dt.datetime | None = None) -> list[LackingModule]:
    """Every member of the round who lacks a module, by group and name, then module.

    ``hosts`` are the other groups' sessions of the module that have not ended and
    have room (a full one is left out), soonest first.
    """
    now = now or timezone.now()
    program = round_.program
    members = list(
        Enrollment.objects.holding_place()
        .filter(group__round=round_)
        .select_related("person", "group")
        .order_by("group__number", "person__last_name", "person__first_name", "pk")
    )
    sessions = list(
        Session.objects.filter(group__round__program=program)
        .select_related("module", "group__round")
        .order_by("starts_at", "pk")
    )
    own = {(s.group_id, s.module_id): s for s in sessions}
    recorded: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for enrollment_id, module_id, session_id, status in Attendance.objects.filter(
        enrollment__group__round=round_, session__module__program=program
    ).values_list("enrollment_id", "session__module_id", "session_id", "status"):
        recorded[enrollment_id, module_id].append((session_id, status))
    bookings: dict[tuple[int, int], list[MakeUpBooking]] = defaultdict(list)
    for booking in MakeUpBooking.objects.filter(enrollment__group__round=round_).select_related(
        "session__group", "session__module"
    ):
        status = dict(recorded[booking.enrollment_id, booking.session.module_id]).get(
            booking.session_id
        )
        booking.attendance_status = status
        bookings[booking.enrollment_id, booking.session.module_id].append(booking)
    places = dict(
        Enrollment.objects.holding_place()
        .filter(group__round__program=program)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    guests = dict(
        MakeUpBooking.objects.filter(
            session__group__round__program=program, enrollment__status__in=PLACE_STATUSES
        )
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    modules = list(program.modules.order_by("order"))
    rows = []
    for enrollment in members:
        for module in modules:
            registered = recorded[enrollment.pk, module.pk]
            if any(status == Attendance.Status.PRESENT for _, status in registered):
                continue
            own_session = own.get((enrollment.group_id, module.pk))
            own_status = dict(registered).get(own_session.pk) if own_session else None
            if own_session is None or (own_status is None and own_session.ends_at > now):
                continue
            rows.append(
                LackingModule(
                    enrollment=enrollment,
                    module=module,
                    own_session=own_session,
                    own_status=own_status,
                    bookings=bookings[enrollment.pk, module.pk],
                    hosts=[
                        host
                        for s in sessions
                        if s.module_id == module.pk
                        and s.group_id != enrollment.group_id
                        and s.ends_at > now
                        and (
                            host := HostSession(
                                session=s,
                                places=places.get(s.group_id, 0) + guests.get(s.pk, 0),
                                capacity=program.max_group_size,
                            )
                        ).free
                    ],
                )
            )
    return rows
