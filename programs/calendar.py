"""Calendar files (.ics) for sessions, built with the icalendar library.

Each session is one calendar entry whose UID is stable (the session's id and the
site's ``CALENDAR_UID_DOMAIN``), so a re-sent invitation updates the same entry
instead of adding a second one; its SEQUENCE grows with every change of time,
venue or process leader, which calendar programs need before they accept an update.

A session of more than one day (``programs.session_days``) is one entry that
recurs daily, once per day, with each day after the first given its own hours
(a VEVENT with RECURRENCE-ID, RFC 5545 3.8.4.4): 30 November 09:00–17:00 and
1 December 08:30–12:00, never one event through the night. Every day belongs to
the session's one UID, so a later change of the session, also of its number of
days, replaces all its days in people's calendars; separate UIDs per day could
not take back a day that a change removed. Times are written in UTC, so the
daily recurrence and the RECURRENCE-IDs count 24-hour days alike whatever the
summer time does.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Session

PRODID = "-//SVC//Ledarutvecklingsprogram//SV"


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _event(
    session: Session, *, starts_at: dt.datetime, ends_at: dt.datetime, day: int, days: int
) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _utc(starts_at))
    event.add("dtend", _utc(ends_at))
    summary = _("%(program)s: module %(order)s %(module)s (%(group)s)") % {
        "program": session.module.program.name,
        "order": session.module.order,
        "module": session.module.name,
        "group": session.group,
    }
    if days > 1:
        summary = _("%(summary)s, day %(day)d of %(days)d") % {
            "summary": summary,
            "day": day,
            "days": days,
        }
    event.add("summary", summary)
    if session.venue:
        event.add("location", vText(session.venue))
    description = [session.module.purpose] if session.module.purpose else []
    if session.process_leader:
        description.append(_("Process leader: %(name)s") % {"name": session.process_leader.name})
        if session.process_leader.email:
            organizer = vCalAddress(f"mailto:{session.process_leader.email}")
            organizer.params["cn"] = vText(session.process_leader.name)
            event["organizer"] = organizer
    if description:
        event.add("description", "\n\n".join(description))
    event.add("sequence", session.calendar_sequence)
    return event


def session_events(session: Session) -> list[Event]:
    """The session's entry: one VEVENT, or for several days a daily one and each later day."""
    days = session.days
    count = len(days)
    first = _event(session, starts_at=days[0].starts_at, ends_at=days[0].ends_at, day=1, days=count)
    if count == 1:
        return [first]
    first.add("rrule", {"freq": "daily", "count": count})
    events = [first]
    for index, day in enumerate(days[1:], start=1):
        event = _event(
            session, starts_at=day.starts_at, ends_at=day.ends_at, day=index + 1, days=count
        )
        # The occurrence this day replaces: the first day's start, ``index`` days on.
        event.add("recurrence-id", _utc(days[0].starts_at) + dt.timedelta(days=index))
        events.append(event)
    return events


def sessions_ics(sessions: Iterable[Session], *, name: str) -> bytes:
    """A calendar with one entry per session (``session_events``).

    Load sessions with module__program, group and process_leader to keep queries flat.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        for event in session_events(session):
            calendar.add_component(event)
    return calendar.to_ical()
