from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models import Department, Level, Person


def canonical_email(value: str) -> str:
    """The stored address of the login the database would match (any case), else the input.

    PostgreSQL's case-insensitive match folds some letters that Python's lower() leaves
    (dotless ı, long ſ), so the lockout must count attempts under the stored address,
    or each such spelling would get its own ten tries.
    """
    from .accounts import login_for_address, normalise_email

    user = login_for_address(value)
    return user.email if user is not None else normalise_email(value)


def axes_username(request, credentials) -> str:
    """django-axes' key for an attempt (``AXES_USERNAME_CALLABLE``)."""
    return canonical_email((credentials or {}).get("username", ""))


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
        return canonical_email(self.cleaned_data["username"])

    def confirm_login_allowed(self, user):
        """Refuse a password where every organisation of the login has turned it off."""
        from .selectors import organisations_for

        super().confirm_login_allowed(user)
        organisations = list(organisations_for(user=user))
        closed = [o for o in organisations if not o.password_login]
        if organisations and len(closed) == len(organisations):
            raise forms.ValidationError(
                gettext(
                    "%(org)s logs its people in with its own sign-in only. Use the button "
                    "“Log in with %(org)s” on its login page."
                )
                % {"org": closed[0].name},
                code="password_login_off",
            )


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
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "CSV (separated by ; or , or tab, also Excel's “Unicode text”) or XLSX, at most "
            "%(size)d MB, with column names in the first row."
        ) % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is too large. The limit is %(limit)d MB.")
                % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
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


class IdentityProviderForm(ErrorSummaryMixin, forms.ModelForm):
    """The organisation's own sign-in (OpenID Connect) and whether passwords still work."""

    issuer = forms.URLField(
        label=_("Issuer"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The provider's address, e.g. https://login.kommun.se/realms/staff."),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the secret that is saved. It is never shown again."),
    )
    password_login = forms.BooleanField(
        label=_("Allow login with e-mail address and password"),
        required=False,
        help_text=_(
            "Turn it off once everyone signs in with the organisation's own sign-in. "
            "The organisation's pages then open only after that sign-in."
        ),
    )

    field_order = [
        "enabled",
        "issuer",
        "client_id",
        "client_secret",
        "match_on",
        "employee_number_claim",
        "scopes",
        "password_login",
    ]

    class Meta:
        from .models import IdentityProvider

        model = IdentityProvider
        fields = [
            "enabled",
            "issuer",
            "client_id",
            "match_on",
            "employee_number_claim",
            "scopes",
        ]
        widgets = {"match_on": forms.RadioSelect}
        labels = {"enabled": _("Use the organisation's own sign-in")}
        help_texts = {
            "employee_number_claim": _("Used only when people are matched on employee number."),
            "scopes": _("Separated by spaces; must include openid."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["password_login"].initial = organisation.password_login
        self.has_secret = bool(self.instance.pk and self.instance.client_secret)

    def clean_scopes(self):
        scopes = " ".join(self.cleaned_data["scopes"].split())
        if "openid" not in scopes.split():
            raise forms.ValidationError(_("The scopes must include openid."))
        return scopes

    def clean(self):
        from .oidc import ProviderUnavailable, fetch_metadata

        cleaned = super().clean()
        secret = cleaned.get("client_secret") or ""
        # The saved secret goes only to the provider and client it was saved for.
        moved = self.has_secret and any(
            name in self.changed_data for name in ("issuer", "client_id")
        )
        if secret:
            self.instance.client_secret = secret
        elif not self.has_secret or moved:
            self.add_error("client_secret", _("Give the client secret from the provider."))
        if not cleaned.get("password_login") and not cleaned.get("enabled"):
            self.add_error(
                "password_login",
                _(
                    "Turn on the organisation’s own sign-in before you turn off “Allow login with "
                    "e-mail address and password”."
                ),
            )
        issuer = cleaned.get("issuer")
        if cleaned.get("enabled") and issuer and "issuer" not in self.errors:
            try:
                metadata = fetch_metadata(issuer)
            except ProviderUnavailable as exc:
                self.add_error("issuer", str(exc))
            else:
                cleaned["issuer"] = metadata["issuer"]
        return cleaned

    def save(self, commit=True):
        provider = super().save()
        self.organisation.password_login = self.cleaned_data["password_login"]
        self.organisation.save(update_fields=["password_login"])
        return provider
