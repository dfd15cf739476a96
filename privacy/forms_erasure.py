"""The confirmation HR types before erasing a person: their name, as the page shows it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin
from participants.models import Person


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


class ErasureConfirmForm(ErrorSummaryMixin, forms.Form):
    name = forms.CharField(
        label=_("The person's name"),
        max_length=210,
        help_text=_("Type the name exactly as it is shown above, to confirm."),
        error_messages={"required": _("Type the person's name to confirm the erasure.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_name(self):
        name = self.cleaned_data["name"]
        if _folded(name) != _folded(self.person.full_name):
            raise forms.ValidationError(
                _("That is not the person's name. Nothing was erased."), code="mismatch"
            )
        return name
