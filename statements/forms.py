"""The HR coordinator's form for the organisation's parts of the privacy notice."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models import PrivacyDetails
from .processing import EDITABLE_FIELDS
from .processing.selectors import default_legal_basis, default_transfers

FALLBACK_HELP = _("Leave empty to show the Swedish text on the English page.")


def _defaults(organisation_name: str) -> dict[str, str]:
    """The platform's texts that a field starts from, per field, in the field's language."""
    texts = {}
    for language in ("sv", "en"):
        with translation.override(language):
            texts[f"legal_basis_{language}"] = default_legal_basis(organisation_name)
            texts[f"transfers_{language}"] = default_transfers()
    return texts


class PrivacyDetailsForm(ErrorSummaryMixin, forms.ModelForm):
    """The organisation's parts. The legal basis and the transfers start from the platform's
    text; left as it is (or emptied), the field keeps following that text."""

    class Meta:
        model = PrivacyDetails
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "controller_contact": forms.Textarea(attrs={"rows": 3}),
            "dpo_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "dpo_phone": forms.TextInput(attrs={"type": "tel"}),
            **{
                f"{name}_{language}": forms.Textarea(attrs={"rows": 4, "lang": language})
                for name in ("legal_basis", "other_recipients", "transfers", "additional")
                for language in ("sv", "en")
            },
        }
        help_texts = {
            "dpo_email": _("For example dataskyddsombud@kommun.se."),
            "other_recipients_sv": _(
                "Anyone besides the processor and the e-mail provider who receives the data. "
                "Leave empty if there is no one."
            ),
            "legal_basis_en": FALLBACK_HELP,
            "other_recipients_en": FALLBACK_HELP,
            "transfers_en": FALLBACK_HELP,
            "additional_en": FALLBACK_HELP,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.defaults = _defaults(self.instance.controller_name or organisation.name)
        for name, text in self.defaults.items():
            if not getattr(self.instance, name):
                self.initial[name] = text

    def clean(self):
        cleaned = super().clean()
        # The platform's own text, unchanged, is stored as empty: it stays the default.
        for name, text in self.defaults.items():
            if (cleaned.get(name) or "").strip() == text:
                cleaned[name] = ""
        return cleaned
