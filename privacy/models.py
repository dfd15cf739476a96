"""The register extract's PDF, made by a task while HR waits on the extract's page."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation, Person


class RegisterExtract(models.Model):
    """One PDF of a person's register extract (registerutdrag), asked for by HR.

    The PDF is kept in the row (``pdf``), not in a file storage: it is small, it
    holds personal data of one person and goes with the row, and the worker and the
    web process need no shared storage. It is removed with the person.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    PENDING_STATUSES = (Status.QUEUED, Status.RENDERING)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="register_extracts", verbose_name=_("person")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"", editable=False)
    rendered_at = models.DateTimeField(_("generated"), null=True, blank=True)
    error_message = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("register extract")
        verbose_name_plural = _("register extracts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(rendered_at__isnull=False),
                name="register_extract_ready_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def download_name(self) -> str:
        return f"registerutdrag-{self.person.employee_number}.pdf"
