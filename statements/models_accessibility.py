"""The organisation's part of the accessibility statement, and the accessibility problems
people report through it.

The rest of the statement (the shortcomings, how the service was tested) comes from the
project: ``statements.accessibility``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation

__all__ = ["AccessibilityContact", "AccessibilityReport"]


class AccessibilityContact(models.Model):
    """Whom to contact about the service's accessibility, as the organisation states it."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="accessibility_contact"
    )
    unit = models.CharField(
        _("responsible unit"),
        max_length=200,
        blank=True,
        help_text=_("The unit that answers for the service, e.g. HR-avdelningen."),
    )
    email = models.EmailField(_("contact e-mail address"), max_length=254, blank=True)
    phone = models.CharField(_("contact phone number"), max_length=40, blank=True)
    reviewed_on = models.DateField(
        _("statement last reviewed"),
        null=True,
        blank=True,
        help_text=_("The day the organisation last reviewed this statement."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("accessibility contact")
        verbose_name_plural = _("accessibility contacts")

    def __str__(self):
        return str(self.organisation)

    @property
    def is_empty(self) -> bool:
        return not (self.unit or self.email or self.phone)


class AccessibilityReport(models.Model):
    """An accessibility problem someone reported on the organisation's statement page.

    The name and e-mail address are the reporter's own choice to leave; nothing links a
    report to a login.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="accessibility_reports"
    )
    page = models.CharField(_("page"), max_length=500, blank=True)
    description = models.TextField(_("description of the problem"), max_length=5000)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    handled = models.BooleanField(_("handled"), default=False)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")
        ordering = ["handled", "-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "handled", "-created_at"],
                name="a11y_report_org_handled",
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.created_at:%Y-%m-%d}"
