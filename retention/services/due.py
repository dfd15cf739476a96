"""What each kind of record counts as due for removal, as querysets.

A kind's ``parts`` function returns, in the order they are removed, the
querysets of the rows that are due on ``now`` under a period of
``period_days``, each with the field its period counts from (the *point*). The
plan (``retention.services.runs``) counts them and the run removes exactly
those rows, in one transaction per kind.

Scope: the kinds of an organisation filter by it; the kinds of the platform
(``retention.kinds.PLATFORM``) are called with ``organisation=None`` and cover
the whole installation.

A point that is a date (a program's end) is due when it lies more than
``period_days`` days before today; a point that is a moment, when it lies more
than ``period_days`` × 24 hours before now.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.sessions.models import Session as SignInSession
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import OutboxTask
from participants.models import LoginLinkRequest, ManagerImport, Organisation, PersonalDataAccess
from programs.models import (
    Agreement,
    AgreementReminder,
    Attendance,
    MakeUpBooking,
    ReviewerChange,
    SessionReminder,
)

# A preview never confirmed is left for a day before it counts as abandoned, so that a run at
# night does not take the file a coordinator is looking at.
ABANDONED_PREVIEW = dt.timedelta(days=1)

# The register extracts live in the privacy app, which this app may not import (the two sit
# in one layer); its model is looked up by name and this kind is empty without it. The
# extract's date is the first of these fields it has.
REGISTER_EXTRACT = ("privacy", "RegisterExtract")
REGISTER_EXTRACT_POINTS = ("produced_at", "created_at", "at")


@dataclass(frozen=True)
class Part:
    """Rows of one model that are due, and the field (or expression) their period counts from."""

    queryset: QuerySet
    point: object  # a field path or an expression, for Min()
    # Called with the rows' ids just before and just after they are deleted, in the transaction.
    before_delete: Callable[[list], None] | None = field(default=None, compare=False)
    after_delete: Callable[[list], None] | None = field(default=None, compare=False)


def _date_cutoff(now: dt.datetime, period_days: int) -> dt.date:
    return timezone.localdate(now) - dt.timedelta(days=period_days)


def _moment_cutoff(now: dt.datetime, period_days: int) -> dt.datetime:
    return now - dt.timedelta(days=period_days)


def _ended_programs(organisation: Organisation, cutoff: dt.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}enrollment__program__organisation": organisation,
            f"{prefix}enrollment__program__ends_on__lt": cutoff,
        }
    )


def agreements(*, organisation: Organisation, now: dt.datetime, period_days: int) -> list[Part]:
    """The agreements of enrollments whose program ended before the period, with their
    history, the reviewer changes and the agreement reminders of those enrollments."""
    ended = _ended_programs(organisation, _date_cutoff(now, period_days))
    point = "enrollment__program__ends_on"
    history = Agreement.history.model
    return [
        Part(AgreementReminder.objects.filter(ended), point),
        Part(ReviewerChange.objects.filter(ended), point),
        Part(Agreement.objects.filter(ended), point, after_delete=_forget_deletion_history),
        # The historical rows keep the enrollment's id; joined as long as the enrollment exists.
        Part(history.objects.filter(ended), point),
    ]


def _forget_deletion_history(agreement_ids: list) -> None:
    """Deleting an agreement writes a "deleted" row to its history; those go as well."""
    Agreement.history.model.objects.filter(id__in=agreement_ids, history_type="-").delete()


def attendance(*, organisation: Organisation, now: dt.datetime, period_days: int) -> list[Part]:
    """Attendance, make-up bookings and session reminders of programs that ended before the
    period (a guest's make-up attendance is their own enrollment's, so of their program)."""
    ended = _ended_programs(organisation, _date_cutoff(now, period_days))
    point = "enrollment__program__ends_on"
    return [
        Part(SessionReminder.objects.filter(ended), point),
        Part(MakeUpBooking.objects.filter(ended), point),
        Part(Attendance.objects.filter(ended), point),
    ]


# The outbox rows another record points at, and how the kind treats them: login link
# requests go with their e-mail; a group's invitation runs stay (the invitations page and
# "already sent" read them). A test fails for a new relation that is in neither.
OUTBOX_REMOVED_WITH = ("login_link_request",)
OUTBOX_KEPT_FOR = ("invitation_request",)


def outbox(*, organisation: None, now: dt.datetime, period_days: int) -> list[Part]:
    """Done and failed outbox rows that finished more than the period ago (a failed row
    without a finishing time counts from its creation), and the login link requests of them."""
    point = Coalesce("finished_at", "created_at")
    rows = (
        OutboxTask.objects.alias(point=point)
        .filter(
            state__in=[OutboxTask.State.DONE, OutboxTask.State.FAILED],
            point__lt=_moment_cutoff(now, period_days),
        )
        .filter(**{f"{name}__isnull": True for name in OUTBOX_KEPT_FOR})
    )
    return [
        Part(
            LoginLinkRequest.objects.filter(outbox__in=rows),
            Coalesce("outbox__finished_at", "outbox__created_at"),
        ),
        Part(rows, point),
    ]


def login_records(*, organisation: None, now: dt.datetime, period_days: int) -> list[Part]:
    """django-axes' attempts (the lockout counters), failures and successful logins."""
    cutoff = _moment_cutoff(now, period_days)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=cutoff)
    return [
        Part(
            AccessAttemptExpiration.objects.filter(access_attempt__in=attempts),
            "access_attempt__attempt_time",
        ),
        Part(attempts, "attempt_time"),
        Part(AccessFailureLog.objects.filter(attempt_time__lt=cutoff), "attempt_time"),
        Part(AccessLog.objects.filter(attempt_time__lt=cutoff), "attempt_time"),
    ]


def import_files(*, organisation: Organisation, now: dt.datetime, period_days: int) -> list[Part]:
    """The organisation's manager imports: a confirmed one from its confirmation, a refused
    one from its upload, a preview never confirmed from a day after its upload. With the row
    goes its summary (the names of the rows) and a preview's stored file."""
    cutoff = _moment_cutoff(now, period_days)
    rows = ManagerImport.objects.filter(organisation=organisation).filter(
        Q(status=ManagerImport.Status.APPLIED, applied_at__lt=cutoff)
        | Q(status=ManagerImport.Status.REFUSED, created_at__lt=cutoff)
        | Q(
            status=ManagerImport.Status.PREVIEWED,
            created_at__lt=min(cutoff, now - ABANDONED_PREVIEW),
        )
    )
    return [Part(rows, Coalesce("applied_at", "created_at"), before_delete=_delete_stored_files)]


def _delete_stored_files(import_ids: list) -> None:
    """A preview's file in private storage goes once the rows are gone (after commit)."""
    names = list(
        ManagerImport.objects.filter(pk__in=import_ids)
        .exclude(stored_name="")
        .values_list("stored_name", flat=True)
    )
    if names:
        storage = storages["private"]
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def sessions(*, organisation: None, now: dt.datetime, period_days: int) -> list[Part]:
    """Sign-in sessions that expired more than the period ago."""
    return [
        Part(
            SignInSession.objects.filter(expire_date__lt=_moment_cutoff(now, period_days)),
            "expire_date",
        )
    ]


def access_log(*, organisation: Organisation, now: dt.datetime, period_days: int) -> list[Part]:
    """Rows of the organisation's access log of personal data older than the period."""
    return [
        Part(
            PersonalDataAccess.objects.filter(
                organisation=organisation, at__lt=_moment_cutoff(now, period_days)
            ),
            "at",
        )
    ]


def register_extract_model() -> tuple[type[models.Model], str] | None:
    """The privacy app's register extract and its date field, or None without them."""
    try:
        model = apps.get_model(*REGISTER_EXTRACT)
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    point = next((name for name in REGISTER_EXTRACT_POINTS if name in names), None)
    if point is None or "organisation" not in names:
        return None
    return model, point


def register_extracts(
    *, organisation: Organisation, now: dt.datetime, period_days: int
) -> list[Part]:
    """The organisation's register extracts produced more than the period ago."""
    found = register_extract_model()
    if found is None:
        return []
    model, point = found
    return [
        Part(
            model.objects.filter(
                organisation=organisation,
                **{f"{point}__lt": _moment_cutoff(now, period_days)},
            ),
            point,
        )
    ]


def accessibility_reports(
    *, organisation: Organisation, now: dt.datetime, period_days: int
) -> list[Part]:
    """The organisation's reports of accessibility problems received more than the period ago.

    The statements app sits above retention, so its model is looked up by name.
    """
    model = apps.get_model("statements", "AccessibilityReport")
    return [
        Part(
            model.objects.filter(
                organisation=organisation, created_at__lt=_moment_cutoff(now, period_days)
            ),
            "created_at",
        )
    ]


PARTS: dict[str, Callable[..., list[Part]]] = {
    "agreements": agreements,
    "attendance": attendance,
    "outbox": outbox,
    "login_records": login_records,
    "import_files": import_files,
    "sessions": sessions,
    "access_log": access_log,
    "register_extracts": register_extracts,
    "accessibility_reports": accessibility_reports,
}
