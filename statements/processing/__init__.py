"""Personal data processing as the platform declares it, and the organisation's own parts:
what the privacy notice (art. 13) and the records of processing (art. 30) are made of."""

from .activities import ACTIVITIES, DATA, PEOPLE, SECURITY_MEASURES, Activity, Category
from .selectors import Notice, notice_for, organisations_with_notices, period_text
from .services import EDITABLE_FIELDS, privacy_details_save

__all__ = [
    "ACTIVITIES",
    "DATA",
    "EDITABLE_FIELDS",
    "PEOPLE",
    "SECURITY_MEASURES",
    "Activity",
    "Category",
    "Notice",
    "notice_for",
    "organisations_with_notices",
    "period_text",
    "privacy_details_save",
]
