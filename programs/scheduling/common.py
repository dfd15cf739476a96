"""Constants and small helpers shared by the scheduling modules."""

import datetime as dt

from django.conf import settings
from django.db.models import (
    QuerySet,
)
from django.utils import formats, timezone

from core.models import OutboxTask

from ..models import Enrollment

SEND_INVITATIONS = "programs.send_group_invitations"
SEND_REMINDER = "programs.send_session_reminder"
SEND_LOGIN_LINK = "participants.send_login_link"
IN_FLIGHT = OutboxTask.IN_FLIGHT
# The error of an invitation task that "send again" replaced before it ran.
SUPERSEDED = "Superseded by a newer request."
# A login link asked for this recently is not sent again (a double click, a second HR user).
LOGIN_LINK_GRACE = dt.timedelta(minutes=15)


def reminder_days() -> int:
    return settings.SESSION_REMINDER_DAYS


def when_text(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def place_holders(**filters) -> QuerySet[Enrollment]:
    return Enrollment.objects.holding_place().filter(**filters)
