"""The month of the consultant's page, as ``?manad=YYYY-MM``."""

from django import forms

from core.forms import ErrorSummaryMixin

from ..forms_sessions import MonthForm


class ConsultantMonthForm(ErrorSummaryMixin, forms.Form):
    """``MonthForm`` (the organisation's month view) under the Swedish parameter name."""

    manad = MonthForm.base_fields["month"]

    def clean_manad(self):
        month = MonthForm({"month": self.cleaned_data["manad"]})
        if not month.is_valid():
            raise forms.ValidationError(month.errors["month"])
        return month.cleaned_data["month"]
