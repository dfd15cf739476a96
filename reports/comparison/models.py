"""An organisation's choice to take part in the comparison between organisations.

Imported by ``reports.models`` so Django finds it; the rest of the comparison
(``reports.comparison``) reads and writes it through its selectors and services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation


class ComparisonOptIn(models.Model):
    """The organisation takes part: its module means and response rates enter the anonymous
    distribution. No row, no part: off by default, and leaving deletes the row, so the
    organisation's figures stop counting at once (``reports.comparison.services``)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="comparison_opt_in",
        verbose_name=_("organisation"),
    )
    opted_in_at = models.DateTimeField(_("taking part since"))
    opted_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("turned on by"),
    )

    class Meta:
        verbose_name = _("comparison opt-in")
        verbose_name_plural = _("comparison opt-ins")

    def __str__(self):
        return str(self.organisation)
