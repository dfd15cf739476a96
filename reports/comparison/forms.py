"""The organisation's choice to take part; validation of input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin


class ComparisonSettingForm(ErrorSummaryMixin, forms.Form):
    take_part = forms.BooleanField(
        label=_("Our organisation takes part in the comparison between organisations"),
        required=False,
    )
