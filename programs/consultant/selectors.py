"""Reads: a consultant's sessions in every organisation they work for, and the feed a token
opens. Each read is one query whatever the number of organisations and sessions."""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from participants.models import Consultant, User

from ..models import CalendarFeed, Group, Session
from ..scheduling import awaiting_attendance, month_bounds

RELATED = ("module__program", "group__round__program__organisation", "process_leader")


def consultant_for_user(*, user: User) -> Consultant | None:
    if not user.is_authenticated:
        return None
    return Consultant.objects.filter(user=user).first()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def consultant_sessions(
    *, consultant: Consultant, organisation_ids: Iterable[int] | None = None
) -> QuerySet[Session]:
    """The sessions the consultant leads (as the session's process leader or one of its
    group's), in the organisations they work for; of those only ``organisation_ids`` if given.
    """
    works_for = Consultant.organisations.through.objects.filter(
        consultant_id=consultant.pk,
        organisation_id=OuterRef("group__round__program__organisation_id"),
    )
    named = Group.process_leaders.through.objects.filter(
        group_id=OuterRef("group_id"), consultant_id=consultant.pk
    )
    sessions = Session.objects.filter(Exists(works_for)).filter(
        Q(process_leader=consultant) | Q(Exists(named))
    )
    if organisation_ids is not None:
        ids = list(organisation_ids)
        sessions = sessions.filter(group__round__program__organisation_id__in=ids)
    return sessions.select_related(*RELATED)


@dataclass
class DayEntry:
    """A session on one of its days (a session of several days is on each)."""

    session: Session
    starts_at: dt.datetime
    ends_at: dt.datetime
    day: int  # 1 for the first day
    days: int


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    entries: list[DayEntry] = field(default_factory=list)


@dataclass
class CalendarWeek:
    number: int  # ISO week
    days: list[CalendarDay]

    @property
    def has_sessions(self) -> bool:
        return any(day.entries for day in self.days if day.in_month)


@dataclass
class MonthCalendar:
    first_day: dt.date
    weeks: list[CalendarWeek]
    count: int  # sessions held in the month (on at least one of its days)


def month_calendar(
    *, consultant: Consultant, first_day: dt.date, organisation_ids: Iterable[int] | None = None
) -> MonthCalendar:
    """The month's weeks, Monday first, each day with the consultant's sessions held that
    day, in time order. One query."""
    start, end = month_bounds(first_day)
    sessions = (
        consultant_sessions(consultant=consultant, organisation_ids=organisation_ids)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "pk")
    )
    by_date: dict[dt.date, list[DayEntry]] = defaultdict(list)
    count = 0
    for session in sessions:
        days = session.days
        held = False
        for index, day in enumerate(days, start=1):
            date = timezone.localdate(day.starts_at)
            if date.year == first_day.year and date.month == first_day.month:
                held = True
                by_date[date].append(
                    DayEntry(session, day.starts_at, day.ends_at, day=index, days=len(days))
                )
        count += held
    last_day = (end - dt.timedelta(days=1)).date()
    day = first_day - dt.timedelta(days=first_day.weekday())
    weeks = []
    while day <= last_day:
        week_days = []
        for offset in range(7):
            date = day + dt.timedelta(days=offset)
            entries = sorted(by_date.get(date, []), key=lambda e: (e.starts_at, e.session.pk))
            in_month = date.month == first_day.month
            week_days.append(CalendarDay(date, in_month, entries if in_month else []))
        weeks.append(CalendarWeek(day.isocalendar().week, week_days))
        day += dt.timedelta(days=7)
    return MonthCalendar(first_day=first_day, weeks=weeks, count=count)


def upcoming_sessions(
    *,
    consultant: Consultant,
    now: dt.datetime,
    organisation_ids: Iterable[int] | None = None,
    limit: int = 10,
) -> list[Session]:
    """The next sessions, soonest first, that have not ended. One query."""
    return list(
        consultant_sessions(consultant=consultant, organisation_ids=organisation_ids)
        .filter(ends_at__gte=now)
        .order_by("starts_at", "pk")[:limit]
    )


def sessions_to_register(
    *,
    consultant: Consultant,
    now: dt.datetime,
    organisation_ids: Iterable[int] | None = None,
    limit: int = 10,
) -> list[Session]:
    """Sessions that have started where a member's attendance is not registered, latest
    first, each with ``members`` and ``recorded`` (the count of each organisation's own start
    page, ``programs.scheduling.process_leader_overview``). One query."""
    return list(
        awaiting_attendance(
            consultant_sessions(consultant=consultant, organisation_ids=organisation_ids), now=now
        ).order_by("-starts_at", "pk")[:limit]
    )


def live_feed(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_consultant_or_none(*, token: str) -> Consultant | None:
    """The consultant whose live feed the token opens: None for an unknown or revoked token,
    a login no longer active, or a login that is no longer a consultant's. One query."""
    feed = (
        CalendarFeed.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user__consultant")
        .first()
    )
    if feed is None:
        return None
    return getattr(feed.user, "consultant", None)
