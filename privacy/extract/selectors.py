"""The register extract (GDPR art. 15): everything one organisation holds about one person.

``person_extract`` builds one JSON-serialisable dict, versioned by its ``format``;
the HTML page, the PDF, the JSON download and ``manage.py export_person_data`` all
show that dict. Which stored models it reads is declared in ``registry.COVERED``.
Its query count does not grow with the data (a test says so).
"""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import Completion
from participants.models import (
    LoginConfirmation,
    LoginLinkRequest,
    Membership,
    Organisation,
    Person,
    PersonalDataAccess,
    Role,
)
from participants.selectors import people_in
from programs.agreements.rules import DEFAULT_FIELDS
from programs.models import (
    Agreement,
    AgreementField,
    AgreementReminder,
    Attendance,
    Enrollment,
    MakeUpBooking,
    ReviewerChange,
    SessionReminder,
)
from programs.people import department_tree, forvaltning_and_unit

from ..models import RegisterExtract
from .activity import actions, imports, sessions, sign_ins
from .common import Who, iso
from .emails import emails_to, reviewed_agreement_ids

FORMAT = "svc-registerutdrag/1"

# simple_history's reasons for an agreement version (programs.agreements.services).
_REASONS = {
    "draft": gettext_lazy("Draft saved"),
    "autosave": gettext_lazy("Draft saved"),
    "submitted": gettext_lazy("Sent for review"),
    "agreed": gettext_lazy("Agreed"),
    "returned": gettext_lazy("Sent back"),
    "reopened": gettext_lazy("Reopened"),
}
_HISTORY_TYPES = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


def _not_included() -> list[str]:
    return [
        _(
            "Answers to the module evaluations cannot be linked to a person, so they are not "
            "in this extract. The only thing stored about you is whether you answered a "
            "module's evaluation, never what you answered."
        ),
        _(
            "The e-mails themselves are not stored. For each e-mail the extract shows what "
            "kind of message it was, to whom, and whether and when it was sent."
        ),
        _(
            "Reminders about evaluations are counted per session, not stored per person. "
            "Effect entries are stored without who wrote them."
        ),
        _(
            "Other people's names are left out, except your line manager and your reviewers, "
            "who write in your agreements. Others are named by their role."
        ),
    ]


def _question_labels(program_ids: set[int]) -> dict[int, dict[str, str]]:
    """Per program, each agreement question's key → its wording (the program's, or default)."""
    labels: dict[int, dict[str, str]] = {pk: {} for pk in program_ids}
    for field in AgreementField.objects.filter(program_id__in=program_ids):
        labels[field.program_id][field.key] = field.label
    defaults = {q.key: str(q.label) for q in DEFAULT_FIELDS}
    return {pk: own or defaults for pk, own in labels.items()}


def _texts(texts: dict, labels: dict[str, str]) -> list[dict]:
    return [
        {"question": labels.get(key, key), "key": key, "answer": answer}
        for key, answer in texts.items()
    ]


def _session(session) -> dict:
    return {
        "module": str(session.module),
        "group": str(session.group),
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "venue": session.venue,
    }


def _by_enrollment(rows, key="enrollment_id") -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _person(person: Person, organisation: Organisation) -> dict:
    forvaltning, unit = forvaltning_and_unit(department_tree(organisation=organisation), person)
    return {
        "employee_number": person.employee_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "forvaltning": forvaltning,
        "unit": unit,
        "level": person.level,
        "level_label": str(person.get_level_display()),
        "line_manager": person.line_manager.full_name if person.line_manager_id else None,
        "manager_since": iso(person.manager_since),
        "active": person.active,
        "direct_reports": person.direct_reports.count(),
    }


def _login(person: Person, organisation: Organisation, *, enrolled: bool, reports: int):
    user = person.user
    if user is None:
        return None
    roles = [
        str(Role(m.role).label)
        for m in Membership.objects.filter(user=user, organisation=organisation).order_by("role")
    ]
    roles += [str(Role.PARTICIPANT.label)] if enrolled else []
    roles += [str(Role.LINE_MANAGER.label)] if reports else []
    return {
        "email": user.email,
        "name": user.full_name,
        "language": user.language,
        "language_label": str(dict(settings.LANGUAGES).get(user.language, "")),
        "active": user.is_active,
        "created_at": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "roles": roles,
    }


def _enrollments(person, enrollments, who: Who) -> tuple[list[dict], dict]:
    """Each place in a program with everything kept about it; and the ids other parts need."""
    ids = {e.pk for e in enrollments}
    attendance = _by_enrollment(
        Attendance.objects.filter(enrollment_id__in=ids)
        .select_related("session__module", "session__group")
        .order_by("session__starts_at")
    )
    bookings = list(
        MakeUpBooking.objects.filter(enrollment_id__in=ids).select_related(
            "session__module", "session__group"
        )
    )
    completions = _by_enrollment(
        Completion.objects.filter(enrollment_id__in=ids)
        .select_related("session__module", "session__group")
        .order_by("session__starts_at")
    )
    session_reminders = _by_enrollment(
        SessionReminder.objects.filter(enrollment_id__in=ids)
        .select_related("session__module", "session__group")
        .order_by("created_at")
    )
    agreement_reminders = _by_enrollment(
        AgreementReminder.objects.filter(enrollment_id__in=ids)
        .select_related("session__module")
        .order_by("created_at")
    )
    changes = _by_enrollment(
        ReviewerChange.objects.filter(enrollment_id__in=ids).select_related("reviewer")
    )
    agreements = list(Agreement.objects.filter(enrollment_id__in=ids).order_by("stage"))
    history = _by_enrollment(
        Agreement.history.filter(enrollment_id__in=ids).order_by("history_date", "history_id"),
        key="id",
    )
    labels = _question_labels({e.program_id for e in enrollments})
    by_enrollment_agreements = _by_enrollment(agreements)
    by_enrollment_bookings = _by_enrollment(bookings)
    result = []
    for enrollment in enrollments:
        own_labels = labels[enrollment.program_id]
        result.append(
            {
                "program": enrollment.program.name,
                "round": enrollment.group.round.number,
                "group": str(enrollment.group),
                "status": enrollment.status,
                "status_label": str(enrollment.get_status_display()),
                "enrolled_at": iso(enrollment.created_at),
                "moved_from_group": (
                    str(enrollment.moved_from.group) if enrollment.moved_from_id else None
                ),
                "reviewer": enrollment.reviewer.full_name if enrollment.reviewer_id else None,
                "attendance": [
                    {
                        **_session(a.session),
                        "status": a.status,
                        "status_label": str(a.get_status_display()),
                    }
                    for a in attendance.get(enrollment.pk, [])
                ],
                "make_up_bookings": [
                    {
                        **_session(b.session),
                        "booked_at": iso(b.created_at),
                        "booked_by": who.role(b.booked_by_id),
                    }
                    for b in by_enrollment_bookings.get(enrollment.pk, [])
                ],
                "evaluations_answered": [
                    _session(c.session) for c in completions.get(enrollment.pk, [])
                ],
                "session_reminders": [
                    {**_session(r.session), "queued_at": iso(r.created_at)}
                    for r in session_reminders.get(enrollment.pk, [])
                ],
                "agreement_reminders": [
                    {
                        "stage": r.stage,
                        "stage_label": str(r.get_stage_display()),
                        "module": str(r.session.module),
                        "created_at": iso(r.created_at),
                        "sent_at": iso(r.sent_at),
                    }
                    for r in agreement_reminders.get(enrollment.pk, [])
                ],
                "reviewer_changes": [
                    {
                        "changed_at": iso(c.changed_at),
                        "reviewer": c.reviewer.full_name if c.reviewer_id else None,
                        "reason": c.reason,
                        # Who changed it is reduced to a role: HR, never named.
                        "changed_by": who.role(c.changed_by_id),
                    }
                    for c in changes.get(enrollment.pk, [])
                ],
                "agreements": [
                    _agreement(a, history.get(a.pk, []), own_labels, who)
                    for a in by_enrollment_agreements.get(enrollment.pk, [])
                ],
            }
        )
    return result, {
        "agreement_ids": {a.pk for a in agreements},
        "reminder_ids": {r.pk for rows in agreement_reminders.values() for r in rows},
        "booking_ids": {b.pk for b in bookings},
    }


def _agreement(agreement: Agreement, versions, labels, who: Who) -> dict:
    return {
        "stage": agreement.stage,
        "stage_label": str(agreement.get_stage_display()),
        "status": agreement.status,
        "status_label": str(agreement.get_status_display()),
        "texts": _texts(agreement.texts, labels),
        "return_comment": agreement.return_comment,
        "submitted_at": iso(agreement.submitted_at),
        "agreed_at": iso(agreement.agreed_at),
        "agreed_by": who.writer(agreement.agreed_by_id) if agreement.agreed_by_id else None,
        "updated_at": iso(agreement.updated_at),
        "history": [
            {
                "at": iso(v.history_date),
                "change": str(_HISTORY_TYPES.get(v.history_type, v.history_type)),
                "reason": str(_REASONS.get(v.history_change_reason or "", "")),
                "by": who.writer(v.history_user_id),
                "status": v.status,
                "status_label": str(Agreement.Status(v.status).label),
                "texts": _texts(v.texts, labels),
                "return_comment": v.return_comment,
            }
            for v in versions
        ],
    }


def person_extract(*, organisation: Organisation, person: Person) -> dict:
    """Everything ``organisation`` holds about ``person``, as one JSON-serialisable dict.

    Labels are in the site's language (Swedish). Raises ValueError for a person of
    another organisation.
    """
    if person.organisation_id != organisation.pk:
        raise ValueError("The person belongs to another organisation.")
    with translation.override(settings.LANGUAGE_CODE):
        return _build(organisation, person)


def _build(organisation: Organisation, person: Person) -> dict:
    person = Person.objects.select_related("line_manager", "department", "user").get(pk=person.pk)
    enrollments = list(
        Enrollment.objects.filter(person=person, program__organisation=organisation)
        .select_related("program", "group__round", "moved_from__group", "reviewer")
        .order_by("created_at", "pk")
    )
    reviewers = [e.reviewer for e in enrollments if e.reviewer_id]
    reviewers += [
        c.reviewer
        for c in ReviewerChange.objects.filter(
            enrollment__in=enrollments, reviewer__isnull=False
        ).select_related("reviewer")
    ]
    hr_user_ids = set(
        Membership.objects.filter(organisation=organisation, role=Role.HR).values_list(
            "user_id", flat=True
        )
    )
    who = Who(
        person=person, named_people=[person.line_manager, *reviewers], hr_user_ids=hr_user_ids
    )
    details = _person(person, organisation)
    programs, ids = _enrollments(person, enrollments, who)
    user = person.user
    addresses = {a.lower() for a in (person.email, user.email if user else "") if a}
    # Changes to the login asked for by this organisation: for this record, or (a new
    # address) for the login itself.
    mine = Q(person=person)
    if user is not None:
        mine |= Q(user=user, person__isnull=True)
    confirmations = list(
        LoginConfirmation.objects.filter(mine, organisation=organisation).order_by("created_at")
    )
    emails, as_reviewer = emails_to(
        user_id=person.user_id,
        addresses=addresses,
        enrollment_ids={e.pk for e in enrollments},
        group_ids={e.group_id for e in enrollments},
        agreement_ids=ids["agreement_ids"],
        reminder_ids=ids["reminder_ids"],
        booking_ids=ids["booking_ids"],
        confirmation_ids={str(c.pk) for c in confirmations},
        reviewed_agreement_ids=reviewed_agreement_ids(person=person, organisation=organisation),
    )
    return {
        "format": FORMAT,
        "generated_at": iso(timezone.now()),
        "organisation": {"name": organisation.name, "slug": organisation.slug},
        "person": details,
        "login": _login(
            person, organisation, enrolled=bool(enrollments), reports=details["direct_reports"]
        ),
        "enrollments": programs,
        "login_confirmations": [
            {
                "kind": c.kind,
                "kind_label": str(c.get_kind_display()),
                "state": c.state,
                "state_label": str(c.get_state_display()),
                "new_email": c.new_email,
                "created_at": iso(c.created_at),
                "decided_at": iso(c.decided_at),
            }
            for c in confirmations
        ],
        "login_link_requests": [
            iso(at)
            for at in LoginLinkRequest.objects.filter(user_id=person.user_id)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        ]
        if user
        else [],
        "emails": emails,
        "emails_as_reviewer": as_reviewer,
        "sign_ins": sign_ins(addresses),
        "sessions": sessions(person.user_id),
        "imports": imports(person, organisation, who),
        "actions": actions(person, organisation),
        "access_log": [
            {
                "at": iso(row.at),
                "action": row.action,
                "action_label": str(row.get_action_display()),
                "what": row.what,
                "by": who.role(row.actor_id),
            }
            for row in PersonalDataAccess.objects.filter(
                organisation=organisation, subject=person
            ).order_by("at", "pk")
        ],
        "register_extracts": [
            {
                "asked_at": iso(row.created_at),
                "status": row.status,
                "status_label": str(row.get_status_display()),
                "asked_by": who.role(row.requested_by_id),
            }
            for row in RegisterExtract.objects.filter(organisation=organisation, person=person)
            .only("created_at", "status", "requested_by_id")
            .order_by("created_at", "pk")
        ],
        "not_included": _not_included(),
    }


def extract_person_or_404(*, organisation: Organisation, pk: int) -> Person:
    """A person of the organisation, else 404 (another organisation's person too)."""
    return get_object_or_404(people_in(organisation=organisation), pk=pk)


def latest_pdf(*, organisation: Organisation, person: Person) -> RegisterExtract | None:
    """The newest PDF asked for the person, without its bytes."""
    return (
        RegisterExtract.objects.filter(organisation=organisation, person=person)
        .defer("pdf")
        .first()
    )


def pdf_or_404(*, organisation: Organisation, person: Person, extract_id: int) -> RegisterExtract:
    return get_object_or_404(
        RegisterExtract.objects.filter(organisation=organisation, person=person).select_related(
            "person"
        ),
        pk=extract_id,
    )
