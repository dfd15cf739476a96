"""Retention rules per organisation (and the platform's own), and the log of what they removed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation

from .kinds import KIND_CHOICES, PLATFORM_KEYS

# A rule of the platform has no organisation, a rule of an organisation has one.
_SCOPE_MATCHES_KIND = models.Q(organisation__isnull=True, kind__in=PLATFORM_KEYS) | (
    models.Q(organisation__isnull=False) & ~models.Q(kind__in=PLATFORM_KEYS)
)


class RetentionRule(models.Model):
    """One kind of record, its period, and the decision that allows removing it.

    Without a row the kind's documented default applies, switched off. A rule
    may be switched on only with a decision reference. A kind of the platform
    (``retention.kinds.PLATFORM``) has one rule for the installation, without
    an organisation.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty for a rule of the whole installation."),
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
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(organisation__isnull=True),
                name="retention_platform_rule_once",
            ),
            models.CheckConstraint(
                condition=models.Q(enabled=False) | ~models.Q(decision_reference=""),
                name="retention_rule_enabled_has_decision",
                violation_error_message=_("A rule is applied only with a decision reference."),
            ),
            models.CheckConstraint(
                condition=_SCOPE_MATCHES_KIND,
                name="retention_rule_scope_matches_kind",
                violation_error_message=_(
                    "This kind of record has one rule for the whole installation."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.period_days}"


class RetentionLogEntry(models.Model):
    """What one run removed of one kind: a count and a date, never content.

    Without an organisation: a run of the platform's rules.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind of record"), max_length=30, choices=KIND_CHOICES)
    removed = models.PositiveIntegerField(_("removed"))
    # The oldest point (end of program, attempt, …) among what was removed; None when nothing was.
    oldest = models.DateField(_("oldest"), null=True, blank=True)
    period_days = models.PositiveIntegerField(_("kept for (days)"), default=0)
    ran_at = models.DateTimeField(_("when"), default=timezone.now)
    # None: the nightly job (or the command line) ran it.
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    decision_reference = models.CharField(_("decision (gallringsbeslut)"), max_length=200)

    class Meta:
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log")
        ordering = ["-ran_at", "kind"]
        indexes = [models.Index(fields=["organisation", "ran_at"], name="retention_log_org_at")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.removed}"
