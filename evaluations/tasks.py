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


@shared_task(name="evaluations.fold_sealed_answers", acks_late=True)
def fold_sealed_answers() -> dict:
    """Beat task (every five minutes): fold the sealed answers of sessions whose window closed.

    Idempotent and safe beside another run (``services.answers_fold``). With
    Redis down it simply does not run: the envelopes wait in PostgreSQL, and
    the results pages fold in-process before they read.
    """
    result = services.answers_fold().as_dict()
    logger.info(
        "Sealed answers: %(folded)s folded in %(sessions)s sessions, %(unreadable)s unreadable, "
        "%(failed)s sessions rolled back",
        result,
    )
    return result
