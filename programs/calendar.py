"""Calendar files (.ics) for sessions, built with the icalendar library.

Each session becomes one VEVENT whose UID is stable (the session's id and the
site), so a re-sent invitation updates the same calendar entry instead of
adding a second one; its SEQUENCE grows with every change of time, venue or
process leader, which calendar programs need before they accept an update.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Session

PRODID = "-//SVC//Ledarutvecklingsprogram//SV"


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def _event(session: Session) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add(
        "summary",
        _("%(program)s: module %(order)s %(module)s (%(group)s)")
        % {
            "program": session.module.program.name,
            "order": session.module.order,
            "module": session.module.name,
            "group": session.group,
        },
    )
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


def sessions_ics(sessions: Iterable[Session], *, name: str) -> bytes:
    """A calendar with one event per session.

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
        calendar.add_component(_event(session))
    return calendar.to_ical()
