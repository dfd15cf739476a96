"""Shows the extract's ISO 8601 timestamps as dates in the page's language."""

import datetime as dt

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def moment(value: str | None) -> str:
    """ "2026-12-07T09:00:00+01:00" → "7 december 2026 09:00"; a date alone → its date."""
    if not value:
        return "–"
    if "T" not in value:
        return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    return formats.date_format(
        timezone.localtime(dt.datetime.fromisoformat(value)), "DATETIME_FORMAT"
    )
