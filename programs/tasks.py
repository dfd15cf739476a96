"""Celery tasks of the programs app: invitations, reminders and the reminder sweep.

The send tasks are published through the outbox (``core.outbox.enqueue``) and
receive ``outbox_id``. They read their own OutboxTask row first: a row already
done or failed (superseded by "send again") sends nothing, and an invitation
run that stopped half-way (SMTP down, worker lost) continues after the members
its row already lists. That is what keeps a re-delivered task from mailing
anyone twice.
"""

import logging

from celery import shared_task
from django.utils import timezone

from core.models import OutboxTask

from . import scheduling

# The agreements' tasks live next to their services; importing them here registers them with
# the worker, which autodiscovers only ``programs.tasks``.
from .agreements.mail import (  # noqa: F401
    agreement_reminders,
    send_agreement_mail,
    send_agreement_reminder,
)

logger = logging.getLogger(__name__)

RETRY_SECONDS = 60


def _own_row(outbox_id: str | None) -> OutboxTask | None:
    return OutboxTask.objects.filter(pk=outbox_id).first() if outbox_id else None


def _finished(row: OutboxTask | None) -> bool:
    return row is not None and row.state in (OutboxTask.State.DONE, OutboxTask.State.FAILED)


def _mark_done(row: OutboxTask | None, result: dict) -> None:
    if row is not None:
        OutboxTask.objects.filter(pk=row.pk).exclude(state=OutboxTask.State.FAILED).update(
            state=OutboxTask.State.DONE, finished_at=timezone.now(), result=result
        )


def _retry_or_fail(task, row: OutboxTask | None, exc: Exception):
    """SMTP trouble: try again later; after the last try, mark the row failed for the page."""
    if task.request.retries >= task.max_retries:
        logger.error("%s gave up after %d tries", task.name, task.request.retries + 1)
        if row is not None:
            OutboxTask.objects.filter(pk=row.pk).update(
                state=OutboxTask.State.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
            )
        raise exc
    raise task.retry(exc=exc, countdown=RETRY_SECONDS * 2**task.request.retries)


@shared_task(name=scheduling.SEND_INVITATIONS, bind=True, max_retries=5)
def send_group_invitations(
    self, *, group_id: int, requested_by: int | None = None, outbox_id: str | None = None
) -> dict:
    row = _own_row(outbox_id)
    if _finished(row):
        return row.result or {}
    already = set((row.result or {}).get("sent", [])) if row else set()

    def record(sent: list[int]) -> None:
        if row is not None:
            OutboxTask.objects.filter(pk=row.pk).update(result={"sent": sorted(sent)})

    try:
        result = scheduling.invitations_deliver(
            group_id=group_id, already_sent=already, on_sent=record
        )
    except OSError as exc:  # smtplib errors are OSErrors
        _retry_or_fail(self, row, exc)
    _mark_done(row, result)
    return result


@shared_task(name=scheduling.SEND_REMINDER, bind=True, max_retries=5)
def send_session_reminder(
    self, *, session_id: int, enrollment_id: int, outbox_id: str | None = None
) -> dict:
    row = _own_row(outbox_id)
    if _finished(row):
        return row.result or {}
    try:
        result = scheduling.reminder_deliver(session_id=session_id, enrollment_id=enrollment_id)
    except OSError as exc:
        _retry_or_fail(self, row, exc)
    _mark_done(row, result)
    return result


@shared_task(name="programs.queue_session_reminders")
def queue_session_reminders() -> int:
    """Beat task: queue the reminders that are due (once per member and session)."""
    return scheduling.reminders_queue()
