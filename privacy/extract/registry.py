"""Which stored models the register extract covers, and which it leaves out and why.

``privacy/tests/test_extract_coverage.py`` walks every model and fails for one with a
foreign-key path to a person or a login that is in neither dict: a new table of
personal data must be added to the extract, or left out here with its reason.
Models without such a key (the outbox, django-axes, django's sessions) are covered
too: they hold the person's id or address as data, and the extract reads them there.
"""

# Model label -> the section of the extract (a key of the dict ``person_extract`` returns).
COVERED: dict[str, str] = {
    "participants.Person": "person",
    "participants.User": "login",
    "participants.Membership": "login",
    "participants.LoginConfirmation": "login_confirmations",
    "participants.LoginLinkRequest": "login_link_requests",
    "participants.ManagerImport": "imports",
    "participants.PersonalDataAccess": "access_log",
    "programs.Enrollment": "enrollments",
    "programs.Attendance": "enrollments",
    "programs.MakeUpBooking": "enrollments",
    "programs.SessionReminder": "enrollments",
    "programs.Agreement": "enrollments",
    "programs.HistoricalAgreement": "enrollments",
    "programs.ReviewerChange": "enrollments",
    "programs.AgreementReminder": "enrollments",
    "evaluations.Completion": "enrollments",
    "core.OutboxTask": "emails",
    "axes.AccessAttempt": "sign_ins",
    "axes.AccessFailureLog": "sign_ins",
    "axes.AccessLog": "sign_ins",
    "sessions.Session": "sessions",
    "privacy.RegisterExtract": "register_extracts",
    # What the person did with their login on others' records: counted, never shown
    # (the records are about other people), in "actions".
    "programs.InvitationRequest": "actions",
    "programs.CheckIn": "actions",
    "programs.HistoricalProgram": "actions",
    "programs.HistoricalModule": "actions",
    "programs.HistoricalGroup": "actions",
    "reports.StatusReport": "actions",
}

# Model label -> why the extract leaves it out.
EXCLUDED: dict[str, str] = {
    "admin.LogEntry": (
        "Django's admin is used only by the platform operator's staff, never by an "
        "organisation; its rows are the operator's, not the organisation's."
    ),
    "participants.Consultant": (
        "A process leader of the consultancy (the processor), not a manager of the "
        "organisation; a consultant's own data is the consultancy's to give out."
    ),
    "participants.IdentityProvider": "The organisation's sign-in settings: no personal data.",
    "participants.PlatformOperator": (
        "The platform operator's staff (the consultancy, the processor): a role above "
        "organisations, not data the organisation holds about its managers."
    ),
    "axes.AccessAttemptExpiration": (
        "Only when a lockout ends, for an attempt the extract lists (axes.AccessAttempt)."
    ),
    "programs.Program": "The program itself; reached from a person only through others.",
    "programs.Module": "The program's modules; its link to a login is the consultant's.",
    "programs.Round": "The program's rounds: no personal data.",
    "programs.Group": (
        "The group is named in each enrollment; its process leaders are consultants."
    ),
    "programs.HistoricalGroup_process_leaders": "Which consultants led a group (consultants).",
    "programs.Session": (
        "Each session the person attended or was reminded of is named in the extract; "
        "its process leader is a consultant."
    ),
    "programs.CalendarFeed": (
        "A consultant's calendar subscription (the hash of its secret address): the "
        "consultancy's process leader, not a manager of the organisation."
    ),
    "programs.AgreementField": "The program's questions: the extract shows them with the answers.",
    "evaluations.EvaluationForm": "The module's questions: no personal data.",
    "evaluations.FormVersion": "The module's questions: no personal data.",
    "evaluations.Question": "The module's questions: no personal data.",
    "evaluations.EffectTheme": "The program's themes: no personal data.",
    "evaluations.RatingCounter": (
        "Counts of answers per session and question: anonymous, cannot be linked to a person."
    ),
    "evaluations.TextAnswer": (
        "Free-text answers stored without who wrote them: cannot be linked to a person."
    ),
    "evaluations.SealedAnswers": (
        "Sealed answers stored without who gave them: cannot be linked to a person."
    ),
    "evaluations.EffectEntry": (
        "Effect entries stored without who wrote them: cannot be linked to a person."
    ),
    "evaluations.ReminderLog": "How many were reminded per session: a count, nobody named.",
    "retention.RetentionRule": (
        "The organisation's retention decisions; who last changed one is an act of office "
        "shown on the retention page (privacy and retention may not import each other)."
    ),
    "reports.ComparisonOptIn": (
        "The organisation's choice to take part in the comparison between organisations; "
        "who turned it on is an act of office by HR, not data about a person."
    ),
    "retention.RetentionLogEntry": "Counts of removed records per kind and day: nobody named.",
    "statements.PrivacyDetails": (
        "The organisation's privacy notice; who last edited it is an act of office by HR, "
        "not data about a person."
    ),
    "statements.AccessibilityContact": (
        "The organisation's contact for accessibility; who last edited it is an act of office."
    ),
    "statements.AccessibilityReport": (
        "A report of an accessibility problem: its optional contact is whatever the reporter "
        "typed, not linked to a manager record or a login."
    ),
}
