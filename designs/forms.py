"""Forms of the template pages: input only; the rules live in designs.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models import ProgramTemplate

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TemplateForm(ErrorSummaryMixin, forms.Form):
    """Save a program as a template: what the template is called and what it is for."""

    name = forms.CharField(label=_("Name of the template"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what the template is for, and what to adapt."),
    )


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProgramTemplate) -> str:
        return obj.name


class ProgramStartForm(ErrorSummaryMixin, forms.Form):
    """Start a program from a template: which template, the program's name, its first day."""

    template = TemplateChoiceField(
        label=_("Template"),
        queryset=ProgramTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    name = forms.CharField(label=_("Name of the program"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day of the program"),
        required=False,
        widget=_DATE,
        help_text=_(
            "Optional; empty means today. The program's end follows from the template's "
            "length, and you can change both on the program's page."
        ),
        error_messages={"invalid": _("Give the first day as a date, for example 2026-01-12.")},
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
