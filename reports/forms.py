"""Input for check-ins and status reports; validation of input only."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin
from programs.models import Module, Round

TEXT_MAX = 10_000


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text.
    if "\x00" in value:
        raise ValidationError(_("The text contains a character that cannot be saved."))
    return value


class TextArea(forms.CharField):
    def __init__(self, *, rows=4, **kwargs):
        kwargs.setdefault("max_length", TEXT_MAX)
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)

    def clean(self, value):
        return _no_nul(super().clean(value))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ModuleFilterForm(forms.Form):
    """The module filter of the check-in list (GET)."""

    modul = forms.ModelChoiceField(
        label=_("Module"),
        queryset=Module.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modul"].queryset = Module.objects.filter(program=program).order_by("order")


class CheckInForm(ErrorSummaryMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), empty_label=_("Choose a module")
    )
    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=None,
        required=False,
        empty_label=_("No consultant"),
        help_text=_("Usually the module-responsible consultant."),
    )
    observations = TextArea(label=_("What was observed"))
    corrections = TextArea(
        label=_("Corrections decided"),
        required=False,
        help_text=_("These are carried into the next status report."),
    )
    follow_up = TextArea(label=_("Follow-up from the previous check-in"), required=False)

    def __init__(self, *args, modules, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["consultant"].queryset = consultants


class StatusReportForm(ErrorSummaryMixin, forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    focus_round = forms.ModelChoiceField(
        label=_("Round in focus"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    focus_module = forms.ModelChoiceField(
        label=_("Module in focus"),
        queryset=Module.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    summary = TextArea(label=_("Summary"), rows=5)
    according_to_plan = TextArea(label=_("What went according to plan"), required=False)
    deviations = TextArea(label=_("Deviations"), required=False)
    corrections_made = TextArea(
        label=_("Corrections made"),
        required=False,
        help_text=_(
            "Filled in with the corrections decided at the check-ins since the last report."
        ),
    )
    decisions_requested = TextArea(
        label=_("Decisions the steering group is asked to take"), required=False
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_round"].queryset = Round.objects.filter(program=program).order_by(
            "number"
        )
        self.fields["focus_module"].queryset = Module.objects.filter(program=program).order_by(
            "order"
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end",
                ValidationError(
                    _("The period must end on or after its first day."), code="period_order"
                ),
            )
        return cleaned
