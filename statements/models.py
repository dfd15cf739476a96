"""The organisation's own parts of the privacy notice and the records of processing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation

from .models_accessibility import *  # noqa: F403

# The prose fields, each in Swedish and English; the English page falls back to Swedish.
PROSE_FIELDS = ("legal_basis", "other_recipients", "transfers", "additional")


class PrivacyDetails(models.Model):
    """What HR fills in for the organisation's privacy notice: the controller, the data
    protection officer, the legal basis, the processor, recipients and transfers.

    Everything else on the notice comes from the system (``statements.processing``) and the
    retention rules. An empty field shows the platform's default text, or says that the
    organisation has not filled it in.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="privacy_details",
        verbose_name=_("organisation"),
    )
    controller_name = models.CharField(
        _("controller"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the organisation's name."),
    )
    controller_contact = models.TextField(
        _("the controller's contact details"),
        blank=True,
        help_text=_("Postal address, telephone and e-mail address of the organisation."),
    )
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("the data protection officer's e-mail"), blank=True)
    dpo_phone = models.CharField(
        _("the data protection officer's telephone"), max_length=40, blank=True
    )
    legal_basis_sv = models.TextField(_("legal basis (Swedish)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    processor_name = models.CharField(
        _("processor (personuppgiftsbiträde)"),
        max_length=200,
        blank=True,
        help_text=_("The consultancy that runs the program and the platform for you."),
    )
    processor_contact = models.CharField(
        _("the processor's contact details"), max_length=300, blank=True
    )
    other_recipients_sv = models.TextField(_("other recipients (Swedish)"), blank=True)
    other_recipients_en = models.TextField(_("other recipients (English)"), blank=True)
    transfers_sv = models.TextField(_("transfers outside the EU/EEA (Swedish)"), blank=True)
    transfers_en = models.TextField(_("transfers outside the EU/EEA (English)"), blank=True)
    additional_sv = models.TextField(_("additional information (Swedish)"), blank=True)
    additional_en = models.TextField(_("additional information (English)"), blank=True)
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
        verbose_name = _("privacy details")
        verbose_name_plural = _("privacy details")

    def __str__(self):
        return str(self.organisation)
