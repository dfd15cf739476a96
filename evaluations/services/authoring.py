"""Writes for the forms HR authors: default forms, versions, effect themes.

A version that has answers is never changed; editing it makes a new version,
and the old answers keep their old questions.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programs.models import Module, Program

from .. import defaults
from ..models import (
    EffectTheme,
    EvaluationForm,
    FormVersion,
    Question,
    SealedAnswers,
)
from ..selectors import current_version, version_has_answers


@dataclass(frozen=True)
class QuestionData:
    kind: str
    text: str
    low_label: str = ""
    high_label: str = ""
    allow_comment: bool = False


def default_questions() -> list[QuestionData]:
    return [
        QuestionData(
            kind=kind,
            text=text,
            low_label=defaults.LOW_LABEL if kind == Question.Kind.SCALE else "",
            high_label=defaults.HIGH_LABEL if kind == Question.Kind.SCALE else "",
            allow_comment=comment,
        )
        for kind, text, comment in defaults.DEFAULT_QUESTIONS
    ]


def _create_questions(version: FormVersion, questions: list[QuestionData]) -> None:
    Question.objects.bulk_create(
        Question(
            version=version,
            order=order,
            kind=q.kind,
            text=q.text,
            low_label=q.low_label if q.kind == Question.Kind.SCALE else "",
            high_label=q.high_label if q.kind == Question.Kind.SCALE else "",
            allow_comment=q.allow_comment and q.kind == Question.Kind.SCALE,
        )
        for order, q in enumerate(questions, start=1)
    )


def evaluation_form_ensure(*, module: Module) -> EvaluationForm:
    """The module's evaluation form, created with the default Swedish questions if missing.

    The last module of the program also collects effect entries. Idempotent and
    safe under concurrent calls. Side effects: at most one form, one version and
    its questions; the program's default effect themes.
    """
    form = EvaluationForm.objects.filter(module=module).first()
    if form is not None:
        form.module = module  # the caller's instance: no second query for it
        return form
    last_order = Module.objects.filter(program_id=module.program_id).order_by("-order").first()
    try:
        with transaction.atomic():
            form = EvaluationForm.objects.create(
                module=module, collects_effects=last_order is not None and last_order == module
            )
            version = FormVersion.objects.create(form=form, number=1)
            _create_questions(version, default_questions())
    except IntegrityError:  # a concurrent request created it first
        return EvaluationForm.objects.get(module=module)
    effect_themes_ensure(program=module.program)
    return form


def effect_themes_ensure(*, program: Program) -> list[EffectTheme]:
    """The program's effect themes, seeded with the three from the brochure if it has none."""
    themes = list(EffectTheme.objects.filter(program=program).order_by("order"))
    if themes:
        return themes
    EffectTheme.objects.bulk_create(
        [
            EffectTheme(program=program, order=order, name=name)
            for order, name in enumerate(defaults.EFFECT_THEMES, start=1)
        ],
        ignore_conflicts=True,
    )
    return list(EffectTheme.objects.filter(program=program).order_by("order"))


def question_data(question: Question) -> QuestionData:
    return QuestionData(
        kind=question.kind,
        text=question.text,
        low_label=question.low_label,
        high_label=question.high_label,
        allow_comment=question.allow_comment,
    )


@transaction.atomic
def evaluation_form_update(
    *, form: EvaluationForm, questions: list[QuestionData], collects_effects: bool
) -> FormVersion:
    """Give the form these questions, in this order. Returns the version now current.

    A version that has answers is never changed: the questions go into a new
    version, and the old answers keep their old questions. A version without
    answers is edited in place. Unchanged questions change nothing.
    Raises ValidationError if there is no scale question.
    """
    if not any(q.kind == Question.Kind.SCALE for q in questions):
        raise ValidationError(
            _("The form needs at least one question on the 1–6 scale."), code="no_scale_question"
        )
    form = EvaluationForm.objects.select_for_update().get(pk=form.pk)
    if form.collects_effects != collects_effects:
        form.collects_effects = collects_effects
        form.save(update_fields=["collects_effects"])
    version = current_version(form)
    if [question_data(q) for q in version.questions.order_by("order")] == list(questions):
        return version
    if version_has_answers(version):
        version = FormVersion.objects.create(form=form, number=version.number + 1)
    else:
        version.questions.all().delete()
    _create_questions(version, list(questions))
    return version


@transaction.atomic
def effect_themes_update(*, program: Program, names: list[str]) -> list[EffectTheme]:
    """Rename the program's themes in order; an empty name removes an unused theme.

    Entries keep their theme: renaming a theme renames it for them too. A theme
    with entries cannot be removed (ValidationError).
    """
    existing = {t.order: t for t in EffectTheme.objects.select_for_update().filter(program=program)}
    for order, name in enumerate(names, start=1):
        name = name.strip()
        theme = existing.get(order)
        if not name:
            if theme is None:
                continue
            if theme.entries.exists() or _sealed_effects_may_name(program):
                raise ValidationError(
                    _("The theme “%(name)s” has entries and cannot be removed.")
                    % {"name": theme.name},
                    code="theme_in_use",
                )
            theme.delete()
        elif theme is None:
            EffectTheme.objects.create(program=program, order=order, name=name)
        elif theme.name != name:
            theme.name = name
            theme.save(update_fields=["name"])
    themes = list(EffectTheme.objects.filter(program=program).order_by("order"))
    if not themes:
        raise ValidationError(_("Keep at least one theme."), code="no_theme")
    return themes


def _sealed_effects_may_name(program: Program) -> bool:
    """Envelopes not yet folded may hold entries for any of the program's themes."""
    return SealedAnswers.objects.filter(
        session__group__round__program=program,
        session__module__evaluation_form__collects_effects=True,
    ).exists()


def missing_visibility_set(*, organisation, visible: bool) -> bool:
    """HR's choice: may process leaders see who in their groups has not answered?

    Returns whether the setting changed. Side effects: one UPDATE of the organisation.
    """
    visible = bool(visible)
    if organisation.process_leaders_see_missing == visible:
        return False
    type(organisation).objects.filter(pk=organisation.pk).update(
        process_leaders_see_missing=visible
    )
    organisation.process_leaders_see_missing = visible
    return True
