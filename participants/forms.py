from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin


class LoginForm(ErrorSummaryMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or password is wrong. Check both and try again."),
        "inactive": _("This account is not active. Contact your HR coordinator."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()
