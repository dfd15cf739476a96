"""Forms of the pages that edit the program, its modules and a group's process leaders:
input only; the rules live in programs.editing."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models import Module, Program

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model_field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class ProgramForm(ErrorSummaryMixin, forms.Form):
    """The program's name, texts, period and group size bounds."""

    name = _model_field(Program, "name")
    motto = _model_field(Program, "motto")
    purpose = _model_field(Program, "purpose", widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = _model_field(
        Program,
        "starts_on",
        widget=_DATE,
        error_messages={"invalid": _("Give the start as a date, for example 2015-01-01.")},
    )
    ends_on = _model_field(
        Program,
        "ends_on",
        widget=_DATE,
        error_messages={"invalid": _("Give the end as a date, for example 2017-12-31.")},
    )
    min_group_size = _model_field(
        Program,
        "min_group_size",
        min_value=1,
        max_value=999,
        error_messages={
            "invalid": _("Give the smallest group as a whole number, for example 20."),
            "min_value": _("The smallest group must have at least 1 participant."),
            "max_value": _("The smallest group can have at most 999 participants."),
        },
    )
    max_group_size = _model_field(
        Program,
        "max_group_size",
        min_value=1,
        max_value=999,
        error_messages={
            "invalid": _("Give the largest group as a whole number, for example 25."),
            "min_value": _("The largest group must have at least 1 participant."),
            "max_value": _("The largest group can have at most 999 participants."),
        },
    )

    @classmethod
    def initial_for(cls, program: Program) -> dict:
        return {name: getattr(program, name) for name in cls.base_fields}


class ModuleForm(ErrorSummaryMixin, forms.Form):
    """A module's name, purpose, length and module-responsible consultant."""

    name = _model_field(Module, "name")
    purpose = _model_field(Module, "purpose", widget=forms.Textarea(attrs={"rows": 4}))
    duration_days = forms.DecimalField(
        label=_("Length in days"),
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("10"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("In half days, for example 1,5."),
        error_messages={
            "invalid": _("Give the length in days as a number, for example 1,5."),
            "min_value": _("The length in days must be at least half a day."),
            "max_value": _("The length in days can be at most 10 days."),
            "max_digits": _("Give the length in days in half days, for example 1,5."),
            "max_decimal_places": _("Give the length in days in half days, for example 1,5."),
        },
    )
    responsible_consultant = forms.ModelChoiceField(
        label=_("Module-responsible consultant"),
        queryset=None,
        required=False,
        empty_label=_("Not assigned"),
        error_messages={
            "invalid_choice": _(
                "Choose the module-responsible consultant among the organisation's consultants."
            )
        },
    )

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_consultant"].queryset = consultants

    def clean_duration_days(self):
        days = self.cleaned_data["duration_days"]
        if days % Decimal("0.5"):
            raise forms.ValidationError(
                gettext("Give the length in days in half days, for example 1,5."),
                code="half_days",
            )
        return days

    @classmethod
    def initial_for(cls, module: Module) -> dict:
        return {
            "name": module.name,
            "purpose": module.purpose,
            "duration_days": module.duration_days,
            "responsible_consultant": module.responsible_consultant_id,
        }


class ProcessLeadersForm(ErrorSummaryMixin, forms.Form):
    """The group's process leaders, among the consultants who work for the organisation."""

    process_leaders = forms.ModelMultipleChoiceField(
        label=_("Process leaders"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the group has no process leader."),
        error_messages={
            "invalid_choice": _(
                "Choose process leaders among the consultants who work for the organisation."
            ),
            "invalid_pk_value": _(
                "Choose process leaders among the consultants who work for the organisation."
            ),
        },
    )

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process_leaders"].queryset = consultants
