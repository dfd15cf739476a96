"""Form helpers shared by every form: the GOV.UK-style error summary, and a service's errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# Django's own message for an empty required field; a field that kept it gets one that
# names the field (``required_message``). A field with its own message keeps that.
DEFAULT_REQUIRED = forms.Field.default_error_messages["required"]


def _in_sentence(label) -> str:
    """A label as it reads inside a sentence: "Förnamn" → "förnamn", but "HR-system" stays."""
    label = str(label).strip().rstrip(":")
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def required_message(field: forms.Field, label) -> str:
    """What to do about an empty required field, naming it: "Ange förnamn.", "Välj förvaltning."

    The verb follows the widget: a text to enter, something to choose, a file to upload,
    a box to tick. A hidden field has no label to name; the page itself was incomplete.
    """
    widget = field.widget
    if widget.is_hidden:
        return gettext("The page was incomplete. Reload it and try again.")
    if isinstance(field, forms.FileField):
        return gettext("Choose %(field)s to upload.") % {"field": _in_sentence(label)}
    if isinstance(widget, forms.CheckboxInput):
        return gettext("Tick “%(field)s”.") % {"field": str(label).strip()}
    if isinstance(field, forms.ChoiceField) or isinstance(widget, forms.widgets.ChoiceWidget):
        return gettext("Choose %(field)s.") % {"field": _in_sentence(label)}
    return gettext("Enter %(field)s.") % {"field": _in_sentence(label)}


class ErrorSummaryMixin:
    """The error summary: each message linked to its field, and each naming its field.

    Django 5.2 already sets ``aria-invalid`` and points ``aria-describedby``
    at the field's error block; the summary only needs anchors. An empty
    required field's message says what to do with which field (GOV.UK's
    "Enter your first name"), in the summary and at the field alike, instead
    of Django's "This field is required." repeated once per field.
    """

    def full_clean(self):
        # Here, not in __init__: forms add and change fields after their own __init__.
        for name, field in self.fields.items():
            if field.error_messages.get("required") == DEFAULT_REQUIRED:
                field.error_messages = {
                    **field.error_messages,
                    "required": required_message(field, self[name].label),
                }
        super().full_clean()

    def error_summary(self) -> list[tuple[str, str]]:
        entries = []
        for error in self.non_field_errors():
            entries.append(("", error))
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS or name not in self.fields:
                continue
            bound = self[name]
            # A hidden input cannot take focus: its message stands without a link.
            anchor = "" if bound.is_hidden else bound.auto_id
            if anchor and (
                getattr(bound.field.widget, "allow_multiple_selected", False)
                or isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            ):
                anchor = f"{anchor}_0"
            for error in errors:
                if (anchor, error) not in entries:
                    entries.append((anchor, error))
        return entries


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: keys the form knows, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
