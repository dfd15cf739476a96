"""Celery tasks of the programs app: invitations, reminders and the reminder sweep.

The send tasks are published through the outbox (``core.outbox.enqueue``) and
receive ``outbox_id``. They read their own OutboxTask row first: a row already
done or failed (superseded by "send again") sends nothing, and an invitation
run that stopped half-way (SMTP down, worker lost) continues after the members
its row already lists. That is what keeps a re-delivered task mailing nobody
twice.

SMTP trouble (smtplib errors are OSErrors) is retried by Celery
(``autoretry_for``) 1, 2, 4, 8 and 16 minutes later; after the last try the
row is marked failed, so the invitations page says so.
"""

import logging

from celery import Task, shared_task
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
from .makeups import services as makeups

logger = logging.getLogger(__name__)

RETRY_SECONDS = 60
MAX_RETRIES = 5
SMTP_RETRY = {
    "autoretry_for": (OSError,),
    "max_retries": MAX_RETRIES,
    "retry_backoff": RETRY_SECONDS,
    "retry_backoff_max": RETRY_SECONDS * 2 ** (MAX_RETRIES - 1),
    "retry_jitter": False,
}


class SendTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The last try failed on SMTP too: the row says "failed", for the page."""
        outbox_id = kwargs.get("outbox_id")
        if not isinstance(exc, OSError) or outbox_id is None:
            return
        logger.error("%s gave up after %d tries", self.name, self.request.retries + 1)
        OutboxTask.objects.filter(pk=outbox_id).update(
            state=OutboxTask.State.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )


def _own_row(outbox_id: str | None) -> OutboxTask | None:
    return OutboxTask.objects.filter(pk=outbox_id).first() if outbox_id else None


def _finished(row: OutboxTask | None) -> bool:
    return row is not None and row.state in (OutboxTask.State.DONE, OutboxTask.State.FAILED)


def _mark_done(row: OutboxTask | None, result: dict) -> None:
    if row is not None:
        OutboxTask.objects.filter(pk=row.pk).exclude(state=OutboxTask.State.FAILED).update(
            state=OutboxTask.State.DONE, finished_at=timezone.now(), result=result
        )


@shared_task(name=scheduling.SEND_INVITATIONS, base=SendTask, **SMTP_RETRY)
def send_group_invitations(
    *, group_id: int, requested_by: int | None = None, outbox_id: str | None = None
) -> dict:
    """Mail the group's invitations. ``requested_by`` is only accepted from rows queued before
    InvitationRequest kept who asked."""
    row = _own_row(outbox_id)
    if _finished(row):
        return row.result or {}
    already = set((row.result or {}).get("sent", [])) if row else set()

    def record(sent: list[int]) -> None:
        if row is not None:
            OutboxTask.objects.filter(pk=row.pk).update(result={"sent": sorted(sent)})

    result = scheduling.invitations_deliver(group_id=group_id, already_sent=already, on_sent=record)
    _mark_done(row, result)
    return result


@shared_task(name=scheduling.SEND_REMINDER, base=SendTask, **SMTP_RETRY)
def send_session_reminder(
    *, session_id: int, enrollment_id: int, outbox_id: str | None = None
) -> dict:
    row = _own_row(outbox_id)
    if _finished(row):
        return row.result or {}
    result = scheduling.reminder_deliver(session_id=session_id, enrollment_id=enrollment_id)
    _mark_done(row, result)
    return result


@shared_task(name=makeups.SEND_MAKE_UP, base=SendTask, **SMTP_RETRY)
def send_make_up_booking(*, booking_id: int, outbox_id: str | None = None) -> dict:
    row = _own_row(outbox_id)
    if _finished(row):
        return row.result or {}
    result = makeups.make_up_deliver(booking_id=booking_id)
    _mark_done(row, result)
    return result


@shared_task(name="programs.queue_session_reminders")
def queue_session_reminders() -> int:
    """Beat task: queue the reminders that are due (once per member and session)."""
    return scheduling.reminders_queue()
