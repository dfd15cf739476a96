"""Enqueue Celery tasks on commit without depending on the broker being up.

``enqueue("app.task", key=value)`` records an ``OutboxTask`` in the current
transaction and, once it commits, publishes the task. If publishing fails
(broker down), the row stays pending and ``core.outbox_flush`` sends it later.
The task receives ``outbox_id`` and marks the row done through ``outbox_task``.

``enqueue_or_run_here`` is for work someone waits for on the page (the PDF of
the report they opened): if the broker refuses it, it runs in this process at
once instead of waiting for the broker to come back.
"""

import functools
import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)


def enqueue(task_name: str, **kwargs) -> OutboxTask:
    """Record the task now and publish it after the surrounding transaction commits.

    Side effects: one OutboxTask row; after commit, one message to the broker
    (or, with no broker configured, the task runs in-process).
    """
    row = OutboxTask.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(functools.partial(publish, row.pk))
    return row


def enqueue_or_run_here(task_name: str, **kwargs) -> OutboxTask:
    """Like ``enqueue``; but if the broker refuses the task after commit, run it here, now.

    Side effects: one OutboxTask row; after commit, one message to the broker,
    or the task run in this process (the request waits for it) when the broker
    is down.
    """
    row = OutboxTask.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(functools.partial(_publish_or_run_here, row.pk))
    return row


def _publish_or_run_here(outbox_id) -> None:
    if not publish(outbox_id):
        run_here(outbox_id)


def run_here(outbox_id) -> bool:
    """Run a pending row in this process. Returns whether this call ran it.

    The row is claimed first (pending → queued), so neither the beat's flush
    nor a second caller runs it too. Should the task raise, the row is pending
    again and the flush sends it once the broker is back.
    """
    claimed = OutboxTask.objects.filter(pk=outbox_id, state=OutboxTask.State.PENDING).update(
        state=OutboxTask.State.QUEUED, queued_at=timezone.now()
    )
    if not claimed:
        return False
    row = OutboxTask.objects.get(pk=outbox_id)
    try:
        current_app.tasks[row.task_name].apply(kwargs={**row.kwargs, "outbox_id": str(row.pk)})
    except Exception:
        logger.exception("Task %s failed in-process; it stays pending", row.task_name)
        OutboxTask.objects.filter(pk=outbox_id, state=OutboxTask.State.QUEUED).update(
            state=OutboxTask.State.PENDING
        )
    return True


def publish(outbox_id) -> bool:
    """Try to hand one pending row to the broker. Returns False if the broker refused."""
    row = OutboxTask.objects.filter(pk=outbox_id).first()
    if row is None or row.state not in (OutboxTask.State.PENDING, OutboxTask.State.QUEUED):
        return False
    OutboxTask.objects.filter(pk=outbox_id).update(attempts=row.attempts + 1)
    task = current_app.tasks[row.task_name]
    try:
        task.apply_async(kwargs={**row.kwargs, "outbox_id": str(row.pk)}, retry=False)
    except Exception:
        logger.warning("Broker unavailable; task %s stays pending", row.task_name, exc_info=True)
        return False
    OutboxTask.objects.filter(pk=outbox_id, state=OutboxTask.State.PENDING).update(
        state=OutboxTask.State.QUEUED, queued_at=timezone.now()
    )
    return True


def flush_pending(*, older_than_seconds: int | None = None) -> int:
    """Publish again every row still pending after the grace period. Returns how many went out."""
    if older_than_seconds is None:
        older_than_seconds = settings.OUTBOX_RETRY_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OutboxTask.objects.filter(state=OutboxTask.State.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in ids if publish(pk))


def outbox_task(*, name: str, **task_options):
    """Declare a Celery task whose runs are tracked in its OutboxTask row.

    The wrapped function gets the task's keyword arguments (without
    ``outbox_id``); its return value (JSON) is stored as the row's result.
    """

    def decorator(fn):
        @shared_task(name=name, bind=True, **task_options)
        @functools.wraps(fn)
        def run(self, *, outbox_id=None, **kwargs):
            result = fn(**kwargs)
            if outbox_id is not None:
                OutboxTask.objects.filter(pk=outbox_id).update(
                    state=OutboxTask.State.DONE, finished_at=timezone.now(), result=result
                )
            return result

        return run

    return decorator
