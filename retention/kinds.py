"""The kinds of record that retention rules apply to, with their documented defaults.

Each kind has a key (stored on the rule), a name, the default period in days,
what the period counts from, why that default, and its scope. A default is
only a proposal: a rule removes nothing until a decision (gallringsbeslut) is
recorded and the rule switched on.

Scope:

- ``ORGANISATION``: the records belong to one organisation (its programs, its
  imports, its access log); each organisation records its own decision and
  HR switches the rule on.
- ``PLATFORM``: technical records of the installation that belong to no one
  organisation: an outbox row names a task and ids, not an organisation; a
  login (and so its sign-in sessions and login attempts) may serve several
  organisations, and a failed attempt names an address that may be no one's
  login. They are removed under one rule for the whole installation (a rule
  without an organisation), which the platform's operator records under the
  data processing agreement (personuppgiftsbiträdesavtal) and each
  organisation's HR sees, read only, on its rules page.

What each kind removes, and how, lives in ``retention.services.due``; a test
checks that every kind here has it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ORGANISATION = "organisation"
PLATFORM = "platform"


@dataclass(frozen=True)
class Kind:
    key: str
    name: str
    default_days: int
    counted_from: str
    why: str
    scope: str = ORGANISATION

    @property
    def is_platform(self) -> bool:
        return self.scope == PLATFORM


DAY = 1
YEAR = 365

KINDS: tuple[Kind, ...] = (
    Kind(
        "agreements",
        _("Agreements with their history, reviewer changes and reminders"),
        2 * YEAR,
        _("the end of the program"),
        _(
            "Kept while the program is followed up, then removed. The program's live figures "
            "of agreements (how many were agreed, per stage) are counted from these rows and "
            "go with them; frozen status reports keep theirs."
        ),
    ),
    Kind(
        "attendance",
        _("Attendance, make-up bookings and session reminders"),
        10 * YEAR,
        _("the end of the program"),
        _(
            "A cautious default. Each place's completion is kept as its stored status and "
            "frozen status reports keep their figures, but the program's live attendance "
            "rates, the evaluations' response rates and new status reports are counted from "
            "these rows: after removal they show no attendance for the program."
        ),
    ),
    Kind(
        "outbox",
        _("E-mails sent (the outbox)"),
        30 * DAY,
        _("the day the e-mail was sent"),
        _(
            "Needed only to see that a message went out. A group's invitation runs are kept "
            "with the group, since the invitations page reads them."
        ),
        PLATFORM,
    ),
    Kind(
        "login_records",
        _("Login and lockout records"),
        90 * DAY,
        _("the attempt"),
        _("Needed to investigate misuse of a login."),
        PLATFORM,
    ),
    Kind(
        "import_files",
        _("Uploaded import files"),
        0,
        _("the confirmation of the import"),
        _(
            "The managers are in the registry once the import is confirmed. A refused import "
            "counts from its upload, a preview never confirmed from a day after its upload."
        ),
    ),
    Kind(
        "sessions",
        _("Expired sign-in sessions"),
        0,
        _("the expiry of the session"),
        _("An expired session cannot be used again."),
        PLATFORM,
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
    Kind(
        "accessibility_reports",
        _("Reports of accessibility problems"),
        2 * YEAR,
        _("the day the report was received"),
        _(
            "Kept while the problem is followed up; a reporter may have left a name and an "
            "e-mail address."
        ),
    ),
)

KIND_KEYS = tuple(kind.key for kind in KINDS)
KIND_CHOICES = [(kind.key, kind.name) for kind in KINDS]
BY_KEY = {kind.key: kind for kind in KINDS}
PLATFORM_KEYS = tuple(kind.key for kind in KINDS if kind.is_platform)
ORGANISATION_KEYS = tuple(kind.key for kind in KINDS if not kind.is_platform)
