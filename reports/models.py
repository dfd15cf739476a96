"""Numbered status reports to the steering group, each with a frozen snapshot of the figures.

Check-ins (avstämningar) are ``programs.models.CheckIn``; this app only reads
and creates them (``reports.services.check_in_create``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Module, Program, Round


class StatusReport(models.Model):
    """A statusrapport: Nr 1, 2, … per program.

    ``snapshot`` holds the figures as they were when the report was
    generated (see ``reports.selectors.program_figures``), so an old report
    never changes when the data does. The PDF lives in the private storage
    under ``file_name``; ``status`` says how far its rendering has come.
    """

    class Status(models.TextChoices):
        # A record without a PDF yet (the demo's old reports); opening it
        # asks for it (services.status_report_open).
        NOT_GENERATED = "not_generated", _("No PDF yet")
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    PENDING_STATUSES = (Status.QUEUED, Status.RENDERING)

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="status_reports")
    number = models.PositiveIntegerField(_("number"), editable=False)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    focus_round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("round in focus"),
    )
    focus_module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module in focus"),
    )
    summary = models.TextField(_("summary"))
    according_to_plan = models.TextField(_("what went according to plan"), blank=True)
    deviations = models.TextField(_("deviations"), blank=True)
    corrections_made = models.TextField(_("corrections made"), blank=True)
    decisions_requested = models.TextField(
        _("decisions the steering group is asked to take"), blank=True
    )
    # The language the report is written and rendered in.
    language = models.CharField(_("language"), max_length=10, default="sv")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    snapshot = models.JSONField(_("figures when generated"), default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error_message = models.TextField(_("error"), blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    rendered_at = models.DateTimeField(_("generated"), null=True, blank=True)
    # When the latest rendering began: a report still "rendering" long after the
    # task's time limit lost its worker (see services.status_reports_recover_stalled).
    rendering_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number"], name="status_report_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="status_report_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="status_report_period_order",
                violation_error_message=_("The period must end on or after its first day."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file_name=""),
                name="status_report_ready_has_file",
            ),
        ]

    def __str__(self):
        return _("Status report no. %(number)s") % {"number": self.number}

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
    def can_generate(self) -> bool:
        """No PDF is on its way: it may be asked for (again)."""
        return self.status in (self.Status.NOT_GENERATED, self.Status.FAILED)

    @property
    def download_name(self) -> str:
        return f"statusrapport-{self.number}.pdf"


# The comparison between organisations keeps its model in its own package.
from .comparison.models import ComparisonOptIn  # noqa: E402, F401
