"""Small helpers of the extract: timestamps as text, and who did something, as a role."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """ISO 8601; a moment in the site's time zone, with its offset."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


class Who:
    """Names who did something, within the rule of the extract.

    The extract holds nothing about another person except the names of those who
    write in the person's agreements: their line manager and their reviewers (the
    current one and those named in the reviewer changes). Anyone else who did
    something (HR who changed the reviewer or booked a make-up session, whoever
    opened the person's page) is named by role only, never by name or address.
    """

    def __init__(self, *, person, named_people, hr_user_ids: set[int]):
        self.own_user_id = person.user_id
        self.named = {p.user_id: p.full_name for p in named_people if p and p.user_id}
        self.hr_user_ids = hr_user_ids

    def role(self, user_id: int | None) -> str:
        """A role only, never a name."""
        if user_id is None:
            return _("Nobody recorded (the system)")
        if user_id == self.own_user_id:
            return _("You")
        if user_id in self.hr_user_ids:
            return _("HR coordinator")
        return _("Another user")

    def writer(self, user_id: int | None) -> str:
        """The line manager's or a reviewer's name; anyone else by role."""
        if user_id is not None and user_id != self.own_user_id and user_id in self.named:
            return self.named[user_id]
        return self.role(user_id)
