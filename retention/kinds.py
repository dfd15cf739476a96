"""The kinds of record that retention rules apply to, with their documented defaults.

Each kind has a key (stored on the rule), a name, the default period in days,
what the period counts from, and why that default. A default is only a
proposal: a rule removes nothing until the organisation has recorded its
decision (gallringsbeslut) and switched the rule on.

What each kind removes, and how, lives in ``retention.services``; a test
checks that every kind here has it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    name: str
    default_days: int
    counted_from: str
    why: str


DAY = 1
YEAR = 365

KINDS: tuple[Kind, ...] = (
    Kind(
        "agreements",
        _("Agreements with their history and reviewer changes"),
        2 * YEAR,
        _("the end of the program"),
        _("Kept while the program is followed up, then removed."),
    ),
    Kind(
        "attendance",
        _("Attendance and make-up bookings"),
        2 * YEAR,
        _("the end of the program"),
        _("Completion figures are kept as counts; the rows behind them are removed."),
    ),
    Kind(
        "outbox",
        _("E-mails sent (the outbox)"),
        30 * DAY,
        _("the day the e-mail was sent"),
        _("Needed only to see that a message went out."),
    ),
    Kind(
        "login_records",
        _("Login and lockout records"),
        90 * DAY,
        _("the attempt"),
        _("Needed to investigate misuse of a login."),
    ),
    Kind(
        "import_files",
        _("Uploaded import files"),
        0,
        _("the confirmation of the import"),
        _("The managers are in the registry once the import is confirmed."),
    ),
    Kind(
        "sessions",
        _("Expired sign-in sessions"),
        0,
        _("the expiry of the session"),
        _("An expired session cannot be used again."),
    ),
    Kind(
        "access_log",
        _("The access log of personal data"),
        2 * YEAR,
        _("the access"),
        _("Kept to answer who has seen a person's data."),
    ),
    Kind(
        "register_extracts",
        _("Register extracts produced"),
        30 * DAY,
        _("the day the extract was produced"),
        _("The person has received the extract; the copy is not needed."),
    ),
)

KIND_KEYS = tuple(kind.key for kind in KINDS)
KIND_CHOICES = [(kind.key, kind.name) for kind in KINDS]
BY_KEY = {kind.key: kind for kind in KINDS}
