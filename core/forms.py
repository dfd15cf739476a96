"""Form helpers shared by every form: the GOV.UK-style error summary, and a service's errors."""

from django import forms
from django.core.exceptions import ValidationError


class ErrorSummaryMixin:
    """Lets the error summary link each message to the field it belongs to.

    Django 5.2 already sets ``aria-invalid`` and points ``aria-describedby``
    at the field's error block; the summary only needs anchors.
    """

    def error_summary(self) -> list[tuple[str, str]]:
        entries = []
        for error in self.non_field_errors():
            entries.append(("", error))
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS or name not in self.fields:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if getattr(bound.field.widget, "allow_multiple_selected", False) or isinstance(
                bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                anchor = f"{anchor}_0"
            for error in errors:
                entries.append((anchor, error))
        return entries


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: keys the form knows, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
