"""The days of a session (programs.session_days): each day with its hours, never the night."""

import datetime as dt

from programs.session_days import DAY_ENDS, DAY_STARTS, SessionDay, session_days
from programs.tests.test_scheduling import at


def test_the_day_hours_are_half_past_eight_to_five():
    assert (dt.time(8, 30), dt.time(17, 0)) == (DAY_STARTS, DAY_ENDS)


def test_a_session_within_one_day_is_that_day():
    assert session_days(at("2026-11-30", 9), at("2026-11-30", 16)) == [
        SessionDay(at("2026-11-30", 9), at("2026-11-30", 16))
    ]


def test_a_day_and_a_half_is_the_first_day_until_five_and_the_morning_after():
    assert session_days(at("2026-11-30", 9), at("2026-12-01", 12)) == [
        SessionDay(at("2026-11-30", 9), at("2026-11-30", 17)),
        SessionDay(at("2026-12-01", 8, 30), at("2026-12-01", 12)),
    ]


def test_the_days_between_the_first_and_the_last_are_whole_days():
    assert session_days(at("2026-11-30", 9), at("2026-12-02", 12)) == [
        SessionDay(at("2026-11-30", 9), at("2026-11-30", 17)),
        SessionDay(at("2026-12-01", 8, 30), at("2026-12-01", 17)),
        SessionDay(at("2026-12-02", 8, 30), at("2026-12-02", 12)),
    ]


def test_days_keep_their_swedish_hours_across_the_change_to_winter_time():
    # Summer time ends in the night to Sunday 25 October 2026.
    days = session_days(at("2026-10-24", 9), at("2026-10-26", 12))

    assert [(d.starts_at.isoformat(), d.ends_at.isoformat()) for d in days] == [
        ("2026-10-24T09:00:00+02:00", "2026-10-24T17:00:00+02:00"),
        ("2026-10-25T08:30:00+01:00", "2026-10-25T17:00:00+01:00"),
        ("2026-10-26T08:30:00+01:00", "2026-10-26T12:00:00+01:00"),
    ]


def test_times_outside_the_day_hours_are_kept_as_one_span():
    evening_start = session_days(at("2026-11-30", 18), at("2026-12-01", 12))
    early_end = session_days(at("2026-11-30", 9), at("2026-12-01", 8))

    assert evening_start == [SessionDay(at("2026-11-30", 18), at("2026-12-01", 12))]
    assert early_end == [SessionDay(at("2026-11-30", 9), at("2026-12-01", 8))]
    assert (evening_start[0].one_date, early_end[0].one_date) == (False, False)


def test_a_span_longer_than_a_module_can_last_is_kept_as_one_span():
    days = session_days(at("2026-11-30", 9), at("2026-12-10", 12))

    assert days == [SessionDay(at("2026-11-30", 9), at("2026-12-10", 12))]
