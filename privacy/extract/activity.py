"""The extract's parts about the login and what the person did: sign-ins, sessions,
imports that named them, and their actions on others' records (counts only)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session as LoginSession
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import ManagerImport, Organisation, Person, PersonalDataAccess
from participants.selectors import imports_naming
from programs.models import (
    Agreement,
    CheckIn,
    Group,
    InvitationRequest,
    MakeUpBooking,
    Module,
    Program,
    ReviewerChange,
)
from reports.models import StatusReport

from .common import Who, iso


def sign_ins(addresses: set[str]) -> dict:
    """django-axes' records of the login's address: sign-ins, failures, lockouts.

    The request's GET and POST data that axes keeps with a failed attempt are left out.
    """

    def base(row):
        return {
            "at": iso(row.attempt_time),
            "ip_address": row.ip_address,
            "user_agent": row.user_agent,
            "path": row.path_info,
        }

    names = sorted(addresses)
    return {
        "logins": [
            {**base(r), "logout_at": iso(r.logout_time)}
            for r in AccessLog.objects.filter(username__in=names).order_by("attempt_time")
        ],
        "failures": [
            {**base(r), "locked_out": r.locked_out}
            for r in AccessFailureLog.objects.filter(username__in=names).order_by("attempt_time")
        ],
        "lockout_counters": [
            {**base(r), "failures": r.failures_since_start}
            for r in AccessAttempt.objects.filter(username__in=names).order_by("attempt_time")
        ],
    }


def sessions(user_id: int | None) -> dict:
    """The login's sessions that have not expired: how many, and until when; never a key."""
    if user_id is None:
        return {"active": 0, "expires_at": []}
    expiries = sorted(
        session.expire_date
        for session in LoginSession.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    )
    return {"active": len(expiries), "expires_at": [iso(e) for e in expiries]}


def imports(person: Person, organisation: Organisation, who: Who) -> list[dict]:
    """The imports from the HR system whose stored summary names the person's row.

    The summary keeps each created and updated row as [row, employee number, name,
    (fields)]; the extract shows only the person's own row.
    """
    number = person.employee_number
    rows = []
    for record in imports_naming(organisation_id=organisation.pk, employee_number=number):
        for change in ("created", "updated"):
            for line in record.summary.get(change, []):
                if len(line) > 1 and line[1] == number:
                    rows.append(
                        {
                            "file": record.filename,
                            "uploaded_at": iso(record.created_at),
                            "uploaded_by": who.role(record.uploaded_by_id),
                            "status": record.status,
                            "status_label": str(record.get_status_display()),
                            "applied_at": iso(record.applied_at),
                            "row": line[0],
                            "change": change,
                            "fields": line[3] if change == "updated" and len(line) > 3 else "",
                        }
                    )
    return rows


def actions(person: Person, organisation: Organisation) -> list[dict]:
    """What the person did with their login on others' records: counted, never shown."""
    user_id = person.user_id
    if user_id is None:
        return []
    own = Q(enrollment__person=person)
    in_org = Q(enrollment__program__organisation=organisation)
    counts = [
        (
            _("Agreements of others agreed as line manager or reviewer"),
            Agreement.objects.filter(in_org, agreed_by_id=user_id).exclude(own).count(),
        ),
        (
            _("Changes to others' agreements"),
            Agreement.history.filter(in_org, history_user_id=user_id).exclude(own).count(),
        ),
        (
            _("Reviewer changes made"),
            ReviewerChange.objects.filter(in_org, changed_by_id=user_id).count(),
        ),
        (
            _("Make-up sessions booked for others"),
            MakeUpBooking.objects.filter(in_org, booked_by_id=user_id).exclude(own).count(),
        ),
        (
            _("Invitations sent to groups"),
            InvitationRequest.objects.filter(
                group__round__program__organisation=organisation, requested_by_id=user_id
            ).count(),
        ),
        (
            _("Check-ins as project leader"),
            CheckIn.objects.filter(
                program__organisation=organisation, project_leader_id=user_id
            ).count(),
        ),
        (
            _("Status reports written"),
            StatusReport.objects.filter(
                program__organisation=organisation, created_by_id=user_id
            ).count(),
        ),
        (
            _("Imports from the HR system"),
            ManagerImport.objects.filter(organisation=organisation, uploaded_by_id=user_id).count(),
        ),
        (
            _("Changes to the program, its modules and groups"),
            program_changes(organisation, user_id),
        ),
        (
            _("Personal data of others opened or exported"),
            PersonalDataAccess.objects.filter(organisation=organisation, actor_id=user_id)
            .exclude(subject=person)
            .count(),
        ),
    ]
    return [{"what": what, "count": count} for what, count in counts if count]


def program_changes(organisation: Organisation, user_id: int) -> int:
    return (
        Program.history.filter(organisation=organisation, history_user_id=user_id).count()
        + Module.history.filter(program__organisation=organisation, history_user_id=user_id).count()
        + Group.history.filter(
            round__program__organisation=organisation, history_user_id=user_id
        ).count()
    )
