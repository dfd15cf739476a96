"""Forms of the evaluation pages: answering, reviewing texts, editing questions and themes.

Validation of input only; the rules live in ``evaluations.services``.
"""

import hashlib
from dataclasses import dataclass

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin

from .models import SCALE_VALUES, EffectTheme, Question, ReviewState
from .selectors import FormContent
from .services import TEXT_MAX_LENGTH, QuestionData, SubmittedAnswers

EFFECT_SLOTS = 3


def _no_nul(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError(
            _("The text contains a character that is not allowed."), code="nul"
        )
    return value


class TextField(forms.CharField):
    def __init__(self, *, rows: int = 3, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        kwargs.setdefault("validators", [_no_nul])
        super().__init__(
            widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}), **kwargs
        )


@dataclass
class ScaleItem:
    """What the template needs to draw one scale question as a fieldset."""

    question: Question
    field: forms.BoundField
    comment: forms.BoundField | None


@dataclass
class EffectItem:
    number: int
    theme: forms.BoundField
    text: forms.BoundField


class AnswerForm(ErrorSummaryMixin, forms.Form):
    """One evaluation: a fieldset of radios per scale question, open texts, effect entries.

    The browser's own validation is off (``use_required_attribute``) so every
    problem appears in the error summary, and a re-shown form keeps all that
    was typed.
    """

    use_required_attribute = False

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, content: FormContent, **kwargs):
        super().__init__(*args, **kwargs)
        self.content = content
        self.fields["version"].initial = content.version.pk
        for question in content.questions:
            if question.kind == Question.Kind.SCALE:
                self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                    label=question.text,
                    choices=self._scale_choices(question),
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={
                        "required": _("Choose a value from 1 to 6 for “%(question)s”")
                        % {"question": question.text}
                    },
                )
                if question.allow_comment:
                    self.fields[f"c{question.pk}"] = TextField(
                        label=_("Comment (optional)"), rows=2
                    )
            else:
                self.fields[f"t{question.pk}"] = TextField(label=question.text, rows=4)
        self.effect_slots = range(1, EFFECT_SLOTS + 1) if content.themes else range(0)
        theme_choices = [("", _("Choose a theme")), *((t.pk, t.name) for t in content.themes)]
        for slot in self.effect_slots:
            self.fields[f"effect{slot}_theme"] = forms.TypedChoiceField(
                label=_("Theme"),
                choices=theme_choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"effect{slot}_text"] = TextField(label=_("What has changed?"), rows=3)

    @staticmethod
    def _scale_choices(question: Question) -> list[tuple[int, str]]:
        labels = {SCALE_VALUES[0]: question.low_label, SCALE_VALUES[-1]: question.high_label}
        return [
            (value, f"{value} – {labels[value]}" if labels.get(value) else str(value))
            for value in SCALE_VALUES
        ]

    def clean(self):
        cleaned = super().clean()
        for slot in self.effect_slots:
            theme, text = cleaned.get(f"effect{slot}_theme"), cleaned.get(f"effect{slot}_text")
            if text and not theme:
                self.add_error(
                    f"effect{slot}_theme",
                    _("Choose a theme for effect %(number)d.") % {"number": slot},
                )
            elif theme and not text:
                self.add_error(
                    f"effect{slot}_text",
                    _("Describe effect %(number)d, or leave its theme empty.") % {"number": slot},
                )
        return cleaned

    @property
    def fragment_key(self) -> str:
        """Names the unbound form's HTML: the language and everything it is drawn from.

        Questions of a version without answers may be edited in place, so the key
        holds their texts, not only the version's id.
        """
        drawn_from = [
            translation.get_language(),
            self.content.version.pk,
            [
                (q.pk, q.order, q.kind, q.text, q.low_label, q.high_label, q.allow_comment)
                for q in self.content.questions
            ],
            [(t.pk, t.order, t.name) for t in self.content.themes],
        ]
        return hashlib.sha256(repr(drawn_from).encode()).hexdigest()

    def scale_items(self) -> list[ScaleItem]:
        return [
            ScaleItem(
                question=q,
                field=self[f"q{q.pk}"],
                comment=self[f"c{q.pk}"] if f"c{q.pk}" in self.fields else None,
            )
            for q in self.content.questions
            if q.kind == Question.Kind.SCALE
        ]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[f"t{q.pk}"] for q in self.content.questions if q.kind == Question.Kind.TEXT]

    def effect_items(self) -> list[EffectItem]:
        return [
            EffectItem(
                number=slot,
                theme=self[f"effect{slot}_theme"],
                text=self[f"effect{slot}_text"],
            )
            for slot in self.effect_slots
        ]

    def answers(self) -> SubmittedAnswers:
        data = self.cleaned_data
        texts = {}
        for question in self.content.questions:
            name = f"c{question.pk}" if question.kind == Question.Kind.SCALE else f"t{question.pk}"
            if data.get(name):
                texts[question.pk] = data[name]
        return SubmittedAnswers(
            version_id=data["version"],
            ratings={
                q.pk: data[f"q{q.pk}"]
                for q in self.content.questions
                if q.kind == Question.Kind.SCALE
            },
            texts=texts,
            effects=tuple(
                (data[f"effect{slot}_theme"], data[f"effect{slot}_text"])
                for slot in self.effect_slots
                if data.get(f"effect{slot}_theme") and data.get(f"effect{slot}_text")
            ),
        )


class ReviewForm(forms.Form):
    """HR's decision on one text."""

    item = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(ReviewState.PUBLIC, _("Publish")), (ReviewState.HIDDEN, _("Hide"))]
    )


class QuestionForm(forms.Form):
    # The select shows "scale" first, and a browser posts it for an empty extra row: with
    # the same initial, a row left untouched is unchanged, and skipped, not an error.
    kind = forms.ChoiceField(
        label=_("Type"), choices=Question.Kind.choices, initial=Question.Kind.SCALE
    )
    text = forms.CharField(label=_("Question"), max_length=500, validators=[_no_nul])
    low_label = forms.CharField(
        label=_("Label of 1"), max_length=100, required=False, validators=[_no_nul]
    )
    high_label = forms.CharField(
        label=_("Label of 6"), max_length=100, required=False, validators=[_no_nul]
    )
    allow_comment = forms.BooleanField(
        label=_("Optional comment"),
        required=False,
        help_text=_("Participants may add a comment to their rating."),
    )

    def as_data(self) -> QuestionData:
        data = self.cleaned_data
        return QuestionData(
            kind=data["kind"],
            text=data["text"].strip(),
            low_label=data["low_label"].strip() if data["kind"] == Question.Kind.SCALE else "",
            high_label=data["high_label"].strip() if data["kind"] == Question.Kind.SCALE else "",
            allow_comment=data["allow_comment"] and data["kind"] == Question.Kind.SCALE,
        )


class BaseQuestionFormSet(forms.BaseFormSet):
    def questions(self) -> list[QuestionData]:
        """The questions in the order given, without deleted and untouched empty forms."""
        return [form.as_data() for form in self.ordered_forms]


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=2, can_delete=True, can_order=True
)


class FormSettingsForm(ErrorSummaryMixin, forms.Form):
    collects_effects = forms.BooleanField(
        label=_("Collect effect entries (Spåra effekter av SVC)"), required=False
    )


class MissingSettingForm(ErrorSummaryMixin, forms.Form):
    visible = forms.BooleanField(
        label=_("Let process leaders see who in their groups has not answered"),
        required=False,
    )


class ThemesForm(ErrorSummaryMixin, forms.Form):
    """The program's effect themes, in order; an empty field removes an unused theme."""

    def __init__(self, *args, themes: list[EffectTheme], slots: int = 5, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, max(slots, len(themes) + 1) + 1):
            self.fields[f"theme{index}"] = forms.CharField(
                label=_("Theme %(number)d") % {"number": index},
                max_length=200,
                required=False,
                validators=[_no_nul],
            )
        for index, theme in enumerate(themes, start=1):
            self.initial[f"theme{index}"] = theme.name

    def names(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]
