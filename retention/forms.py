"""The form of one retention rule: input only (the rule about decisions is in the service)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

# A hundred years: longer than any record here is meant to be kept.
MAX_DAYS = 36_500


class RetentionRuleForm(ErrorSummaryMixin, forms.Form):
    period_days = forms.IntegerField(
        label=_("Kept for (days)"),
        min_value=0,
        max_value=MAX_DAYS,
        help_text=_("In days: 30 is a month, 365 a year, 730 two years; 0 removes at once."),
        error_messages={"invalid": _("Give the period as a whole number of days, e.g. 730.")},
    )
    decision_reference = forms.CharField(
        label=_("Decision (gallringsbeslut)"),
        max_length=200,
        required=False,
        help_text=_("The reference of the organisation's decision, e.g. its diary number."),
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date of the decision, for example 2026-03-15.")},
    )
    enabled = forms.BooleanField(
        label=_("Apply the rule"),
        required=False,
        help_text=_("Removes what is due every night, and now from the dry run."),
    )
