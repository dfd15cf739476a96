"""Calendar files parse back to the sessions they describe."""

import datetime as dt

import pytest
from icalendar import Calendar

from programs.calendar import session_uid, sessions_ics
from programs.tests.factories import ModuleFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_sessions_ics_parses_back_with_times_venue_and_stable_uids():
    first = SessionFactory(venue="Örebro slott, Stora salen", module__name="Del av en helhet")
    module_2 = ModuleFactory(program=first.module.program, order=2, name="Klar ledare")
    second = SessionFactory(group=first.group, module=module_2, venue="Conventum")

    data = sessions_ics([first, second], name="Grupp 1")
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))

    assert str(calendar["x-wr-calname"]) == "Grupp 1"
    assert [str(e["uid"]) for e in events] == [session_uid(first), session_uid(second)]
    assert events[0]["dtstart"].dt == first.starts_at
    assert events[0]["dtend"].dt == first.ends_at
    assert str(events[0]["location"]) == "Örebro slott, Stora salen"
    assert str(events[0]["summary"]) == (
        f"Sveriges viktigaste chefsjobb: modul 1 Del av en helhet ({first.group})"
    )
    assert events[1]["dtstart"].dt - events[0]["dtstart"].dt == dt.timedelta(days=40)
    assert str(events[0]["organizer"]) == f"mailto:{first.process_leader.email}"


def test_sessions_ics_is_stable_for_the_same_sessions(settings):
    settings.CALENDAR_UID_DOMAIN = "svc-test.orebro.se"
    session = SessionFactory()

    uid_first = Calendar.from_ical(sessions_ics([session], name="x")).walk("VEVENT")[0]["uid"]
    uid_again = Calendar.from_ical(sessions_ics([session], name="x")).walk("VEVENT")[0]["uid"]

    assert str(uid_first) == str(uid_again) == f"session-{session.pk}@svc-test.orebro.se"


def test_uids_default_to_the_host_of_the_site_address():
    """Test and production have their own SITE_URL, so their UIDs never meet in a calendar."""
    session = SessionFactory()

    event = Calendar.from_ical(sessions_ics([session], name="x")).walk("VEVENT")[0]

    # The test settings keep the default SITE_URL, http://127.0.0.1:8000.
    assert str(event["uid"]) == f"session-{session.pk}@127.0.0.1"


def test_a_moved_session_carries_a_higher_sequence_so_calendars_replace_the_entry():
    from programs.services import session_save

    session = SessionFactory(venue="Conventum")
    group, module = session.group, session.module

    def sequence():
        return Calendar.from_ical(sessions_ics([session], name="x")).walk("VEVENT")[0]["sequence"]

    assert sequence() == 0
    session_save(group=group, module=module, starts_at=session.starts_at,
                 ends_at=session.ends_at, venue="Conventum",
                 process_leader=session.process_leader, session=session)  # fmt: skip
    assert (session.calendar_sequence, sequence()) == (0, 0)

    moved = session.starts_at + dt.timedelta(days=1)
    session_save(group=group, module=module, starts_at=moved,
                 ends_at=session.ends_at + dt.timedelta(days=1), venue="Conventum",
                 process_leader=session.process_leader, session=session)  # fmt: skip
    session.refresh_from_db()
    assert (session.calendar_sequence, sequence()) == (1, 1)

    session_save(group=group, module=module, starts_at=moved,
                 ends_at=session.ends_at, venue="Örebro slott",
                 process_leader=session.process_leader, session=session)  # fmt: skip
    session.refresh_from_db()
    assert (session.calendar_sequence, sequence()) == (2, 2)
