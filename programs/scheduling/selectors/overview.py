"""Reads: the month view and the process leader's start page."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from participants.models import Organisation, Role, User

from ...models import Attendance, Group, Session
from ...places import holding_place_q
from ..common import place_holders
from .visibility import groups_visible_to, sessions_in, sessions_visible_to


def month_bounds(first_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    following = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        dt.datetime.combine(first_day, dt.time.min, tzinfo=zone),
        dt.datetime.combine(following, dt.time.min, tzinfo=zone),
    )


def month_sessions(*, organisation: Organisation, first_day: dt.date) -> QuerySet[Session]:
    """The organisation's sessions starting in the month, in time order."""
    start, end = month_bounds(first_day)
    return (
        sessions_in(organisation=organisation)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("module", "group__round", "process_leader")
        .order_by("starts_at", "group__round__number", "group__number", "pk")
    )


def nearest_session_months(
    *, organisation: Organisation, first_day: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The months of the nearest sessions before and after the month, in one query."""
    start, end = month_bounds(first_day)
    found = sessions_in(organisation=organisation).aggregate(
        before=Max("starts_at", filter=Q(starts_at__lt=start)),
        after=Min("starts_at", filter=Q(starts_at__gte=end)),
    )
    return tuple(
        timezone.localtime(found[k]).date().replace(day=1) if found[k] else None
        for k in ("before", "after")
    )


@dataclass
class ProcessLeaderOverview:
    groups: list[Group]  # each with .size and .next_start
    upcoming: list[Session]
    to_register: list[Session]  # started, with members whose attendance is not recorded

    @property
    def programs(self) -> list:
        """The programs of my groups, newest first (their evaluation results are mine to see)."""
        return list({g.round.program.pk: g.round.program for g in self.groups}.values())


def awaiting_attendance(sessions: QuerySet[Session], *, now: dt.datetime) -> QuerySet[Session]:
    """Of these sessions, those that have started where a member's attendance is not
    registered yet, each annotated with ``members`` (places held in its group) and
    ``recorded`` (attendance registered for them). Subqueries only: no query of its own."""
    members = (
        place_holders(group_id=OuterRef("group_id"))
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recorded = (
        Attendance.objects.filter(holding_place_q("enrollment__"), session_id=OuterRef("pk"))
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        sessions.filter(starts_at__lte=now)
        .annotate(
            members=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            recorded=Coalesce(Subquery(recorded, output_field=IntegerField()), 0),
        )
        .filter(recorded__lt=F("members"))
    )


def process_leader_overview(
    *, user: User, organisation: Organisation, now: dt.datetime | None = None, limit: int = 10
) -> ProcessLeaderOverview:
    """My groups and next sessions, and sessions still waiting for attendance. Three queries."""
    now = now or timezone.now()
    roles = {Role.PROCESS_LEADER}
    sessions = sessions_visible_to(user=user, organisation=organisation, roles=roles)
    related = ("module", "group__round__program", "process_leader")
    groups = list(
        groups_visible_to(user=user, organisation=organisation, roles=roles)
        .select_related("round__program")
        .annotate(
            size=Coalesce(
                Subquery(
                    place_holders(group_id=OuterRef("pk"))
                    .order_by()
                    .values("group_id")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            next_start=Subquery(
                Session.objects.filter(group_id=OuterRef("pk"), starts_at__gte=now)
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
        .order_by("-round__program__starts_on", "round__number", "number")
    )
    upcoming = list(
        sessions.filter(ends_at__gte=now).select_related(*related).order_by("starts_at")[:limit]
    )
    to_register = list(
        awaiting_attendance(sessions, now=now)
        .select_related(*related)
        .order_by("-starts_at")[:limit]
    )
    return ProcessLeaderOverview(groups=groups, upcoming=upcoming, to_register=to_register)
