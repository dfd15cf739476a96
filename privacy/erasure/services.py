"""Erasing a person (GDPR art. 17): pseudonymise what identifies them, keep what figures count."""

import secrets
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as StoredSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.models import OutboxTask
from participants.access_log import access_log_record
from participants.accounts import (
    SEND_CONFIRMATION,
    SEND_LOGIN_LINK,
    SEND_LOGIN_LINK_TO_ADDRESS,
    normalise_email,
)
from participants.models import (
    LoginConfirmation,
    LoginLinkRequest,
    ManagerImport,
    Membership,
    Person,
    PersonalDataAccess,
    User,
)
from participants.selectors import imports_naming
from programs.makeups.services import SEND_MAKE_UP
from programs.models import (
    Agreement,
    AgreementReminder,
    Enrollment,
    MakeUpBooking,
    ReviewerChange,
)
from programs.scheduling import SEND_REMINDER

from ..models import RegisterExtract
from .rules import erased_email, erased_name, erasure_refusals, is_erased, login_kept

SEND_AGREEMENT_MAIL = "programs.send_agreement_mail"
SEND_AGREEMENT_REMINDER = "programs.send_agreement_reminder"


class Login:
    """What happened to the person's login."""

    NONE = "none"  # the record had no login
    PSEUDONYMISED = "pseudonymised"  # held nothing else: deactivated and pseudonymised
    UNLINKED = "unlinked"  # held elsewhere: only unlinked, this organisation's roles ended


@dataclass(frozen=True)
class ErasureResult:
    person: Person
    login: str
    already_erased: bool = False
    # How many rows of each kind were cleared or removed (for the page's message and tests).
    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def person_erase(*, person: Person, by: User) -> ErasureResult:
    """Pseudonymise ``person`` and remove or blank the personal texts about them.

    Raises ValidationError with the reasons of ``rules.erasure_refusals``
    (checked again under the person's row lock). A record already erased is
    left as it is (``already_erased``; nothing written, nothing logged).

    What stays, so every figure stays the same: the person's row (its
    department and managerial level, which the group compositions count),
    their enrollments and statuses, attendance, make-up bookings, agreements
    (stage, status, dates), reminders sent, evaluation completions, and the
    status reports' snapshots (which hold counts, never a name).

    Side effects, all in this transaction:
    - the Person: first and last name "Borttagen" "person <6 hex>", e-mail
      ``borttagen-<16 hex>@borttagen.invalid``, employee number
      ``borttagen-<16 hex>``, no manager-since date, no line manager, not
      active; nobody has them as line manager any more;
    - every agreement of their enrollments, and every history row of them:
      texts and the line manager's comment emptied;
    - reviewer changes of their enrollments, or naming them: the reason emptied;
    - login confirmations about the record removed (and their outbox rows);
    - the login (``rules.login_kept``): held elsewhere, unlinked from the record
      and its memberships in this organisation removed, nothing else touched;
      else its memberships removed, its address and name pseudonymised as the
      record's, no usable password, no language, no last login, no groups or
      permissions, deactivated, its sessions, login link requests and
      confirmations removed (it stays linked to the record);
    - outbox rows about them removed: agreement mails and reminders of their
      agreements, session reminders and make-up confirmations of their places,
      confirmations, and (a pseudonymised login) its login links and links to
      the addresses;
    - django-axes attempts, logs and failures for their address (and the
      pseudonymised login's), and links asked for to it, unless another login
      uses that address (a kept login's, or anyone's the record merely carries);
    - manager imports of the organisation: the rows naming their employee
      number show the pseudonym instead (the counts stay);
    - the admin's log entries of the record, its enrollments and agreements,
      and of a pseudonymised login: the shown name replaced by the pseudonym;
    - the PDFs of the person's register extract (RegisterExtract rows): deleted, since each
      holds the name, address, employee number and agreement texts;
    - one access-log row (``PersonalDataAccess.Action.ERASURE``, "pseudonymised").
    """
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=person.pk)
    )
    if is_erased(person):
        return ErasureResult(person=person, login=Login.NONE, already_erased=True)
    refusals = erasure_refusals(person=person, by=by)
    if refusals:
        raise ValidationError(refusals)

    organisation = person.organisation
    token = secrets.token_hex(8)
    first_name, last_name = erased_name(token)
    pseudonym = f"{first_name} {last_name}"
    old_employee_number = person.employee_number
    counts: dict[str, int] = {}

    enrollment_ids = list(Enrollment.objects.filter(person=person).values_list("pk", flat=True))
    agreement_ids = list(
        Agreement.objects.filter(enrollment_id__in=enrollment_ids).values_list("pk", flat=True)
    )
    counts["agreements"] = Agreement.objects.filter(pk__in=agreement_ids).update(
        texts={}, return_comment=""
    )
    counts["agreement_history"] = Agreement.history.filter(
        Q(id__in=agreement_ids) | Q(enrollment_id__in=enrollment_ids)
    ).update(texts={}, return_comment="")
    counts["reviewer_changes"] = ReviewerChange.objects.filter(
        Q(enrollment_id__in=enrollment_ids) | Q(reviewer=person)
    ).update(reason="")

    login = person.user
    addresses = {normalise_email(person.email)} - {""}
    confirmations = Q(person=person)
    if login is None:
        login_outcome = Login.NONE
    elif login_kept(login=login, organisation=organisation):
        login_outcome = Login.UNLINKED
        Membership.objects.filter(user=login, organisation=organisation).delete()
    else:
        login_outcome = Login.PSEUDONYMISED
        addresses.add(login.email)
        confirmations |= Q(user=login)
    # An address another login uses is that login's: its lockout records and links stay
    # (else erasing a record that merely carries someone's address would clear their lockout).
    pseudonymised_pk = login.pk if login_outcome == Login.PSEUDONYMISED else None
    taken = {
        email.lower()
        for email in User.objects.filter(email__in=sorted(addresses))
        .exclude(pk=pseudonymised_pk)
        .values_list("email", flat=True)
    }
    addresses -= taken
    confirmation_ids = [
        str(pk)
        for pk in LoginConfirmation.objects.filter(confirmations).values_list("pk", flat=True)
    ]

    outbox = (
        Q(task_name=SEND_AGREEMENT_MAIL, kwargs__agreement_id__in=agreement_ids)
        | Q(
            task_name=SEND_AGREEMENT_REMINDER,
            kwargs__reminder_id__in=list(
                AgreementReminder.objects.filter(enrollment_id__in=enrollment_ids).values_list(
                    "pk", flat=True
                )
            ),
        )
        | Q(task_name=SEND_REMINDER, kwargs__enrollment_id__in=enrollment_ids)
        | Q(
            task_name=SEND_MAKE_UP,
            kwargs__booking_id__in=list(
                MakeUpBooking.objects.filter(enrollment_id__in=enrollment_ids).values_list(
                    "pk", flat=True
                )
            ),
        )
        | Q(task_name=SEND_CONFIRMATION, kwargs__confirmation_id__in=confirmation_ids)
        | Q(task_name=SEND_LOGIN_LINK_TO_ADDRESS, kwargs__email__in=sorted(addresses))
    )
    if login_outcome == Login.PSEUDONYMISED:
        outbox |= Q(task_name=SEND_LOGIN_LINK, kwargs__user_id=login.pk)
        counts["login_link_requests"] = LoginLinkRequest.objects.filter(user=login).delete()[0]
    counts["outbox"] = OutboxTask.objects.filter(outbox).delete()[1].get(OutboxTask._meta.label, 0)
    counts["confirmations"] = LoginConfirmation.objects.filter(confirmations).delete()[0]

    by_address = Q(pk__in=[])
    for address in sorted(addresses):
        by_address |= Q(username__iexact=address)
    counts["lockout_records"] = sum(
        model.objects.filter(by_address).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )

    if login_outcome == Login.PSEUDONYMISED:
        counts["sessions"] = _sessions_delete(user=login)
        Membership.objects.filter(user=login).delete()
        login.email = erased_email(token)
        login.full_name = pseudonym
        login.set_unusable_password()
        login.language = ""
        login.last_login = None
        login.is_active = False
        login.save(
            update_fields=["email", "full_name", "password", "language", "last_login", "is_active"]
        )
        login.groups.clear()
        login.user_permissions.clear()

    counts["imports"] = _imports_pseudonymise(
        organisation_id=organisation.pk,
        employee_number=old_employee_number,
        new_number=f"borttagen-{token}",
        pseudonym=pseudonym,
    )
    _admin_log_pseudonymise(
        person=person,
        enrollment_ids=enrollment_ids,
        agreement_ids=agreement_ids,
        login=login if login_outcome == Login.PSEUDONYMISED else None,
        pseudonym=pseudonym,
    )

    counts["register_extracts"] = RegisterExtract.objects.filter(person=person).delete()[0]
    counts["direct_reports"] = Person.objects.filter(line_manager=person).update(line_manager=None)
    person.first_name = first_name
    person.last_name = last_name
    person.email = erased_email(token)
    person.employee_number = f"borttagen-{token}"
    person.manager_since = None
    person.line_manager = None
    person.active = False
    if login_outcome == Login.UNLINKED:
        person.user = None
    person.full_clean(exclude=["user", "department", "organisation"])
    person.save(
        update_fields=[
            "first_name",
            "last_name",
            "email",
            "employee_number",
            "manager_since",
            "line_manager",
            "active",
            "user",
        ]
    )
    access_log_record(
        organisation=organisation,
        actor=by,
        action=PersonalDataAccess.Action.ERASURE,
        subject=person,
        what="pseudonymised",
    )
    return ErasureResult(person=person, login=login_outcome, counts=counts)


def _sessions_delete(*, user: User) -> int:
    """The login's stored sessions (one read of the unexpired ones, one delete)."""
    sessions = StoredSession.objects.filter(expire_date__gt=timezone.now())
    keys = [
        s.session_key
        for s in sessions.only("session_key", "session_data")
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return StoredSession.objects.filter(session_key__in=keys).delete()[0] if keys else 0


def _imports_pseudonymise(
    *, organisation_id: int, employee_number: str, new_number: str, pseudonym: str
) -> int:
    """Rows of the organisation's import summaries that name the employee number."""
    imports = imports_naming(organisation_id=organisation_id, employee_number=employee_number)
    for record in imports:
        for key in ("created", "updated"):
            record.summary[key] = [
                [row[0], new_number, pseudonym, *row[3:]] if row[1] == employee_number else row
                for row in record.summary.get(key, [])
            ]
    ManagerImport.objects.bulk_update(imports, ["summary"])
    return len(imports)


def _admin_log_pseudonymise(
    *,
    person: Person,
    enrollment_ids: list[int],
    agreement_ids: list[int],
    login: User | None,
    pseudonym: str,
) -> None:
    types = ContentType.objects.get_for_models(Person, Enrollment, Agreement, User)
    entries = (
        Q(content_type=types[Person], object_id=str(person.pk))
        | Q(content_type=types[Enrollment], object_id__in=[str(pk) for pk in enrollment_ids])
        | Q(content_type=types[Agreement], object_id__in=[str(pk) for pk in agreement_ids])
    )
    if login is not None:
        entries |= Q(content_type=types[User], object_id=str(login.pk))
    LogEntry.objects.filter(entries).update(object_repr=pseudonym)
