"""The rules of editing a running program, each in one place.

- A program's period must hold every session of its groups (a session's first
  and last day, in local time). A shorter period that would leave a session
  outside is refused, naming the sessions.
- A session's length in days, as a module's duration counts them: each day the
  session spans counts 1, except that a first day begun at noon or later, and a
  last day ended by 13:00, count a half. A 1.5-day module is 09:00 on one day to
  12:00 the next. Changing a module's duration never moves its sessions; the
  sessions whose length then differs are named instead.
- Two modules may swap places only while no group has sessions of both: their
  order would then contradict the dates (``programs.services.validate_module_order``).
- A module with sessions cannot be deleted.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Group, Module, Program, Session

NOON = dt.time(12)
HALF_DAY_ENDS_BY = dt.time(13)


def session_days(session: Session) -> Decimal:
    """The session's length in days, counted in half days (see the module docstring)."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    first, last = starts.date(), ends.date()
    if first == last:
        half = starts.time() >= NOON or ends.time() <= HALF_DAY_ENDS_BY
        return Decimal("0.5") if half else Decimal(1)
    days = Decimal((last - first).days + 1)
    if starts.time() >= NOON:
        days -= Decimal("0.5")
    if ends.time() <= HALF_DAY_ENDS_BY:
        days -= Decimal("0.5")
    return days


def session_dates(session: Session) -> str:
    """The session's day, or first and last day: "2015-03-02" or "2015-03-02–2015-03-03"."""
    first = timezone.localdate(session.starts_at)
    last = timezone.localdate(session.ends_at)
    shown = date_format(first, "SHORT_DATE_FORMAT")
    if last != first:
        shown += "–" + date_format(last, "SHORT_DATE_FORMAT")
    return shown


def session_label(session: Session) -> str:
    """How a message names a session: group, round, module and date."""
    return _("%(group)s (%(round)s): %(module)s, %(dates)s") % {
        "group": session.group,
        "round": session.group.round,
        "module": session.module,
        "dates": session_dates(session),
    }


def program_sessions(*, program: Program) -> QuerySet[Session]:
    """Every session of the program's groups, loaded for ``session_label``."""
    return (
        Session.objects.filter(group__round__program=program)
        .select_related("group__round", "module")
        .order_by("starts_at", "pk")
    )


def sessions_outside_period(
    *, program: Program, starts_on: dt.date, ends_on: dt.date
) -> list[Session]:
    """The program's sessions that begin before ``starts_on`` or end after ``ends_on``."""
    # A day's margin in the query, since the days are compared in local time below.
    candidates = program_sessions(program=program).filter(
        Q(starts_at__lt=_aware(starts_on + dt.timedelta(days=1))) | Q(ends_at__gte=_aware(ends_on))
    )
    return [
        session
        for session in candidates
        if timezone.localdate(session.starts_at) < starts_on
        or timezone.localdate(session.ends_at) > ends_on
    ]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def sessions_not_lasting(*, module: Module, days: Decimal, now: dt.datetime) -> list[Session]:
    """The module's sessions not yet begun whose length is not ``days``."""
    sessions = (
        Session.objects.filter(module=module, starts_at__gte=now)
        .select_related("group__round", "module")
        .order_by("starts_at", "pk")
    )
    return [session for session in sessions if session_days(session) != days]


def groups_with_sessions_of_both(module: Module, other: Module) -> QuerySet[Group]:
    """The groups that have a session of each module: the two may not change places."""
    return (
        Group.objects.filter(sessions__module=module)
        .filter(sessions__module=other)
        .select_related("round")
        .order_by("round__number", "number")
        .distinct()
    )


def module_session_count(module: Module) -> int:
    """How many sessions the module has: with any, it cannot be deleted."""
    return Session.objects.filter(module=module).count()
