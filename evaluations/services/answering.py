"""Answering an evaluation, and HR's review of free texts.

Answering keeps the anonymity the models are built for: the respondent's
transaction writes the completion and one sealed envelope, nothing readable
about the content; ``folding`` writes the answers of a whole session together
once its window has closed. Nothing on the request path talks to Celery.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programs.models import Enrollment, Session

from ..models import (
    SCALE_VALUES,
    Completion,
    EffectEntry,
    EffectTheme,
    FormVersion,
    Question,
    ReviewState,
    SealedAnswers,
    TextAnswer,
)
from ..selectors import AnswerState, answer_state
from .folding import answers_seal

TEXT_MAX_LENGTH = 2000
MAX_EFFECT_ENTRIES = 10


@dataclass(frozen=True)
class SubmittedAnswers:
    """What one participant answered: ratings and texts by question id, effect entries."""

    version_id: int
    ratings: dict[int, int]
    texts: dict[int, str] = field(default_factory=dict)
    effects: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class SubmitResult:
    stored: bool

    @property
    def already_answered(self) -> bool:
        return not self.stored


class NotAnswerable(ValidationError):
    """The participant may not answer this evaluation now; ``code`` is an AnswerState."""


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise ValidationError(_("The text contains a character that is not allowed."), code="nul")
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("Write at most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}, code="too_long"
        )
    return text


def _validated(*, session: Session, answers: SubmittedAnswers, content=None):
    """Check the answers against the version they were given for. Returns what to store.

    ``content`` (a selectors.FormContent the caller already loaded) saves reading the
    version again when it is the one answered, of this session's module.
    """
    known = (
        content is not None
        and content.version.pk == answers.version_id
        and content.form.module_id == session.module_id
    )
    if known:
        form = content.form
        questions = {q.pk: q for q in content.questions}
    else:
        version = (
            FormVersion.objects.select_related("form")
            .filter(pk=answers.version_id, form__module_id=session.module_id)
            .first()
        )
        if version is None:
            raise ValidationError(
                _("The form has changed since you opened it. Please answer again."),
                code="form_changed",
            )
        form = version.form
        questions = {q.pk: q for q in version.questions.all()}
    scale_ids = {pk for pk, q in questions.items() if q.kind == Question.Kind.SCALE}
    if set(answers.ratings) != scale_ids:
        if set(answers.ratings) - set(questions):
            raise ValidationError(
                _("The form has changed since you opened it. Please answer again."),
                code="form_changed",
            )
        raise ValidationError(_("Answer every question on the 1–6 scale."), code="missing_rating")
    if any(value not in SCALE_VALUES for value in answers.ratings.values()):
        raise ValidationError(_("Choose a value from 1 to 6."), code="off_scale")
    texts = {}
    for question_id, text in answers.texts.items():
        question = questions.get(question_id)
        no_comment = question is not None and (
            question.kind == Question.Kind.SCALE and not question.allow_comment
        )
        if question is None or no_comment:
            raise ValidationError(
                _("The form has changed since you opened it. Please answer again."),
                code="form_changed",
            )
        text = _clean_text(text)
        if text:
            texts[question_id] = text
    effects = []
    if answers.effects:
        if not form.collects_effects:
            raise ValidationError(_("This form has no effect entries."), code="no_effects")
        if known:
            theme_ids = {theme.pk for theme in content.themes}
        else:
            theme_ids = set(
                EffectTheme.objects.filter(program_id=session.module.program_id).values_list(
                    "pk", flat=True
                )
            )
        if len(answers.effects) > MAX_EFFECT_ENTRIES:
            raise ValidationError(_("Too many effect entries."), code="too_many_effects")
        for theme_id, text in answers.effects:
            if theme_id not in theme_ids:
                raise ValidationError(_("Choose one of the themes."), code="unknown_theme")
            text = _clean_text(text)
            if text:
                effects.append((theme_id, text))
    return sorted(scale_ids), texts, effects


def evaluation_submit(
    *, enrollment: Enrollment, session: Session, answers: SubmittedAnswers, content=None
) -> SubmitResult:
    """Store one participant's answers to one session's evaluation, sealed.

    One transaction, two rows:
    1. the Completion (enrollment × session). Its uniqueness makes a second
       submission (double click, second tab, replayed request) fail as a
       whole: the result is then ``stored=False`` and nothing else is written;
    2. one ``SealedAnswers`` envelope (``folding.answers_seal``): the answers
       encrypted under the seal key, pointing to the session only.

    Nothing readable about the content is in this transaction, so neither the
    WAL nor old row versions tie an answer to the completion. The envelopes
    are folded into counters and rows when the window closes
    (``folding.answers_fold``).

    Raises NotAnswerable if the participant did not attend or the window is
    not open, ValidationError if the answers do not fit the form. ``content``:
    the form the caller showed, if already loaded (see ``_validated``).
    Side effects: database rows only; no mail, no task, no log of content.
    """
    # Read again, not from what the page loaded: the moment of writing decides.
    state = answer_state(enrollment=enrollment, session=session, fresh=True)
    if state == AnswerState.ANSWERED:
        return SubmitResult(stored=False)
    if state != AnswerState.OPEN:
        raise NotAnswerable(state, code=state)
    scale_ids, texts, effects = _validated(session=session, answers=answers, content=content)
    sealed = answers_seal(
        session_id=session.pk,
        version_id=answers.version_id,
        ratings={q: answers.ratings[q] for q in scale_ids},
        texts=texts,
        effects=effects,
    )
    try:
        with transaction.atomic():
            # No savepoint around it: a failed completion must undo the envelope too.
            Completion.objects.create(enrollment=enrollment, session=session)
            SealedAnswers.objects.create(session=session, sealed=sealed)
    except IntegrityError:
        if Completion.objects.filter(enrollment=enrollment, session=session).exists():
            return SubmitResult(stored=False)
        raise
    return SubmitResult(stored=True)


# --- Review of free texts -------------------------------------------------------------------


def review_set(*, item: TextAnswer | EffectEntry, state: str) -> None:
    """HR's decision on one text: published (shown above k) or hidden (never leaves HR)."""
    if state not in ReviewState.values:
        raise ValidationError(_("Unknown decision."), code="unknown_state")
    type(item).objects.filter(pk=item.pk).update(review=state)
    item.review = state
