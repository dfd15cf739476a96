"""Infrastructure tasks."""

import os

from celery import shared_task

from .outbox import flush_pending, outbox_task


@shared_task(name="core.outbox_flush")
def outbox_flush() -> int:
    """Beat task: send again what a dead broker kept back."""
    return flush_pending()


@outbox_task(name="core.ping")
def ping(*, message: str) -> dict:
    """Round trip through the queue; used by the health check and the worker test."""
    return {"message": message, "pid": os.getpid()}
