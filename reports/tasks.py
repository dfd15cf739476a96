"""Celery tasks of the reports app: thin wrappers that take ids and call a service.

``reports.render_status_report`` is acknowledged only when it has finished
(``acks_late``), and a worker that dies mid-render leaves the message
unacknowledged, so Redis hands it to a worker again (``reject_on_worker_lost``
when only the pool process died; the visibility timeout, an hour, when the
whole worker did). ``reports.recover_stalled_reports`` (beat, every minute)
queues a report again well before that, once its rendering has outlived the
hard time limit. The service is idempotent, so a second run rewrites the same
file and the report ends ready exactly once. A transient error (database or
storage away for a moment) is retried three times, 2, 4 and 8 s later.
"""

import logging

from celery import Task, current_task, shared_task

from core.outbox import outbox_task

from . import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# First retry after 2 s, then 4 s, then 8 s.
RETRY_SECONDS = 2


class RenderStatusReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Anything that escaped the task (a time limit, say): show "failed" and "try again"."""
        report_id = kwargs.get("report_id")
        if report_id is not None:
            services.status_report_mark_failed(
                report_id=report_id, error=f"{type(exc).__name__}: {exc}"
            )


@outbox_task(
    name=services.RENDER_TASK,
    base=RenderStatusReportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=services.RENDER_SOFT_TIME_LIMIT,
    time_limit=services.RENDER_TIME_LIMIT,
)
def render_status_report(*, report_id: int, notify: bool = True) -> dict:
    try:
        report = services.status_report_render(report_id=report_id, notify=notify)
    except services.TRANSIENT_ERRORS as exc:
        task = current_task
        # In-process (no broker, `make run`) there is nobody to retry later:
        # show "failed" and "try again" at once.
        if task.request.is_eager or task.request.retries >= MAX_RETRIES:
            services.status_report_mark_failed(
                report_id=report_id, error=f"{type(exc).__name__}: {exc}"
            )
            return {"report_id": report_id, "status": "failed"}
        countdown = RETRY_SECONDS * 2**task.request.retries
        logger.warning("Status report %s: %s; retrying in %s s", report_id, exc, countdown)
        raise task.retry(exc=exc, countdown=countdown) from exc
    if report is None:
        return {"report_id": report_id, "status": "gone"}
    logger.info(
        "Status report %s: %s after %s attempt(s)", report.pk, report.status, report.attempts
    )
    return {"report_id": report.pk, "status": report.status, "attempts": report.attempts}


@outbox_task(
    name=services.NOTIFY_TASK,
    acks_late=True,
    autoretry_for=(OSError,),
    max_retries=5,
    retry_backoff=True,
)
def notify_report_ready(*, report_id: int) -> dict:
    return {"report_id": report_id, "sent": services.status_report_notify(report_id=report_id)}


@shared_task(name="reports.recover_stalled_reports")
def recover_stalled_reports() -> int:
    """Beat task: queue again the reports whose worker died mid-render."""
    return services.status_reports_recover_stalled()
