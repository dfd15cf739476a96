"""The models of the programs app.

``structure``: programs, modules, rounds, development groups, enrollments and
check-ins. ``sessions``: sessions, attendance, invitation requests, session
reminders and make-up bookings. ``calendar_feeds``: a consultant's calendar
subscriptions. ``agreements``: agreements, their questions, reviewer changes and
agreement reminders.
"""

from .agreements import Agreement, AgreementField, AgreementReminder, ReviewerChange
from .calendar_feeds import CalendarFeed
from .sessions import Attendance, InvitationRequest, MakeUpBooking, Session, SessionReminder
from .structure import CheckIn, Enrollment, Group, Module, Program, Round

__all__ = [
    "Agreement",
    "AgreementField",
    "AgreementReminder",
    "Attendance",
    "CalendarFeed",
    "CheckIn",
    "Enrollment",
    "Group",
    "InvitationRequest",
    "MakeUpBooking",
    "Module",
    "Program",
    "ReviewerChange",
    "Round",
    "Session",
    "SessionReminder",
]
