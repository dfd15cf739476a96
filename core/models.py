"""Shared infrastructure models."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A task the application has promised to run, kept in the database.

    The row is written in the same transaction as the change that asks for
    the task, so a dead broker loses nothing: a pending row is sent again by
    the ``core.outbox_flush`` sweeper. Tasks must be idempotent, since a row
    may be delivered more than once.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the queue")
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # Asked for and not yet run: waiting for the broker, or handed to it.
    IN_FLIGHT = (State.PENDING, State.QUEUED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self):
        return f"{self.task_name} ({self.get_state_display()})"
