"""The program's rules for evaluations: the window, the k rule, the reminder day.

Settings are read with defaults so the app works before a deployment sets them:
EVALUATION_WINDOW_DAYS (14) and EVALUATION_MIN_RESPONSES (5, never below 5).
Every reader of k asks ``min_responses()``; start-up refuses a k below the
floor (``svc.settings.base``), and ``min_responses`` holds it even so.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

# k may be raised by a deployment, never lowered below this.
ABSOLUTE_MIN_RESPONSES = 5
# Reminders go out this many days before the deadline.
REMINDER_DAYS_BEFORE = 3


def min_responses() -> int:
    """k: the fewest answers a unit needs before any of its results are shown."""
    # The settings refuse a lower value at start-up; the floor holds here too.
    return max(ABSOLUTE_MIN_RESPONSES, settings.EVALUATION_MIN_RESPONSES)


def window_days() -> int:
    return settings.EVALUATION_WINDOW_DAYS


def deadline(ends_at: dt.datetime) -> dt.datetime:
    """The moment a session's evaluation closes (and its results may be published)."""
    return ends_at + dt.timedelta(days=window_days())


def is_open(ends_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return ends_at <= now < deadline(ends_at)


def is_published(ends_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    """Results of a session are shown only once its window has closed."""
    return (now or timezone.now()) >= deadline(ends_at)


def published_before(*, now: dt.datetime | None = None) -> dt.datetime:
    """Sessions that ended before this moment have closed windows."""
    return (now or timezone.now()) - dt.timedelta(days=window_days())
