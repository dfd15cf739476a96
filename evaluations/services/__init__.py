"""Writes for evaluations (HackSoft-style services), one module per concern.

- ``answering``: ``evaluation_submit`` and the answer window; HR's text review.
- ``authoring``: default forms, versions, effect themes, who may see non-respondents.
- ``reminders``: e-mails to non-respondents before the deadline.

Everything is re-exported here, so callers write ``services.evaluation_submit``.
"""

from .answering import (
    MAX_EFFECT_ENTRIES,
    TEXT_MAX_LENGTH,
    AnswerFacts,
    AnswerState,
    NotAnswerable,
    SubmitResult,
    SubmittedAnswers,
    answer_state,
    evaluation_submit,
    review_set,
)
from .authoring import (
    QuestionData,
    current_version,
    default_questions,
    effect_themes_ensure,
    effect_themes_update,
    evaluation_form_ensure,
    evaluation_form_update,
    missing_visibility_set,
    question_data,
    version_has_answers,
)
from .reminders import (
    reminder_due_sessions,
    reminder_message,
    reminder_recipients,
    reminders_send,
)

__all__ = [
    "MAX_EFFECT_ENTRIES",
    "TEXT_MAX_LENGTH",
    "AnswerFacts",
    "AnswerState",
    "NotAnswerable",
    "QuestionData",
    "SubmitResult",
    "SubmittedAnswers",
    "answer_state",
    "current_version",
    "default_questions",
    "effect_themes_ensure",
    "effect_themes_update",
    "evaluation_form_ensure",
    "evaluation_form_update",
    "evaluation_submit",
    "missing_visibility_set",
    "question_data",
    "reminder_due_sessions",
    "reminder_message",
    "reminder_recipients",
    "reminders_send",
    "review_set",
    "version_has_answers",
]
