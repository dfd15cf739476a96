"""What the platform itself processes: the activities, with their purposes, the people and
the data they concern, and the retention kinds that bound them (GDPR art. 13 and 30).

This is the part of the privacy notice and the records of processing that the organisation
does not write: it is declared here, next to the code that does the processing, and the
pages render it. The organisation adds its own parts (``statements.models.PrivacyDetails``).
A test checks that every retention kind (``retention.kinds``) belongs to an activity, so a
new kind of record cannot be left out of the notice.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    detail: str = ""


# The people whose data is processed (the data subjects).
PEOPLE: tuple[Category, ...] = (
    Category("managers", _("Managers in the organisation's manager registry")),
    Category("participants", _("Participants in the program")),
    Category("line_managers", _("The participants' line managers")),
    Category("process_leaders", _("Process leaders (the consultancy's staff)")),
    Category("hr", _("HR coordinators")),
    Category("steering", _("Members of the steering group")),
    Category("reporters", _("People who report an accessibility problem")),
)

# The kinds of personal data.
DATA: tuple[Category, ...] = (
    Category(
        "identity",
        _("Name and contact details"),
        _("Name, e-mail address and employee number."),
    ),
    Category(
        "employment",
        _("Employment"),
        _("Department (förvaltning and unit), manager level, manager since, line manager."),
    ),
    Category(
        "program",
        _("Taking part in the program"),
        _("Development group, sessions, attendance, make-up sessions and completion."),
    ),
    Category(
        "agreements",
        _("Development agreements"),
        _("What the participant and their line manager agree on, with its history."),
    ),
    Category(
        "evaluations",
        _("Module evaluations"),
        _(
            "Answers to the evaluation after each module. They are stored without any link "
            "to the person who answered, and cannot be traced back to them."
        ),
    ),
    Category(
        "login",
        _("Login"),
        _(
            "E-mail address, password (stored only as a one-way hash), chosen language, and "
            "the identifier from the organisation's own sign-in where it is used."
        ),
    ),
    Category(
        "security",
        _("Sign-in and security logs"),
        _("Login attempts and lockouts with time and network address, and sign-in sessions."),
    ),
    Category(
        "email",
        _("E-mail sent"),
        _("Recipient, subject and content of the e-mails the platform sends."),
    ),
    Category(
        "access",
        _("Access log"),
        _("Who opened a person's data or a register extract, and when."),
    ),
)

# Who, besides the organisation, receives the data.
PROCESSOR = "processor"
EMAIL_PROVIDER = "email_provider"


@dataclass(frozen=True)
class Activity:
    key: str
    name: str
    purpose: str
    people: tuple[str, ...]  # keys of PEOPLE
    data: tuple[str, ...]  # keys of DATA
    recipients: tuple[str, ...]  # PROCESSOR, EMAIL_PROVIDER
    retention: tuple[str, ...]  # keys of retention.kinds.KINDS
    # How long, where no retention kind says it (e.g. the registry itself).
    kept: str = ""


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        "registry",
        _("The manager registry"),
        _(
            "To know which managers the organisation has, whom to invite to the program and "
            "who is each participant's line manager. The registry is imported from the "
            "organisation's HR system."
        ),
        people=("managers", "line_managers"),
        data=("identity", "employment"),
        recipients=(PROCESSOR,),
        retention=("import_files",),
        kept=_(
            "A manager stays in the registry while they are a manager in the organisation. "
            "HR removes or pseudonymises a person when no reason to keep the data remains."
        ),
    ),
    Activity(
        "program",
        _("Running the program"),
        _(
            "To plan and run the program: development groups, sessions, attendance and "
            "make-up sessions, and to follow up completion. The steering group sees figures "
            "only, never a single person."
        ),
        people=("participants", "process_leaders", "hr"),
        data=("identity", "program"),
        recipients=(PROCESSOR,),
        retention=("attendance",),
    ),
    Activity(
        "agreements",
        _("Development agreements"),
        _(
            "To let the participant and their line manager write down and follow up what "
            "the participant develops during the program."
        ),
        people=("participants", "line_managers"),
        data=("identity", "agreements"),
        recipients=(PROCESSOR,),
        retention=("agreements",),
    ),
    Activity(
        "evaluations",
        _("Anonymous module evaluations"),
        _(
            "To improve the program. Results are shown only for groups large enough that "
            "no one's answer can be singled out."
        ),
        people=("participants",),
        data=("evaluations",),
        recipients=(PROCESSOR,),
        retention=(),
        kept=_(
            "The answers are not linked to a person. Free-text answers are read by HR "
            "before they are shown, so that nothing in them points out a person."
        ),
    ),
    Activity(
        "signin",
        _("Sign-in and security"),
        _(
            "To let the right people in, protect the data from others and investigate "
            "misuse of a login."
        ),
        people=("participants", "line_managers", "process_leaders", "hr", "steering"),
        data=("login", "security"),
        recipients=(PROCESSOR,),
        retention=("login_records", "sessions"),
        kept=_("A login is kept while its holder has a role in the program."),
    ),
    Activity(
        "email",
        _("E-mail"),
        _(
            "To send invitations, personal login links, reminders before sessions and "
            "confirmations."
        ),
        people=("participants", "line_managers", "process_leaders", "hr", "steering"),
        data=("identity", "email"),
        recipients=(PROCESSOR, EMAIL_PROVIDER),
        retention=("outbox",),
    ),
    Activity(
        "rights",
        _("Access log and register extracts"),
        _(
            "To be able to say who has seen a person's data, and to give people a register "
            "extract of their data when they ask for it."
        ),
        people=("managers", "participants", "line_managers", "hr"),
        data=("identity", "access"),
        recipients=(PROCESSOR,),
        retention=("access_log", "register_extracts"),
    ),
    Activity(
        "accessibility",
        _("Reports of accessibility problems"),
        _(
            "To receive and answer reports of accessibility problems in the service (lag "
            "2018:1937 om tillgänglighet till digital offentlig service). A name and an e-mail "
            "address are given only if the reporter wishes."
        ),
        people=("reporters",),
        data=("identity",),
        recipients=(PROCESSOR,),
        retention=("accessibility_reports",),
    ),
)

# The technical and organisational security measures (art. 30.1 g), in general terms.
SECURITY_MEASURES: tuple[str, ...] = (
    _("Each organisation's data is kept apart; a person sees only what their role needs."),
    _(
        "Sign-in with the organisation's own identity provider or a personal password; "
        "repeated failed attempts lock the login."
    ),
    _("A session ends after a period without activity. All traffic is encrypted (HTTPS)."),
    _("Evaluation answers are encrypted and stored without any link to the person."),
    _("An access log records who opened a person's data."),
    _("Data are removed under the organisation's retention decisions."),
)

PEOPLE_BY_KEY = {category.key: category for category in PEOPLE}
DATA_BY_KEY = {category.key: category for category in DATA}
