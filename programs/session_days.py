"""The days of a session: how a module of more than one day is held, shown and put in calendars.

A session stores only its start and its end. A session that ends on a later day (Swedish
time) than it starts is held on each day from the first to the last, during the day's
hours:

- the first day from the session's start to ``DAY_ENDS``,
- each day between from ``DAY_STARTS`` to ``DAY_ENDS``,
- the last day from ``DAY_STARTS`` to the session's end.

Module 1, 1.5 days, from 30 November 09:00 to 1 December 12:00 is thus held
30 November 09:00–17:00 and 1 December 08:30–12:00. Pages show each day
(``programs/sessions/_session_time.html``) and calendar files hold each day
(``programs.calendar``), never one event through the night.

Times that do not fit the day's hours (a first day starting at 17:00 or later, a
last day ending at 08:30 or earlier) or a session of more than ``MAX_DAYS`` days
are kept as one span from start to end: what was stored is shown as it is rather
than days being invented.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

DAY_STARTS = dt.time(8, 30)
DAY_ENDS = dt.time(17, 0)
# A module lasts at most 10 days (Module.duration_days); a longer span is a typing error
# that is shown as stored, not as weeks of days.
MAX_DAYS = 10


@dataclass(frozen=True)
class SessionDay:
    """One day of a session (or the session's whole span, see the module docstring)."""

    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def one_date(self) -> bool:
        """Starts and ends on the same day, Swedish time."""
        return timezone.localdate(self.starts_at) == timezone.localdate(self.ends_at)


def session_days(starts_at: dt.datetime, ends_at: dt.datetime) -> list[SessionDay]:
    """The days a session from ``starts_at`` to ``ends_at`` (aware) is held, first day first."""
    first, last = timezone.localdate(starts_at), timezone.localdate(ends_at)
    count = (last - first).days + 1
    whole = [SessionDay(starts_at=starts_at, ends_at=ends_at)]
    if count <= 1 or count > MAX_DAYS:
        return whole
    if timezone.localtime(starts_at).time() >= DAY_ENDS:
        return whole
    if timezone.localtime(ends_at).time() <= DAY_STARTS:
        return whole

    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, time))

    days = []
    for index in range(count):
        day = first + dt.timedelta(days=index)
        days.append(
            SessionDay(
                starts_at=starts_at if index == 0 else at(day, DAY_STARTS),
                ends_at=ends_at if index == count - 1 else at(day, DAY_ENDS),
            )
        )
    return days
