"""Retention rules per organisation, and the log of what the rules removed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation

from .kinds import KIND_CHOICES


class RetentionRule(models.Model):
    """One kind of record, its period, and the decision that allows removing it.

    Without a row the kind's documented default applies, switched off. A rule
    may be switched on only with a decision reference.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of record"), max_length=30, choices=KIND_CHOICES)
    period_days = models.PositiveIntegerField(_("kept for (days)"))
    decision_reference = models.CharField(
        _("decision (gallringsbeslut)"),
        max_length=200,
        blank=True,
        help_text=_("The reference of the organisation's decision, e.g. its diary number."),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    enabled = models.BooleanField(_("applied"), default=False)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="retention_rule_once"),
            models.CheckConstraint(
                condition=models.Q(enabled=False) | ~models.Q(decision_reference=""),
                name="retention_rule_enabled_has_decision",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.period_days}"


class RetentionLogEntry(models.Model):
    """What one run removed of one kind: a count and a date, never content."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of record"), max_length=30, choices=KIND_CHOICES)
    removed = models.PositiveIntegerField(_("removed"))
    ran_at = models.DateTimeField(_("when"), default=timezone.now)
    decision_reference = models.CharField(_("decision (gallringsbeslut)"), max_length=200)

    class Meta:
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log")
        ordering = ["-ran_at", "kind"]
        indexes = [models.Index(fields=["organisation", "ran_at"], name="retention_log_org_at")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.removed}"
