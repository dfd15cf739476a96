"""Writes: check-ins, status reports, and the rendering of a report's PDF.

The rendering is split in three steps so that a worker killed at any point
leaves a state the next run can finish: mark the report as rendering (and
count the attempt), render the PDF outside any transaction, then store the
file under the report's fixed name and mark it ready in one transaction.
Running it again rewrites the same file, so a redelivered task does no harm.
"""

import datetime as dt
import logging

from botocore.exceptions import BotoCoreError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.links import site_url
from core.mail import render_email
from core.outbox import enqueue, enqueue_or_run_here
from participants.models import Consultant, User
from programs.models import CheckIn, Module, Program, Round

from . import selectors
from .models import StatusReport

logger = logging.getLogger(__name__)

RENDER_TASK = "reports.render_status_report"
NOTIFY_TASK = "reports.notify_report_ready"
# Errors worth another try: the database or the storage was away for a moment (a local
# folder raises OSError, the object store botocore's errors once its own retries are spent).
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError, BotoCoreError)


def private_storage():
    return storages["private"]


# --- Check-ins ------------------------------------------------------------------------


@transaction.atomic
def check_in_create(
    *,
    program: Program,
    project_leader: User,
    held_on: dt.date,
    module: Module | None,
    consultant: Consultant | None,
    observations: str,
    corrections: str,
    follow_up: str = "",
) -> CheckIn:
    """Log one avstämning between the project leader and a module-responsible consultant.

    Side effects: one CheckIn row. Its corrections are carried into the next
    status report (``selectors.corrections_for_period``).
    """
    if module is not None and module.program_id != program.pk:
        raise ValidationError({"module": _("Choose a module of this program.")})
    if (
        consultant is not None
        and not consultant.organisations.filter(pk=program.organisation_id).exists()
    ):
        raise ValidationError({"consultant": _("Choose a consultant who works for you.")})
    check_in = CheckIn(
        program=program,
        project_leader=project_leader,
        held_on=held_on,
        module=module,
        consultant=consultant,
        observations=observations,
        corrections=corrections,
        follow_up=follow_up,
    )
    check_in.full_clean()
    check_in.save()
    return check_in


# --- Status reports -----------------------------------------------------------------------


@transaction.atomic
def status_report_create(
    *,
    program: Program,
    created_by: User | None,
    period_start: dt.date,
    period_end: dt.date,
    summary: str,
    according_to_plan: str = "",
    deviations: str = "",
    corrections_made: str = "",
    decisions_requested: str = "",
    focus_round: Round | None = None,
    focus_module: Module | None = None,
    language: str | None = None,
    created_at: dt.datetime | None = None,
    generate: bool = True,
) -> StatusReport:
    """Write the next numbered report of the program and queue its PDF.

    The number is the program's highest plus one, taken while the program's
    row is locked, so two coordinators saving at once get Nr n and n + 1.
    The figures are frozen into ``snapshot`` now.

    Side effects: one StatusReport row; with ``generate``, an outbox task
    ``reports.render_status_report`` sent after commit (run in this process
    if the broker refuses it).
    """
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if focus_round is not None and focus_round.program_id != locked.pk:
        raise ValidationError({"focus_round": _("Choose a round of this program.")})
    if focus_module is not None and focus_module.program_id != locked.pk:
        raise ValidationError({"focus_module": _("Choose a module of this program.")})
    highest = StatusReport.objects.filter(program=locked).aggregate(n=Max("number"))["n"] or 0
    report = StatusReport(
        program=locked,
        number=highest + 1,
        created_by=created_by,
        period_start=period_start,
        period_end=period_end,
        summary=summary,
        according_to_plan=according_to_plan,
        deviations=deviations,
        corrections_made=corrections_made,
        decisions_requested=decisions_requested,
        focus_round=focus_round,
        focus_module=focus_module,
        language=language or settings.LANGUAGE_CODE,
        created_at=created_at or timezone.now(),
        status=StatusReport.Status.QUEUED,
    )
    report.full_clean()
    report.save()
    # Taken after the insert, so "status reports" counts this one too.
    report.snapshot = {
        **selectors.report_snapshot(
            program=locked,
            period_start=period_start,
            period_end=period_end,
            as_of=report.created_at,
        ),
        "focus_round": focus_round.number if focus_round else None,
        "focus_module": str(focus_module) if focus_module else "",
    }
    report.save(update_fields=["snapshot"])
    if generate:
        enqueue_or_run_here(RENDER_TASK, report_id=report.pk)
    return report


@transaction.atomic
def status_report_generate(*, report: StatusReport, notify: bool = True) -> StatusReport:
    """Queue the PDF of a report that has none (or whose rendering failed), from its snapshot.

    Side effects: status back to queued; one outbox task after commit (run in
    this process if the broker refuses it: someone is waiting for the PDF).
    A report whose PDF is ready or on its way is left alone, so a double
    click queues one task. Without ``notify`` the steering group is not
    e-mailed when the PDF is ready.
    """
    locked = StatusReport.objects.select_for_update().get(pk=report.pk)
    if not locked.can_generate:
        return locked
    locked.status = StatusReport.Status.QUEUED
    locked.error_message = ""
    locked.save(update_fields=["status", "error_message"])
    enqueue_or_run_here(RENDER_TASK, report_id=locked.pk, notify=notify)
    return locked


def status_report_open(*, report: StatusReport) -> bool:
    """Someone opened a report that never had a PDF: ask for it, once.

    Returns whether the report was without a PDF (its state has changed since it was read).

    A report whose PDF is ready, on its way or failed is left alone (a failed
    one offers "try again"); two people opening it at once queue one task
    (``status_report_generate`` locks the row). The report is old news, so
    nobody is e-mailed when its PDF is ready: the one who opened it sees it
    on the page.

    Side effects: as ``status_report_generate``, for a report without a PDF only.
    """
    if report.status != StatusReport.Status.NOT_GENERATED:
        return False
    status_report_generate(report=report, notify=False)
    return True


# The render task's time limits (seconds; reports.tasks). A rendering that began
# longer ago than the hard limit plus a margin has lost its worker.
RENDER_SOFT_TIME_LIMIT = 120
RENDER_TIME_LIMIT = 180
RENDER_STALLED_AFTER = dt.timedelta(seconds=RENDER_TIME_LIMIT + 60)


def status_reports_recover_stalled(*, now=None) -> int:
    """Queue again every report still "rendering" long after its task's hard time limit.

    When a whole worker dies mid-render (power cut, OOM kill, SIGKILL), nothing
    marks the report: its message waits in Redis until the visibility timeout
    (an hour). This beat job (every minute) notices sooner and queues the
    rendering again; rendering is idempotent, so a late second delivery only
    rewrites the same file. Returns how many reports were queued.

    Side effects: those reports back to queued; one outbox task each.
    """
    cutoff = (now or timezone.now()) - RENDER_STALLED_AFTER
    queued = 0
    with transaction.atomic():
        stalled = StatusReport.objects.select_for_update(skip_locked=True).filter(
            status=StatusReport.Status.RENDERING, rendering_started_at__lt=cutoff
        )
        for report in stalled:
            logger.warning(
                "Status report %s has been rendering since %s; queueing it again",
                report.pk,
                report.rendering_started_at,
            )
            report.status = StatusReport.Status.QUEUED
            report.save(update_fields=["status"])
            enqueue(RENDER_TASK, report_id=report.pk)
            queued += 1
    return queued


def report_file_name(report: StatusReport) -> str:
    """The report's one place in private storage; every rendering writes here."""
    program = report.program
    return (
        f"status-reports/{program.organisation.slug}/program-{program.pk}/"
        f"statusrapport-{report.number}-{report.pk}.pdf"
    )


def _start_rendering(report_id: int) -> StatusReport | None:
    with transaction.atomic():
        report = (
            StatusReport.objects.select_for_update(of=("self",))
            .select_related("program__organisation", "focus_round", "focus_module")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return None
        report.status = StatusReport.Status.RENDERING
        report.attempts += 1
        report.error_message = ""
        report.rendering_started_at = timezone.now()
        report.save(update_fields=["status", "attempts", "error_message", "rendering_started_at"])
    return report


def _store(report: StatusReport, pdf: bytes, *, notify: bool) -> StatusReport:
    storage = private_storage()
    name = report_file_name(report)
    with transaction.atomic():
        locked = StatusReport.objects.select_for_update().get(pk=report.pk)
        first_time = locked.rendered_at is None
        # FileSystemStorage never overwrites (it would pick another name), so the old
        # file goes first; the object store replaces it anyway (file_overwrite).
        storage.delete(name)
        stored = storage.save(name, ContentFile(pdf))
        if stored != name:
            raise OSError(f"Storage saved {name!r} as {stored!r}")
        locked.file_name = stored
        locked.status = StatusReport.Status.READY
        locked.rendered_at = timezone.now()
        locked.error_message = ""
        locked.save(update_fields=["file_name", "status", "rendered_at", "error_message"])
        if first_time and notify:
            enqueue(NOTIFY_TASK, report_id=locked.pk)
    return locked


def status_report_mark_failed(*, report_id: int, error: str) -> None:
    """Record that the PDF could not be made; the page then offers "try again"."""
    StatusReport.objects.filter(pk=report_id).exclude(status=StatusReport.Status.READY).update(
        status=StatusReport.Status.FAILED, error_message=error[:2000]
    )


def status_report_render(*, report_id: int, notify: bool = True) -> StatusReport | None:
    """Render the report's PDF from its snapshot and store it. Idempotent.

    Returns None when the report no longer exists. Transient errors
    (``TRANSIENT_ERRORS``) propagate so the task retries; any other error
    marks the report failed.

    Side effects: the file ``report_file_name(report)`` written (replaced);
    status rendering → ready or failed; the first time a report becomes
    ready (and ``notify``), an outbox task ``reports.notify_report_ready``.
    """
    report = _start_rendering(report_id)
    if report is None:
        logger.info("Status report %s is gone; nothing to render", report_id)
        return None
    try:
        # Imported here: WeasyPrint and matplotlib take ~0.8 s to import, and every
        # process that loads the tasks (web workers, manage.py) would pay it at start-up.
        from . import rendering

        pdf = rendering.render_status_report(report)
        return _store(report, pdf, notify=notify)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("Status report %s could not be rendered", report_id)
        status_report_mark_failed(report_id=report_id, error=f"{type(exc).__name__}: {exc}")
        report.refresh_from_db()
        return report


# --- Notification -------------------------------------------------------------------------


def report_ready_message(*, report: StatusReport, user: User) -> EmailMultiAlternatives:
    """The e-mail telling a steering-group member that a report is ready: a link, not the file.

    In the report's language, like the report itself.
    """
    program = report.program
    path = reverse(
        "reports:report_detail", kwargs={"org": program.organisation.slug, "report_id": report.pk}
    )
    context = {
        "report": report,
        "program": program,
        "organisation": program.organisation,
        "user": user,
        "url": site_url(path),
    }
    return render_email(
        "reports/email/report_ready", context, to=[user.email], language=report.language
    )


def status_report_notify(*, report_id: int) -> int:
    """E-mail every steering-group member of the report's organisation. Returns how many.

    Side effects: one e-mail per member (each sees only their own address).
    """
    report = (
        StatusReport.objects.select_related("program__organisation")
        .filter(pk=report_id, status=StatusReport.Status.READY)
        .first()
    )
    if report is None:
        return 0
    users = selectors.steering_group_users(organisation=report.program.organisation)
    for user in users:
        report_ready_message(report=report, user=user).send()
    return len(users)
