"""Forms of the agreement pages. They validate input only; the rules live in
``programs.agreements.services``.

Only the answers are fields of the participant's form: a POSTed status,
enrollment or line manager has no field to land in and is ignored.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin
from participants.models import Person

from .agreements.rules import TEXT_MAX_LENGTH
from .models import AgreementField


def no_nul(value: str) -> None:
    # PostgreSQL cannot store NUL in text; say so instead of failing with a server error.
    if "\x00" in value:
        raise ValidationError(
            _("The text contains a character that cannot be saved (NUL). Remove it and try again."),
            code="nul",
        )


class AgreementForm(ErrorSummaryMixin, forms.Form):
    """The questions of one stage. Nothing is required for a draft; all required
    questions must be answered to send it (``submitting``)."""

    prefix = "texts"

    def __init__(self, *args, questions: list[AgreementField], submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.submitting = submitting
        for question in questions:
            label = str(question.label)
            if not question.required:
                label = gettext("%(question)s (optional)") % {"question": label}
            widget = forms.Textarea(attrs={"rows": 5}) if question.multiline else forms.TextInput()
            self.fields[question.key] = forms.CharField(
                label=label,
                help_text=question.help_text,
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=widget,
                validators=[no_nul],
                error_messages={
                    "max_length": _(
                        "Shorten the text to at most %(limit_value)d characters "
                        "(it has %(show_value)d)."
                    )
                },
            )

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for question in self.questions:
                if question.required and question.key in cleaned and not cleaned[question.key]:
                    self.add_error(
                        question.key,
                        ValidationError(
                            gettext("Answer “%(question)s” before you send the agreement.")
                            % {"question": question.label},
                            code="required",
                        ),
                    )
        return cleaned

    def texts(self) -> dict:
        """The valid answers that were posted (an invalid one stays on the page, unsaved)."""
        data = getattr(self, "cleaned_data", {})
        # Only questions present in the POST: a partial post never blanks a stored answer.
        return {
            q.key: data[q.key]
            for q in self.questions
            if q.key in data and self.add_prefix(q.key) in self.data
        }


class ReturnForm(ErrorSummaryMixin, forms.Form):
    comment = forms.CharField(
        label=_("What should be changed?"),
        help_text=_("The participant sees your comment and can change the agreement."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_nul],
        error_messages={"required": _("Write what should be changed.")},
    )


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person: Person) -> str:
        if person.department_id:
            return f"{person.full_name} ({person.department})"
        return person.full_name


class ReviewerForm(ErrorSummaryMixin, forms.Form):
    reviewer = ReviewerChoiceField(
        label=_("Who reviews the agreements"),
        queryset=Person.objects.none(),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("For example: the line manager is on parental leave until March."),
        required=False,
        max_length=300,
        validators=[no_nul],
    )

    def __init__(self, *args, candidates, line_manager: Person | None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = candidates
        if line_manager is not None:
            field.empty_label = gettext("The line manager (%(name)s)") % {
                "name": line_manager.full_name
            }
        else:
            field.empty_label = gettext("The line manager (none registered)")


class AgreementFieldForm(ErrorSummaryMixin, forms.ModelForm):
    """Change one question of a program's agreements."""

    class Meta:
        model = AgreementField
        fields = ["label", "help_text", "required", "multiline", "order", "active"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "max": 99})}


class NewAgreementFieldForm(ErrorSummaryMixin, forms.ModelForm):
    """Add a question to a program's agreements."""

    class Meta:
        model = AgreementField
        fields = ["part", "label", "help_text", "required", "multiline", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "max": 99})}
