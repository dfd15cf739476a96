"""The forms of the accessibility statement: the organisation's contact details, and the
public form for reporting an accessibility problem. Input validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models_accessibility import AccessibilityContact, AccessibilityReport

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessibilityContactForm(ErrorSummaryMixin, forms.ModelForm):
    """What the organisation's statement says about whom to contact, and its review date."""

    class Meta:
        model = AccessibilityContact
        fields = ["unit", "email", "phone", "reviewed_on"]
        widgets = {
            "reviewed_on": _DATE,
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "email": _("Shown on the statement page. Preferably a shared mailbox."),
        }
        error_messages = {
            "email": {
                "invalid": _("Enter the contact e-mail address in the form name@example.com.")
            },
        }


class AccessibilityReportForm(ErrorSummaryMixin, forms.Form):
    """A reported accessibility problem. Only the description is required."""

    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=AccessibilityReport._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Describe the problem you ran into.")},
        help_text=_(
            "What were you trying to do, and what happened? Tell us which aid you use, "
            "if you use one."
        ),
    )
    page = forms.CharField(
        label=_("Which page is it about?"),
        max_length=AccessibilityReport._meta.get_field("page").max_length,
        required=False,
        help_text=_("The page's address or heading, if you know it."),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=AccessibilityReport._meta.get_field("name").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _(
                "Enter your e-mail address in the form name@example.com, or leave it empty."
            )
        },
        help_text=_("Only if you would like an answer."),
    )
