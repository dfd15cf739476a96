"""Writes for evaluations (HackSoft-style services), one module per concern.

- ``answering``: ``evaluation_submit``; HR's text review.
- ``folding``: sealing answers at submit; folding a closed session's envelopes in.
- ``authoring``: default forms, versions, effect themes, who may see non-respondents.
- ``reminders``: e-mails to non-respondents before the deadline.

Everything is re-exported here, so callers write ``services.evaluation_submit``.
The reads these writes rest on (``answer_state``, ``current_version``, the
reminders' recipients) are in ``evaluations.selectors``.
"""

from .answering import (
    MAX_EFFECT_ENTRIES,
    TEXT_MAX_LENGTH,
    NotAnswerable,
    SubmitResult,
    SubmittedAnswers,
    evaluation_submit,
    review_set,
)
from .authoring import (
    QuestionData,
    default_questions,
    effect_themes_ensure,
    effect_themes_update,
    evaluation_form_ensure,
    evaluation_form_update,
    missing_visibility_set,
    question_data,
)
from .folding import (
    FoldResult,
    answers_fold,
    answers_fold_for_program,
)
from .reminders import (
    reminder_message,
    reminders_send,
)

__all__ = [
    "MAX_EFFECT_ENTRIES",
    "TEXT_MAX_LENGTH",
    "FoldResult",
    "NotAnswerable",
    "QuestionData",
    "SubmitResult",
    "SubmittedAnswers",
    "answers_fold",
    "answers_fold_for_program",
    "default_questions",
    "effect_themes_ensure",
    "effect_themes_update",
    "evaluation_form_ensure",
    "evaluation_form_update",
    "evaluation_submit",
    "missing_visibility_set",
    "question_data",
    "reminder_message",
    "reminders_send",
    "review_set",
]
