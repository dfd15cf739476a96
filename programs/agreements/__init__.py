"""Agreements between participants and their line managers (Överenskommelse mellan mig och
min chef).

Per enrollment and stage the participant drafts (every save kept as history),
submits to the reviewer, the reviewer agrees or sends it back with a comment,
and an agreed agreement is locked until someone reopens it explicitly. The
reviewer is the manager HR named for the enrollment, else the participant's
line manager; only they and the participant ever read the texts.

- ``rules``: stages and questions
- ``visibility``: who reviews, and who may see an agreement (the participant and the
  reviewer), as an object check and as a queryset filter
- ``selectors``: the participant's and the reviewer's reads
- ``reports``: states and dates for HR and process leaders (never texts)
- ``services``: the writes
- ``mail``: e-mail and the Celery tasks (the worker imports them from ``programs.tasks``)
"""

from .mail import agreement_reminders, send_agreement_mail, send_agreement_reminder

__all__ = [
    "agreement_reminders",
    "send_agreement_mail",
    "send_agreement_reminder",
]
