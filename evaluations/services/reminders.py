"""Reminders to those who attended a session and have not answered its evaluation.

They use the completion records only, and never read or mention an answer.
"""

import logging

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.links import site_url
from core.mail import render_email
from programs.models import Session

from .. import rules, selectors
from ..models import ReminderLog

logger = logging.getLogger(__name__)


def reminder_message(*, session: Session, email: str, first_name: str) -> EmailMultiAlternatives:
    """The Swedish reminder: which module, the deadline and the link. Never any answer.

    Text and HTML, like every e-mail (``core.mail``).
    """
    organisation = session.group.round.program.organisation
    url = site_url(
        reverse("evaluations:answer", kwargs={"org": organisation.slug, "session_id": session.pk})
    )
    context = {
        "first_name": first_name,
        "module": session.module,
        "deadline": timezone.localtime(rules.deadline(session.ends_at)),
        "url": url,
    }
    return render_email("evaluations/email/reminder", context, to=[email])


def reminders_send(*, now=None) -> dict:
    """E-mail everyone who attended a session and has not answered, 3 days before its deadline.

    Each session is reminded once: a ReminderLog row (session, day, how many)
    is claimed before sending, and removed again if sending fails so the next
    run tries again. Uses only completion records; no answer content is read.
    Returns {"sessions": n, "emails": m}.
    """
    sessions = emails = 0
    for session in selectors.reminder_due_sessions(now=now):
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(
                    session=session, sent_on=timezone.localdate(now), recipients=0
                )
        except IntegrityError:  # another run claimed it
            continue
        recipients = selectors.reminder_recipients(session=session)
        try:
            messages = [
                reminder_message(session=session, email=email, first_name=name)
                for email, name in recipients
            ]
            sent = get_connection().send_messages(messages) if messages else 0
        except OSError:
            logger.warning("Reminder for session %s failed; will retry", session.pk, exc_info=True)
            log.delete()
            continue
        ReminderLog.objects.filter(pk=log.pk).update(recipients=sent or 0)
        sessions += 1
        emails += sent or 0
    return {"sessions": sessions, "emails": emails}
