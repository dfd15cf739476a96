"""Every URL pattern × every role.

Each named URL pattern of the project must have a row in ``MATRIX``; a pattern
without one fails ``test_every_url_pattern_has_a_matrix_row``. For
organisation pages a row states the roles that may see the page; the test then
checks anonymous → login, another organisation's user → 404, every other role
→ 403 and every allowed role → 200. The platform operator (the consultancy's
staff, a member of no organisation) gets 404 on every organisation page, texts
and answers included; the console's rows (kind "operator") answer anonymous →
login, every organisation role → 403 and the operator → 200.

Rows build their URL arguments from the ``world`` fixture: one organisation
with a user per role and whatever objects the pages need. A row for a page
about one object also says how to build the same URL with an object of
another organisation (``foreign_kwargs``); an allowed user must get 404 there.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from participants.models import ManagerImport, PlatformOperator, Role
from participants.tests.factories import PersonFactory, UserFactory
from programs.models import Agreement
from programs.tests.factories import (
    AgreementFactory,
    EnrollmentFactory,
    GroupFactory,
    ProgramFactory,
)
from svc.roles import roles_in

# Namespaces that belong to Django itself, not to us.
SKIPPED_NAMESPACES = {"admin"}

ALL_ROLES = frozenset(Role)
# The roles tried against every organisation page.
MATRIX_ROLES = (
    Role.HR,
    Role.STEERING,
    Role.PROCESS_LEADER,
    Role.PARTICIPANT,
    Role.LINE_MANAGER,
)
HR_ONLY = frozenset({Role.HR})
# The platform operator: not a role in an organisation, so not in MATRIX_ROLES.
OPERATOR = "operator"


@dataclass(frozen=True)
class Row:
    """How one URL pattern is reached and who may reach it."""

    allowed: frozenset = frozenset()
    kwargs: object = None  # callable(world) -> dict; default {"org": world.org.slug}
    # callable(world) -> dict: the same page with an object of another organisation.
    foreign_kwargs: object = None
    # "org", "public" (no login), "login" (any logged-in user), "operator" (the console)
    kind: str = "org"
    # A "login" row open to one kind of login only (a consultant's pages): the role of the
    # world's user who may open it; every other world user gets 403. None: any login.
    login_role: object = None
    method: str = "get"
    ok_status: int = 200
    notes: str = field(default="", compare=False)


def org_kwargs(world):
    return {"org": world.org.slug}


def program_kwargs(world):
    return {"org": world.org.slug, "program_id": world.program.pk}


def foreign_program_kwargs(world):
    return {"org": world.org.slug, "program_id": world.other_program.pk}


def group_kwargs(world):
    return {"org": world.org.slug, "group_id": world.group.pk}


def foreign_group_kwargs(world):
    return {"org": world.org.slug, "group_id": world.other_group.pk}


def person_kwargs(world):
    return {"org": world.org.slug, "pk": world.person.pk}


def foreign_person_kwargs(world):
    return {"org": world.org.slug, "pk": world.other_person.pk}


def import_kwargs(world):
    return {"org": world.org.slug, "pk": world.manager_import.pk}


def foreign_import_kwargs(world):
    return {"org": world.org.slug, "pk": world.other_import.pk}


# --- Sessions, attendance, invitations (programs.views_sessions) -------------------------

HR_AND_PROCESS_LEADER = frozenset({Role.HR, Role.PROCESS_LEADER})


def led_session(world):
    """A session of the world's group led by the process leader (through their Consultant)."""
    from participants.models import Consultant
    from participants.tests.factories import ConsultantFactory
    from programs.models import Session
    from programs.tests.factories import SessionFactory

    user = world.users[Role.PROCESS_LEADER]
    consultant = Consultant.objects.filter(user=user).first() or ConsultantFactory(
        user=user, organisations=[world.org]
    )
    session = Session.objects.filter(group=world.group).first()
    return session or SessionFactory(group=world.group, process_leader=consultant)


def consultant_kwargs(world):
    """A page of the consultant's own, outside any organisation: the process leader is one."""
    led_session(world)
    return {}


def led_group_kwargs(world):
    led_session(world)
    return group_kwargs(world)


def session_kwargs(world):
    return {"org": world.org.slug, "session_id": led_session(world).pk}


def foreign_session_kwargs(world):
    from programs.models import Session
    from programs.tests.factories import SessionFactory

    session = Session.objects.filter(group=world.other_group).first()
    session = session or SessionFactory(group=world.other_group)
    return {"org": world.org.slug, "session_id": session.pk}


def _show_missing(world):
    from participants.models import Organisation

    Organisation.objects.filter(pk=world.org.pk).update(process_leaders_see_missing=True)


def missing_kwargs(world):
    """A led session, in an organisation that shows process leaders who has not answered."""
    _show_missing(world)
    return session_kwargs(world)


def foreign_missing_kwargs(world):
    _show_missing(world)
    return foreign_session_kwargs(world)


def round_kwargs(world):
    return {"org": world.org.slug, "round_id": world.group.round_id}


def foreign_round_kwargs(world):
    return {"org": world.org.slug, "round_id": world.other_group.round_id}


# --- Agreements (issue 5) ------------------------------------------------------------


def _world_agreement(world, *, stage, status):
    """An agreement of the world's participant, reviewed by the world's line manager."""
    agreement, _ = Agreement.objects.get_or_create(
        enrollment=world.person.enrollments.get(),
        stage=stage,
        defaults={
            "status": status,
            "texts": {"develop": "Tydligare mål"},
            "agreed_at": timezone.now() if status == "agreed" else None,
        },
    )
    return agreement


def submitted_agreement_kwargs(world):
    agreement = _world_agreement(world, stage="before_1", status="submitted")
    return {"org": world.org.slug, "pk": agreement.pk}


def agreed_agreement_kwargs(world):
    agreement = _world_agreement(world, stage="between_1_2", status="agreed")
    return {"org": world.org.slug, "pk": agreement.pk}


def foreign_agreement_kwargs(world):
    agreement = AgreementFactory(
        enrollment=EnrollmentFactory(group=world.other_group),
        status="agreed",
        agreed_at=timezone.now(),
    )
    return {"org": world.org.slug, "pk": agreement.pk}


def enrollment_kwargs(world):
    return {"org": world.org.slug, "enrollment_id": world.person.enrollments.get().pk}


def foreign_enrollment_kwargs(world):
    return {"org": world.org.slug, "enrollment_id": EnrollmentFactory(group=world.other_group).pk}


def agreement_stage_kwargs(world):
    return {**enrollment_kwargs(world), "stage": "between_2_3"}


def foreign_agreement_stage_kwargs(world):
    return {**foreign_enrollment_kwargs(world), "stage": "between_2_3"}


AGREEMENT_PARTIES = frozenset({Role.PARTICIPANT, Role.LINE_MANAGER})


# --- Evaluations (issue 6) ---------------------------------------------------------------

RESULTS = frozenset({Role.HR, Role.STEERING, Role.PROCESS_LEADER})
EXPORT = frozenset({Role.HR, Role.STEERING})
PARTICIPANT = frozenset({Role.PARTICIPANT})


def attended_session_kwargs(world):
    """A module-1 session of the world's group that the participant attended."""
    from programs.tests.factories import AttendanceFactory, ModuleFactory, SessionFactory

    module = ModuleFactory(program=world.program, order=1)
    session = SessionFactory(group=world.group, module=module, process_leader=None)
    AttendanceFactory(session=session, enrollment=world.person.enrollments.get())
    return {"org": world.org.slug, "session_id": session.pk}


def foreign_attended_session_kwargs(world):
    from programs.tests.factories import ModuleFactory, SessionFactory

    module = ModuleFactory(program=world.other_program, order=1)
    session = SessionFactory(group=world.other_group, module=module)
    return {"org": world.org.slug, "session_id": session.pk}


def module_kwargs(world):
    from programs.tests.factories import ModuleFactory

    return {**program_kwargs(world), "module_id": ModuleFactory(program=world.program, order=1).pk}


def foreign_module_kwargs(world):
    from programs.tests.factories import ModuleFactory

    module = ModuleFactory(program=world.other_program, order=1)
    return {**program_kwargs(world), "module_id": module.pk}


# --- Follow-up: check-ins, dashboard, status reports (issue 7) ---------------------------

HR_AND_STEERING = frozenset({Role.HR, Role.STEERING})


def check_in_kwargs(world):
    from programs.tests.factories import CheckInFactory

    return {"org": world.org.slug, "check_in_id": CheckInFactory(program=world.program).pk}


def foreign_check_in_kwargs(world):
    from programs.tests.factories import CheckInFactory

    check_in = CheckInFactory(program=world.other_program)
    return {"org": world.org.slug, "check_in_id": check_in.pk}


def report_kwargs(world):
    from reports.tests.factories import StatusReportFactory

    report = StatusReportFactory(program=world.program, number=1, ready=True)
    return {"org": world.org.slug, "report_id": report.pk}


def foreign_report_kwargs(world):
    from reports.tests.factories import StatusReportFactory

    report = StatusReportFactory(program=world.other_program, number=1, ready=True)
    return {"org": world.org.slug, "report_id": report.pk}


# --- The register extract (privacy.views) -----------------------------------------------


def _ready_extract(person):
    from django.utils import timezone

    from privacy.models import RegisterExtract

    return RegisterExtract.objects.create(
        organisation=person.organisation,
        person=person,
        status=RegisterExtract.Status.READY,
        pdf=b"%PDF-1.7",
        rendered_at=timezone.now(),
    )


def extract_pdf_kwargs(world):
    return {**person_kwargs(world), "extract_id": _ready_extract(world.person).pk}


def foreign_extract_pdf_kwargs(world):
    return {**foreign_person_kwargs(world), "extract_id": _ready_extract(world.other_person).pk}


def accessibility_report_kwargs(world):
    from statements.models import AccessibilityReport

    report = AccessibilityReport.objects.create(
        organisation=world.org, description="Fokus syns inte."
    )
    return {"org": world.org.slug, "pk": report.pk}


def foreign_accessibility_report_kwargs(world):
    from statements.models import AccessibilityReport

    report = AccessibilityReport.objects.create(
        organisation=world.outsider.memberships.get().organisation, description="Fokus syns inte."
    )
    return {"org": world.org.slug, "pk": report.pk}


def template_kwargs(world):
    """One of the organisation's own program templates (designs)."""
    from designs.services import template_from_program

    template = template_from_program(program=world.program, name="Vår mall", by=None)
    return {"org": world.org.slug, "template_id": template.pk}


def foreign_template_kwargs(world):
    from designs.services import template_from_program

    template = template_from_program(program=world.other_program, name="Deras mall", by=None)
    return {"org": world.org.slug, "template_id": template.pk}


MATRIX: dict[str, Row] = {
    "home": Row(kind="login", ok_status=302, notes="redirects to the role's start page"),
    "login": Row(kind="public"),
    "logout": Row(kind="public", method="post", ok_status=302),
    "set_language": Row(
        kind="public",
        method="post",
        ok_status=302,
        notes="the language button; a logged-in user's choice is kept on the login",
    ),
    "forgot_password": Row(kind="public"),
    "forgot_password_sent": Row(kind="public"),
    "activate": Row(
        kind="public",
        kwargs=lambda world: {"uidb64": "MA", "token": "not-a-token"},
        notes="an unknown link answers 200 with an explanation",
    ),
    "sign_in_organisations": Row(kind="public"),
    "oidc_callback": Row(
        kind="public", ok_status=302, notes="without a sign-in in progress: back to the login page"
    ),
    "organisation_login": Row(kind="public", kwargs=org_kwargs),
    "oidc_start": Row(
        kind="public",
        kwargs=org_kwargs,
        ok_status=404,
        notes="the world's organisation has no sign-in of its own (participants/tests/test_oidc)",
    ),
    "confirm_login": Row(
        kind="public",
        kwargs=lambda world: {"token": "not-a-token"},
        notes="an unknown link answers 200 with an explanation",
    ),
    "confirm_login_here": Row(
        kind="login",
        method="post",
        kwargs=lambda world: {"pk": "00000000-0000-0000-0000-000000000000"},
        ok_status=404,
        notes="only the holder's own pending confirmation exists (test_identity)",
    ),
    "statements:accessibility": Row(kind="public"),
    "statements:accessibility_statement": Row(kind="public", kwargs=org_kwargs),
    "statements:accessibility_report_sent": Row(kind="public", kwargs=org_kwargs),
    "statements:accessibility_edit": Row(allowed=HR_ONLY),
    "statements:accessibility_reports": Row(allowed=HR_ONLY),
    "statements:accessibility_report_handle": Row(
        allowed=HR_ONLY,
        kwargs=accessibility_report_kwargs,
        foreign_kwargs=foreign_accessibility_report_kwargs,
        method="post",
        ok_status=302,
        notes="marks the report handled; back to the list",
    ),
    "core:health": Row(kind="public"),
    "core:health_db": Row(kind="public"),
    "core:health_ready": Row(
        kind="public", notes="JSON for the load balancer; each check's state (test_readiness)"
    ),
    "core:favicon": Row(kind="public", ok_status=301, notes="redirects to the static icon"),
    "svc:organisation_home": Row(allowed=ALL_ROLES, ok_status=302),
    "svc:hr_start": Row(allowed=frozenset({Role.HR})),
    "svc:steering_start": Row(allowed=frozenset({Role.STEERING, Role.HR})),
    "svc:process_leader_start": Row(allowed=frozenset({Role.PROCESS_LEADER})),
    "svc:participant_start": Row(allowed=frozenset({Role.PARTICIPANT})),
    "svc:line_manager_start": Row(allowed=frozenset({Role.LINE_MANAGER})),
    "programs:program_list": Row(allowed=HR_ONLY),
    "participants:identity_provider": Row(allowed=HR_ONLY),
    "participants:access_log": Row(
        allowed=HR_ONLY,
        notes="another organisation's person in its filter is 404 (test_access_log_views)",
    ),
    "programs:program_overview": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:group_detail": Row(
        allowed=HR_ONLY, kwargs=group_kwargs, foreign_kwargs=foreign_group_kwargs
    ),
    "programs:person_list": Row(allowed=HR_ONLY),
    "programs:person_export": Row(allowed=HR_ONLY, notes="XLSX download"),
    "participants:person_create": Row(allowed=HR_ONLY),
    "programs:person_detail": Row(
        allowed=HR_ONLY, kwargs=person_kwargs, foreign_kwargs=foreign_person_kwargs
    ),
    "participants:person_edit": Row(
        allowed=HR_ONLY, kwargs=person_kwargs, foreign_kwargs=foreign_person_kwargs
    ),
    "privacy:erase": Row(
        allowed=HR_ONLY, kwargs=person_kwargs, foreign_kwargs=foreign_person_kwargs
    ),
    "participants:import_upload": Row(allowed=HR_ONLY),
    "participants:import_detail": Row(
        allowed=HR_ONLY, kwargs=import_kwargs, foreign_kwargs=foreign_import_kwargs
    ),
    "participants:import_confirm": Row(
        allowed=HR_ONLY,
        kwargs=import_kwargs,
        foreign_kwargs=foreign_import_kwargs,
        method="post",
        ok_status=302,
        notes="the world's import is already applied: a confirmation redirects back",
    ),
    # Sessions, attendance, invitations, calendars, exports.
    "programs:group_schedule": Row(
        allowed=HR_ONLY, kwargs=group_kwargs, foreign_kwargs=foreign_group_kwargs
    ),
    "programs:group_invitations": Row(
        allowed=HR_ONLY, kwargs=group_kwargs, foreign_kwargs=foreign_group_kwargs
    ),
    "programs:group_login_links": Row(
        allowed=HR_ONLY,
        kwargs=group_kwargs,
        foreign_kwargs=foreign_group_kwargs,
        method="post",
        ok_status=302,
        notes="queues login links, then redirects to the invitations page",
    ),
    "programs:group_calendar": Row(
        allowed=HR_AND_PROCESS_LEADER,
        kwargs=led_group_kwargs,
        foreign_kwargs=foreign_group_kwargs,
        notes=".ics download; a process leader only for a group they lead",
    ),
    "programs:group_export": Row(
        allowed=HR_ONLY,
        kwargs=group_kwargs,
        foreign_kwargs=foreign_group_kwargs,
        notes="XLSX download",
    ),
    "programs:group_progress": Row(
        allowed=HR_AND_PROCESS_LEADER,
        kwargs=led_group_kwargs,
        foreign_kwargs=foreign_group_kwargs,
        notes="a process leader only for a group they lead",
    ),
    "programs:session_attendance": Row(
        allowed=HR_AND_PROCESS_LEADER,
        kwargs=session_kwargs,
        foreign_kwargs=foreign_session_kwargs,
        notes="a process leader only for a session of a group they lead",
    ),
    "programs:session_month": Row(allowed=HR_ONLY),
    "programs:my_calendar": Row(allowed=frozenset({Role.PARTICIPANT}), notes=".ics download"),
    "programs:program_progress": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:round_export": Row(
        allowed=HR_ONLY,
        kwargs=round_kwargs,
        foreign_kwargs=foreign_round_kwargs,
        notes="XLSX download",
    ),
    "programs:round_makeups": Row(
        allowed=HR_ONLY,
        kwargs=round_kwargs,
        foreign_kwargs=foreign_round_kwargs,
        notes="who lacks which module; booking a make-up session (POST)",
    ),
    # Agreements.
    "programs:agreement_edit": Row(
        allowed=frozenset({Role.PARTICIPANT}),
        kwargs=agreement_stage_kwargs,
        foreign_kwargs=foreign_agreement_stage_kwargs,
        notes="the participant's own enrollment; another person's enrollment is 404",
    ),
    "programs:agreement_autosave": Row(
        allowed=frozenset({Role.PARTICIPANT}),
        kwargs=agreement_stage_kwargs,
        foreign_kwargs=foreign_agreement_stage_kwargs,
        method="post",
        notes="htmx autosave; an empty post answers 200 with a status line",
    ),
    "programs:agreement_detail": Row(
        allowed=AGREEMENT_PARTIES,
        kwargs=submitted_agreement_kwargs,
        foreign_kwargs=foreign_agreement_kwargs,
        notes="texts: only the participant and their reviewer; anyone else's agreement is 404",
    ),
    "programs:agreement_history": Row(
        allowed=AGREEMENT_PARTIES,
        kwargs=submitted_agreement_kwargs,
        foreign_kwargs=foreign_agreement_kwargs,
    ),
    "programs:agreement_review": Row(
        allowed=frozenset({Role.LINE_MANAGER}),
        kwargs=submitted_agreement_kwargs,
        foreign_kwargs=foreign_agreement_kwargs,
        method="post",
        notes="a post without a decision answers 200 with the error summary",
    ),
    "programs:agreement_reopen": Row(
        allowed=AGREEMENT_PARTIES,
        kwargs=agreed_agreement_kwargs,
        foreign_kwargs=foreign_agreement_kwargs,
        notes="GET is the confirmation page of an agreed agreement",
    ),
    "programs:program_agreements": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:agreement_fields": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:group_agreements": Row(
        allowed=HR_ONLY, kwargs=group_kwargs, foreign_kwargs=foreign_group_kwargs
    ),
    "programs:enrollment_reviewer": Row(
        allowed=HR_ONLY, kwargs=enrollment_kwargs, foreign_kwargs=foreign_enrollment_kwargs
    ),
    "programs:session_agreements": Row(allowed=frozenset({Role.PROCESS_LEADER})),
    # Evaluations.
    "evaluations:answer": Row(
        allowed=PARTICIPANT,
        kwargs=attended_session_kwargs,
        foreign_kwargs=foreign_attended_session_kwargs,
        notes="the form while open; not attended or closed explains why (200)",
    ),
    "evaluations:thanks": Row(
        allowed=PARTICIPANT,
        kwargs=attended_session_kwargs,
        foreign_kwargs=foreign_attended_session_kwargs,
    ),
    "evaluations:my_evaluations": Row(allowed=PARTICIPANT),
    "evaluations:missing": Row(
        allowed=frozenset({Role.PROCESS_LEADER}),
        kwargs=missing_kwargs,
        foreign_kwargs=foreign_missing_kwargs,
        notes="names only, never answers; 403 unless the organisation turned it on "
        "(evaluations/tests/test_missing.py)",
    ),
    "evaluations:missing_setting": Row(allowed=HR_ONLY),
    "evaluations:results": Row(
        allowed=RESULTS,
        kwargs=program_kwargs,
        foreign_kwargs=foreign_program_kwargs,
        notes="process leaders see only their own groups",
    ),
    "evaluations:results_export": Row(
        allowed=EXPORT, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs, notes="XLSX"
    ),
    "evaluations:comments": Row(
        allowed=RESULTS, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "evaluations:effects": Row(
        allowed=RESULTS, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "evaluations:review": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "evaluations:forms": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "evaluations:form_edit": Row(
        allowed=HR_ONLY, kwargs=module_kwargs, foreign_kwargs=foreign_module_kwargs
    ),
    # Rounds, composition, intake, moves.
    "programs:round_create": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:round_pool": Row(
        allowed=HR_ONLY, kwargs=round_kwargs, foreign_kwargs=foreign_round_kwargs
    ),
    "programs:round_proposal": Row(
        allowed=HR_ONLY,
        kwargs=round_kwargs,
        foreign_kwargs=foreign_round_kwargs,
        notes="no proposal in the session: the empty state",
    ),
    "programs:intake": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:intake_add": Row(
        allowed=HR_ONLY,
        kwargs=program_kwargs,
        foreign_kwargs=foreign_program_kwargs,
        method="post",
        ok_status=302,
        notes="an empty form redirects back with a message",
    ),
    "programs:group_move": Row(
        allowed=HR_ONLY, kwargs=group_kwargs, foreign_kwargs=foreign_group_kwargs
    ),
    # Editing the program, its modules and a group's process leaders (issue 13).
    "programs:program_create": Row(allowed=HR_ONLY),
    "programs:program_edit": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:module_list": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:module_create": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "programs:module_edit": Row(
        allowed=HR_ONLY, kwargs=module_kwargs, foreign_kwargs=foreign_module_kwargs
    ),
    "programs:module_delete": Row(
        allowed=HR_ONLY,
        kwargs=module_kwargs,
        foreign_kwargs=foreign_module_kwargs,
        notes="GET is the confirmation page",
    ),
    "programs:module_move": Row(
        allowed=HR_ONLY,
        kwargs=module_kwargs,
        foreign_kwargs=foreign_module_kwargs,
        method="post",
        ok_status=302,
        notes="the buttons of the modules page; an empty post changes nothing",
    ),
    "programs:group_process_leaders": Row(
        allowed=HR_ONLY, kwargs=group_kwargs, foreign_kwargs=foreign_group_kwargs
    ),
    # Follow-up: check-ins, dashboard, status reports.
    "reports:program_index": Row(allowed=HR_AND_STEERING),
    "reports:check_in_list": Row(
        allowed=HR_AND_STEERING, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "reports:check_in_create": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "reports:check_in_detail": Row(
        allowed=HR_AND_STEERING, kwargs=check_in_kwargs, foreign_kwargs=foreign_check_in_kwargs
    ),
    "reports:dashboard": Row(
        allowed=HR_AND_STEERING, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "reports:report_list": Row(
        allowed=HR_AND_STEERING, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "reports:report_create": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "reports:report_detail": Row(
        allowed=HR_AND_STEERING, kwargs=report_kwargs, foreign_kwargs=foreign_report_kwargs
    ),
    "reports:report_status": Row(
        allowed=HR_AND_STEERING,
        kwargs=report_kwargs,
        foreign_kwargs=foreign_report_kwargs,
        notes="htmx partial",
    ),
    "reports:report_generate": Row(
        allowed=HR_AND_STEERING,
        kwargs=report_kwargs,
        foreign_kwargs=foreign_report_kwargs,
        method="post",
        ok_status=302,
        notes="a ready report is left alone",
    ),
    "reports:report_download": Row(
        allowed=HR_AND_STEERING,
        kwargs=report_kwargs,
        foreign_kwargs=foreign_report_kwargs,
        notes="PDF from private storage",
    ),
    # The comparison between organisations (reports.comparison).
    "reports:comparison_settings": Row(allowed=HR_ONLY),
    "reports:comparison": Row(
        allowed=HR_AND_STEERING,
        kwargs=program_kwargs,
        foreign_kwargs=foreign_program_kwargs,
        notes="the organisation does not take part: the page says so",
    ),
    "privacy:extract": Row(
        allowed=HR_ONLY, kwargs=person_kwargs, foreign_kwargs=foreign_person_kwargs
    ),
    "privacy:extract_json": Row(
        allowed=HR_ONLY,
        kwargs=person_kwargs,
        foreign_kwargs=foreign_person_kwargs,
        notes="JSON download",
    ),
    "privacy:extract_pdf_create": Row(
        allowed=HR_ONLY,
        kwargs=person_kwargs,
        foreign_kwargs=foreign_person_kwargs,
        method="post",
        ok_status=302,
    ),
    "privacy:extract_pdf_status": Row(
        allowed=HR_ONLY,
        kwargs=extract_pdf_kwargs,
        foreign_kwargs=foreign_extract_pdf_kwargs,
        notes="htmx partial",
    ),
    "privacy:extract_pdf": Row(
        allowed=HR_ONLY,
        kwargs=extract_pdf_kwargs,
        foreign_kwargs=foreign_extract_pdf_kwargs,
        notes="PDF download",
    ),
    # Data protection: the privacy notice and the records of processing (issue 16).
    "statements:privacy_index": Row(kind="public", notes="links each organisation's notice"),
    "statements:privacy_notice": Row(
        kind="public", kwargs=org_kwargs, notes="read before signing in (GDPR art. 13)"
    ),
    "statements:processing_record": Row(
        kind="public",
        kwargs=org_kwargs,
        notes="a public body's records of processing (art. 30) are public documents",
    ),
    "statements:privacy_edit": Row(allowed=HR_ONLY),
    # Retention (retention.views): the organisation's own rules, run and log; no object ids.
    "retention:rules": Row(allowed=HR_ONLY),
    "retention:rule_edit": Row(
        allowed=HR_ONLY,
        kwargs=lambda world: {"org": world.org.slug, "kind": "agreements"},
        # No object of another organisation: a kind of the platform is not the organisation's.
        foreign_kwargs=lambda world: {"org": world.org.slug, "kind": "sessions"},
        notes="a kind of the platform (outbox, sessions, login records) has no page: 404",
    ),
    "retention:dry_run": Row(allowed=HR_ONLY),
    "retention:apply": Row(allowed=HR_ONLY, notes="the confirmation; its POST runs the rules"),
    "retention:log": Row(allowed=HR_ONLY),
    # The platform operator's console (issue 18): outside every organisation.
    "console:home": Row(kind="operator", notes="every organisation's programs, in aggregate"),
    "console:organisation_create": Row(kind="operator"),
    "console:organisation_detail": Row(
        kind="operator",
        kwargs=lambda world: {"slug": world.org.slug},
        notes="an unknown short name is 404 (console/tests/test_overview.py)",
    ),
    # Program templates (designs, issue 18): the built-in ones and the organisation's own.
    "designs:template_list": Row(allowed=HR_ONLY),
    "designs:template_detail": Row(
        allowed=HR_ONLY, kwargs=template_kwargs, foreign_kwargs=foreign_template_kwargs
    ),
    "designs:template_create": Row(
        allowed=HR_ONLY, kwargs=program_kwargs, foreign_kwargs=foreign_program_kwargs
    ),
    "designs:program_start": Row(allowed=HR_ONLY, notes="a form: template, name, first day"),
    "console:program_start": Row(
        kind="operator",
        kwargs=lambda world: {"slug": world.org.slug},
        notes="starts a program from a template in the organisation",
    ),
    # A consultant's sessions across every organisation they work for (programs.consultant).
    "programs:consultant_sessions": Row(
        kind="login",
        login_role=Role.PROCESS_LEADER,
        kwargs=consultant_kwargs,
        notes="outside any organisation; a login that is not a consultant's: 403",
    ),
    "programs:consultant_feed_manage": Row(
        kind="login",
        login_role=Role.PROCESS_LEADER,
        kwargs=consultant_kwargs,
        notes="make, revoke or replace the calendar address; a non-consultant: 403",
    ),
    "programs:consultant_feed": Row(
        kind="public",
        kwargs=lambda world: {"token": "not-a-token"},
        ok_status=404,
        notes="the token is the credential: a live one answers 200, a revoked or unknown one "
        "404 (programs/tests/test_consultant_feed.py)",
    ),
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            child_ns = f"{namespace}{ns}:" if ns else namespace
            yield from _walk(entry.url_patterns, child_ns)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                yield f"{namespace}<unnamed {entry.pattern}>"
            else:
                yield f"{namespace}{entry.name}"


def project_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def _walk_params(patterns, namespace="", params=frozenset()):
    for entry in patterns:
        here = params | set(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk_params(entry.url_patterns, child_ns, here)
        elif entry.name is not None:
            yield f"{namespace}{entry.name}", here


def project_url_params() -> dict[str, set[str]]:
    """URL name -> the names of the arguments its route takes."""
    return dict(_walk_params(get_resolver().url_patterns))


def test_every_url_pattern_has_a_matrix_row():
    missing = sorted(project_url_names() - MATRIX.keys())
    assert missing == [], f"URL patterns without a row in the access matrix: {missing}"


def test_every_matrix_row_names_a_url_pattern():
    stale = sorted(MATRIX.keys() - project_url_names())
    assert stale == [], f"Matrix rows for URL patterns that no longer exist: {stale}"


@dataclass
class World:
    org: object
    users: dict  # Role -> user in org
    outsider: object
    program: object  # in org
    group: object  # in org, with the participant enrolled
    other_program: object  # in the outsider's organisation
    other_group: object
    person: object  # the participant's Person in org
    other_person: object  # a Person in the outsider's organisation
    manager_import: object  # an applied import in org
    other_import: object
    operator: object = None  # a platform operator's login, member of no organisation


@pytest.fixture
def world(org, other_org, hr_user, steering_user, process_leader_user, outsider):
    group = GroupFactory(round__program=ProgramFactory(organisation=org))
    other_group = GroupFactory(round__program=ProgramFactory(organisation=other_org))

    # Derived roles: a line manager (not enrolled) and their direct report (enrolled).
    line_manager_user = UserFactory(email="chef@orebro.test")
    line_manager = PersonFactory(organisation=org, user=line_manager_user)
    participant_user = UserFactory(email="deltagare@orebro.test")
    participant = PersonFactory(organisation=org, user=participant_user, line_manager=line_manager)
    EnrollmentFactory(person=participant, group=group)

    return World(
        org=org,
        users={
            Role.HR: hr_user,
            Role.STEERING: steering_user,
            Role.PROCESS_LEADER: process_leader_user,
            Role.PARTICIPANT: participant_user,
            Role.LINE_MANAGER: line_manager_user,
        },
        outsider=outsider,
        program=group.round.program,
        group=group,
        other_program=other_group.round.program,
        other_group=other_group,
        person=participant,
        other_person=PersonFactory(organisation=other_org),
        manager_import=ManagerImport.objects.create(
            organisation=org, filename="chefer.csv", status=ManagerImport.Status.APPLIED
        ),
        other_import=ManagerImport.objects.create(
            organisation=other_org, filename="chefer.csv", status=ManagerImport.Status.APPLIED
        ),
        operator=PlatformOperator.objects.create(
            user=UserFactory(email="drift@konsultbolaget.test")
        ).user,
    )


def login_of(world, role):
    """The world's login for a role of the matrix, or for the platform operator."""
    return world.operator if role == OPERATOR else world.users[role]


def test_world_users_hold_exactly_their_role(world):
    """Each matrix user has one role, so a 200 or 403 is about that role alone."""
    held = {role: roles_in(user=user, organisation=world.org) for role, user in world.users.items()}

    assert held == {role: {role} for role in MATRIX_ROLES}


def _request(client, name, row, world):
    kwargs = (row.kwargs or (org_kwargs if row.kind == "org" else lambda _world: {}))(world)
    url = reverse(name, kwargs=kwargs)
    return url, getattr(client, row.method)(url)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(client, world, name):
    row = MATRIX[name]
    _, response = _request(client, name, row, world)
    if row.kind == "public":
        assert response.status_code == row.ok_status
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.kind == "org"))
def test_another_organisations_user_gets_404(client, world, name):
    client.force_login(world.outsider)
    _, response = _request(client, name, MATRIX[name], world)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "role"),
    sorted((n, role) for n, r in MATRIX.items() if r.kind == "org" for role in MATRIX_ROLES),
)
def test_each_role_gets_200_or_403(client, world, name, role):
    row = MATRIX[name]
    client.force_login(world.users[role])
    _, response = _request(client, name, row, world)
    expected = row.ok_status if role in row.allowed else 403
    assert response.status_code == expected


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.foreign_kwargs))
def test_object_of_another_organisation_gets_404(client, world, name):
    """An allowed user of our organisation asks for another organisation's object by id."""
    row = MATRIX[name]
    role = next(role for role in MATRIX_ROLES if role in row.allowed)
    client.force_login(world.users[role])

    response = getattr(client, row.method)(reverse(name, kwargs=row.foreign_kwargs(world)))

    assert response.status_code == 404


def test_every_object_page_is_tried_with_another_organisations_object():
    """A URL with an object id besides the organisation needs ``foreign_kwargs``."""
    missing = sorted(
        name
        for name, params in project_url_params().items()
        if name in MATRIX
        and MATRIX[name].kind == "org"
        and params - {"org"}
        and MATRIX[name].foreign_kwargs is None
    )
    assert missing == [], f"Object pages without a row for another organisation's object: {missing}"


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.kind == "org"))
def test_the_operator_gets_404_on_every_organisation_page(client, world, name):
    """Not a member: the organisation's pages, its agreements and its answers are 404."""
    client.force_login(world.operator)
    _, response = _request(client, name, MATRIX[name], world)
    assert response.status_code == 404


OPERATOR_ROWS = sorted(n for n, r in MATRIX.items() if r.kind == "operator")


@pytest.mark.parametrize(
    ("name", "role"), [(n, role) for n in OPERATOR_ROWS for role in (*MATRIX_ROLES, "outsider")]
)
def test_every_organisation_role_gets_403_on_the_console(client, world, name, role):
    client.force_login(world.outsider if role == "outsider" else world.users[role])
    _, response = _request(client, name, MATRIX[name], world)
    assert response.status_code == 403


@pytest.mark.parametrize("name", OPERATOR_ROWS)
def test_the_operator_opens_the_console(client, world, name):
    row = MATRIX[name]
    client.force_login(world.operator)
    _, response = _request(client, name, row, world)
    assert response.status_code == row.ok_status


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.kind == "login"))
def test_logged_in_pages_answer_any_member(client, world, name):
    row = MATRIX[name]
    client.force_login(world.users[row.login_role or Role.HR])
    _, response = _request(client, name, row, world)
    assert response.status_code == row.ok_status


@pytest.mark.parametrize(
    ("name", "role"),
    sorted(
        (n, role)
        for n, r in MATRIX.items()
        if r.kind == "login" and r.login_role
        for role in MATRIX_ROLES
        if role != r.login_role
    ),
)
def test_logged_in_pages_of_one_kind_of_login_refuse_the_others(client, world, name, role):
    row = MATRIX[name]
    client.force_login(world.users[role])
    _, response = _request(client, name, row, world)
    assert response.status_code == 403


def test_steering_group_reaches_no_agreement_text_or_individual_answer():
    """Aggregates only: no row that shows texts or answers lets the steering group in."""
    personal = [
        name
        for name in MATRIX
        if name.startswith("programs:agreement_")
        or name in {"programs:group_agreements", "programs:session_agreements"}
        or name
        in {"evaluations:answer", "evaluations:thanks", "evaluations:review", "evaluations:missing"}
    ]

    assert len(personal) == 13
    assert [name for name in personal if Role.STEERING in MATRIX[name].allowed] == []
