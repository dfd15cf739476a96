"""The filters of the access log page (GET): input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Person, PersonalDataAccess


class AccessLogFilterForm(forms.Form):
    """By action, and by person: the person comes from a link on their page, so it is hidden
    and kept when the action changes. A person of another organisation is not valid."""

    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *PersonalDataAccess.Action.choices],
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(organisation=organisation)
