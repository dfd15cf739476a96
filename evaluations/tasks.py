"""Celery tasks of the evaluations app: thin wrappers around services."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="evaluations.send_reminders", acks_late=True)
def send_reminders() -> dict:
    """Beat task (daily): remind non-respondents 3 days before each deadline.

    Idempotent: each session is reminded once (``ReminderLog``), so a second
    run the same day, or a redelivered message, sends nothing new.
    """
    result = services.reminders_send()
    logger.info("Evaluation reminders: %(sessions)s sessions, %(emails)s e-mails", result)
    return result
