"""The consultant's calendar feed: every session they lead in every organisation they work for.

Each session is the entry ``programs.calendar`` makes of it everywhere (the same UID and
SEQUENCE as the group's and the invitation's .ics, so a calendar holding both keeps one
entry), with the organisation first in its summary: a consultant's program may have the
same name in two organisations.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, vText

from ..calendar import PRODID, session_events
from ..models import Session

# How often calendar programs are asked to fetch the feed again (RFC 7986 REFRESH-INTERVAL;
# X-PUBLISHED-TTL for programs that read only that).
REFRESH = dt.timedelta(hours=1)


def consultant_feed_ics(sessions: Iterable[Session], *, name: str) -> bytes:
    """A subscription calendar of the sessions. Load them with
    ``module``, ``group__round__program__organisation`` and ``process_leader``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for session in sessions:
        organisation = session.group.round.program.organisation.name
        for event in session_events(session):
            event["summary"] = vText(f"{organisation}: {event['summary']}")
            calendar.add_component(event)
    return calendar.to_ical()
