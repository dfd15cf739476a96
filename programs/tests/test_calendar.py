"""Calendar files parse back to the sessions they describe; a session of several days is
each of its days, with the session's one UID (programs.calendar)."""

import datetime as dt

import pytest
from dateutil.rrule import rrulestr
from django.utils import translation
from icalendar import Calendar

from programs.calendar import session_uid, sessions_ics
from programs.services import session_save
from programs.tests.factories import ModuleFactory, RoundFactory, SessionFactory
from programs.tests.test_scheduling import at

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
    assert events[1]["dtstart"].dt == second.starts_at
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


# --- A module of more than one day --------------------------------------------------------------


def _day_and_a_half(settings):
    settings.CALENDAR_UID_DOMAIN = "svc.orebro.se"
    round_ = RoundFactory(starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 18))
    session = SessionFactory(
        group__round=round_,
        group__name="Grupp 7",
        module__name="Del av en helhet",
        module__purpose="",
        starts_at=at("2026-11-30", 9),
        ends_at=at("2026-12-01", 12),
        venue="Conventum",
        process_leader__name="Pia Lindqvist",
        process_leader__email="pia@konsult.test",
    )
    session.refresh_from_db()  # as the pages and the e-mail tasks read it
    return session


def _vevents(data: bytes) -> list[list[str]]:
    """Each VEVENT's content lines, unfolded, without DTSTAMP (the moment of writing)."""
    text = data.decode().replace("\r\n ", "")
    events = []
    for block in text.split("BEGIN:VEVENT\r\n")[1:]:
        lines = block.split("END:VEVENT")[0].splitlines()
        events.append([line for line in lines if not line.startswith("DTSTAMP:")])
    return events


def test_a_day_and_a_half_is_two_days_in_the_calendar_never_the_night(settings):
    session = _day_and_a_half(settings)

    with translation.override("sv"):
        data = sessions_ics([session], name="Grupp 7")

    uid = f"UID:session-{session.pk}@svc.orebro.se"
    summary = "SUMMARY:Sveriges viktigaste chefsjobb: modul 1 Del av en helhet (Grupp 7)\\, "
    leader = [
        "DESCRIPTION:Processledare: Pia Lindqvist",
        "LOCATION:Conventum",
        'ORGANIZER;CN="Pia Lindqvist":mailto:pia@konsult.test',
    ]
    assert _vevents(data) == [
        [
            summary + "dag 1 av 2",
            "DTSTART:20261130T080000Z",  # 09:00 Swedish time
            "DTEND:20261130T160000Z",  # 17:00
            uid,
            "SEQUENCE:0",
            "RRULE:FREQ=DAILY;COUNT=2",
            *leader,
        ],
        [
            summary + "dag 2 av 2",
            "DTSTART:20261201T073000Z",  # 08:30
            "DTEND:20261201T110000Z",  # 12:00
            uid,
            "RECURRENCE-ID:20261201T080000Z",
            "SEQUENCE:0",
            *leader,
        ],
    ]


def _occurrences(data: bytes) -> list[tuple[dt.datetime, dt.datetime]]:
    """What a calendar program shows: the recurring events expanded, days replaced by the
    events whose RECURRENCE-ID names them (RFC 5545)."""
    events = list(Calendar.from_ical(data).walk("VEVENT"))
    shown = {}
    for event in events:
        if "RECURRENCE-ID" in event:
            continue
        start, end = event["dtstart"].dt, event["dtend"].dt
        starts = [start]
        if "RRULE" in event:
            starts = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
        for moment in starts:
            shown[str(event["uid"]), moment] = (moment, moment + (end - start))
    for event in events:
        if "RECURRENCE-ID" in event:
            key = (str(event["uid"]), event["recurrence-id"].dt)
            assert key in shown, f"{key} replaces no occurrence"
            shown[key] = (event["dtstart"].dt, event["dtend"].dt)
    return sorted(shown.values())


def test_each_day_of_the_session_is_what_a_calendar_program_shows(settings):
    session = _day_and_a_half(settings)

    assert _occurrences(sessions_ics([session], name="x")) == [
        (at("2026-11-30", 9), at("2026-11-30", 17)),
        (at("2026-12-01", 8, 30), at("2026-12-01", 12)),
    ]


def test_three_days_over_the_change_to_winter_time_keep_their_hours(settings):
    settings.CALENDAR_UID_DOMAIN = "svc.orebro.se"
    session = SessionFactory(
        group__round=RoundFactory(starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 18)),
        starts_at=at("2026-10-24", 9),
        ends_at=at("2026-10-26", 12),
    )
    session.refresh_from_db()

    assert _occurrences(sessions_ics([session], name="x")) == [
        (at("2026-10-24", 9), at("2026-10-24", 17)),
        (at("2026-10-25", 8, 30), at("2026-10-25", 17)),
        (at("2026-10-26", 8, 30), at("2026-10-26", 12)),
    ]


def test_a_session_shortened_to_one_day_replaces_both_days_under_the_same_uid(settings):
    session = _day_and_a_half(settings)
    before = Calendar.from_ical(sessions_ics([session], name="x")).walk("VEVENT")

    session_save(group=session.group, module=session.module, starts_at=at("2026-11-30", 9),
                 ends_at=at("2026-11-30", 16), venue="Conventum",
                 process_leader=session.process_leader, session=session)  # fmt: skip
    session.refresh_from_db()
    after = Calendar.from_ical(sessions_ics([session], name="x")).walk("VEVENT")

    assert [(str(e["uid"]), e["sequence"]) for e in before] == [
        (f"session-{session.pk}@svc.orebro.se", 0)
    ] * 2
    # One entry, a higher SEQUENCE, no recurrence: the calendar drops the second day.
    assert [(str(e["uid"]), e["sequence"], "RRULE" in e) for e in after] == [
        (f"session-{session.pk}@svc.orebro.se", 1, False)
    ]
    assert _occurrences(sessions_ics([session], name="x")) == [
        (at("2026-11-30", 9), at("2026-11-30", 16))
    ]
