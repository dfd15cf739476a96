"""The console's forms: input validation only (the rules are in ``console.services``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .services import DEPARTMENT_NAME_MAX_LENGTH, SLUG_MAX_LENGTH, slug_errors, suggested_slug


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Organisation name"), required=False, max_length=200)


class OrganisationForm(ErrorSummaryMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("As the organisation calls itself, for example “Örebro kommun”."),
    )
    slug = forms.CharField(
        label=_("Short name"),
        required=False,
        max_length=SLUG_MAX_LENGTH,
        help_text=_(
            "In the organisation's addresses: /o/short-name/. Lowercase letters a–z, digits "
            "and hyphens. Leave it empty to use one made from the name (“Örebro kommun” "
            "gives “orebro-kommun”). It cannot be changed later."
        ),
        error_messages={
            "max_length": _("The short name can have at most %(limit_value)d characters.")
        },
    )
    departments = forms.CharField(
        label=_("Departments (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One förvaltning per line; a unit inside it as “Förvaltning / Enhet”. "
            "HR can add more later with the import of managers."
        ),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        if slug:
            for problem in slug_errors(slug):
                raise forms.ValidationError(problem)
        return slug

    def clean_departments(self) -> list[tuple[str, str | None]]:
        """(förvaltning, enhet or None) per line; the errors name the line."""
        pairs, errors = [], []
        for number, line in enumerate(self.cleaned_data["departments"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [" ".join(part.split()) for part in line.split("/")]
            if len(parts) > 2:
                errors.append(
                    _(
                        "Departments, line %(line)s: give one förvaltning and at most one "
                        "unit, as “A / B”."
                    )
                    % {"line": number}
                )
                continue
            if not parts[0] or (len(parts) == 2 and not parts[1]):
                errors.append(
                    _("Departments, line %(line)s: a name is missing on one side of the “/”.")
                    % {"line": number}
                )
                continue
            if any(len(part) > DEPARTMENT_NAME_MAX_LENGTH for part in parts):
                errors.append(
                    _("Departments, line %(line)s: a name can have at most %(max)s characters.")
                    % {"line": number, "max": DEPARTMENT_NAME_MAX_LENGTH}
                )
                continue
            pairs.append((parts[0], parts[1] if len(parts) == 2 else None))
        if errors:
            raise forms.ValidationError(errors)
        return pairs

    def clean(self):
        cleaned = super().clean()
        # An empty short name: the one made from the name, checked the same way.
        if "slug" in cleaned and not cleaned["slug"] and cleaned.get("name"):
            suggestion = suggested_slug(cleaned["name"])
            problems = slug_errors(suggestion) if suggestion else []
            if not suggestion:
                self.add_error("slug", _("Enter a short name: the name gives none."))
            elif problems:
                self.add_error("slug", problems[0])
            else:
                cleaned["slug"] = suggestion
        return cleaned


class HRInviteForm(ErrorSummaryMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Shown on their pages if the address has no login yet."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={"invalid": _("Enter the e-mail address as name@example.se.")},
    )
