"""E-mail about agreements, sent by Celery tasks queued through ``core.outbox``.

The messages never carry the texts or the comment: only who, which stage and a
link, so nothing private sits in a mailbox.
"""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from core.links import site_url
from core.mail import render_email
from core.outbox import outbox_task
from participants.models import Person

from ..models import Agreement, AgreementReminder, Enrollment, Session
from .rules import Stage, Status
from .services import agreement_reminders_queue
from .visibility import reviewer_of

# --- E-mail -------------------------------------------------------------------------------------


def _address(person: Person | None) -> str:
    if person is None or not person.active:
        return ""
    if person.user_id and person.user.is_active:
        return person.user.email
    return person.email


def agreement_message(
    *,
    event: str,
    recipient: Person,
    enrollment: Enrollment,
    stage: str,
    path: str,
    session: Session | None = None,
) -> EmailMultiAlternatives:
    """The Swedish e-mail (text and HTML) about one agreement. It never holds the texts."""
    context = {
        "event": event,
        "recipient": recipient,
        "participant": enrollment.person,
        "stage": Stage(stage).label,
        "program": enrollment.program,
        "session": session,
        "url": site_url(path),
    }
    return render_email("programs/email/agreement_mail", context, to=[_address(recipient)])


# The state an agreement must still be in for its e-mail to make sense.
_EVENT_STATUS = {
    "submitted": Status.SUBMITTED,
    "agreed": Status.AGREED,
    "returned": Status.RETURNED,
    "reopened": Status.DRAFT,
}


@outbox_task(name="programs.send_agreement_mail", autoretry_for=(OSError,), retry_backoff=True)
def send_agreement_mail(*, agreement_id: int, event: str, by_participant: bool = False) -> dict:
    """Tell the reviewer something waits, or the participant it was agreed or sent back.

    Sends nothing when the agreement has moved on meanwhile (a late or repeated run).
    """
    agreement = (
        Agreement.objects.select_related(
            "enrollment__person__user",
            "enrollment__person__line_manager__user",
            "enrollment__reviewer__user",
            "enrollment__program__organisation",
        )
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or agreement.status != _EVENT_STATUS.get(event):
        return {"sent": False}
    enrollment = agreement.enrollment
    to_reviewer = event == "submitted" or (event == "reopened" and by_participant)
    recipient = reviewer_of(enrollment) if to_reviewer else enrollment.person
    if not _address(recipient):
        return {"sent": False}
    path = reverse(
        "programs:agreement_detail",
        kwargs={"org": enrollment.program.organisation.slug, "pk": agreement.pk},
    )
    agreement_message(
        event=event, recipient=recipient, enrollment=enrollment, stage=agreement.stage, path=path
    ).send()
    return {"sent": True, "to": "reviewer" if to_reviewer else "participant"}


@outbox_task(name="programs.send_agreement_reminder", autoretry_for=(OSError,), retry_backoff=True)
def send_agreement_reminder(*, reminder_id: int) -> dict:
    """Remind the participant (or, if it already waits, the reviewer) before the module."""
    reminder = (
        AgreementReminder.objects.select_related(
            "enrollment__person__user",
            "enrollment__person__line_manager__user",
            "enrollment__reviewer__user",
            "enrollment__program__organisation",
            "session__module",
        )
        .filter(pk=reminder_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None:
        return {"sent": False}
    enrollment = reminder.enrollment
    agreement = Agreement.objects.filter(enrollment=enrollment, stage=reminder.stage).first()
    if agreement is not None and agreement.status == Status.AGREED:
        AgreementReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
        return {"sent": False}
    waiting = agreement is not None and agreement.status == Status.SUBMITTED
    recipient = reviewer_of(enrollment) if waiting else enrollment.person
    org = enrollment.program.organisation.slug
    if agreement is not None:
        path = reverse("programs:agreement_detail", kwargs={"org": org, "pk": agreement.pk})
    else:
        path = reverse(
            "programs:agreement_edit",
            kwargs={"org": org, "enrollment_id": enrollment.pk, "stage": reminder.stage},
        )
    if _address(recipient):
        agreement_message(
            event="reminder_reviewer" if waiting else "reminder",
            recipient=recipient,
            enrollment=enrollment,
            stage=reminder.stage,
            path=path,
            session=reminder.session,
        ).send()
    AgreementReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return {"sent": bool(_address(recipient))}


@shared_task(name="programs.agreement_reminders")
def agreement_reminders() -> int:
    """Beat task, daily: queue the agreement reminders that are due (once per person and stage)."""
    return agreement_reminders_queue()
