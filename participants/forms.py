from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models import Department, Level, Person


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


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class PersonFilterForm(forms.Form):
    """Search and filters of the manager registry (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, e-mail address or employee number."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    level = forms.ChoiceField(
        label=_("Managerial level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    enrolled = forms.ChoiceField(
        label=_("In the program"), required=False, choices=[("", _("All")), *YesNo.choices]
    )
    manager_since_from = forms.DateField(
        label=_("Manager since, from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    active = forms.ChoiceField(
        label=_("Active"), required=False, choices=[("", _("All")), *YesNo.choices]
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation, parent__isnull=True
        )


class PersonForm(ErrorSummaryMixin, forms.ModelForm):
    """Create or edit a manager. The line manager is given by employee number."""

    line_manager_number = forms.CharField(
        label=_("Line manager (employee number)"),
        required=False,
        max_length=40,
        help_text=_("Leave empty for the top of the organisation."),
    )

    class Meta:
        model = Person
        fields = [
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "department",
            "level",
            "manager_since",
            "active",
        ]
        widgets = {"manager_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation
        ).select_related("parent")
        self.fields["department"].required = True
        if self.instance.line_manager_id:
            self.initial["line_manager_number"] = self.instance.line_manager.employee_number

    def clean_employee_number(self):
        number = self.cleaned_data["employee_number"].strip()
        clash = Person.objects.filter(organisation=self.organisation, employee_number=number)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another manager already has this employee number."))
        return number

    def clean_line_manager_number(self):
        number = self.cleaned_data["line_manager_number"].strip()
        if not number:
            self.instance.line_manager = None
            return ""
        manager = Person.objects.filter(
            organisation=self.organisation, employee_number=number
        ).first()
        if manager is None:
            raise forms.ValidationError(
                gettext("No manager in the organisation has employee number %(number)s.")
                % {"number": number}
            )
        self.instance.line_manager = manager
        return number


class ImportUploadForm(ErrorSummaryMixin, forms.Form):
    file = forms.FileField(label=_("File from the HR system"))

    def __init__(self, *args, **kwargs):
        from .imports.files import MAX_BYTES

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "CSV (separated by ; or ,) or XLSX, at most %(size)d MB, with column names in the "
            "first row."
        ) % {"size": MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        from .imports.files import MAX_BYTES

        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is too large. The limit is %(limit)d MB.")
                % {"limit": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ForgotPasswordForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SetPasswordForm(ErrorSummaryMixin, auth_forms.SetPasswordForm):
    pass
