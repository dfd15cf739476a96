"""Reads for evaluations, scoped to the organisation and the asking user from the start.

Aggregated results live in ``evaluations.results`` and ``evaluations.effects``
and are re-exported here for the other apps (the status reports); the k rule
and complementary suppression are already applied in them. One module per
reader:

- ``answering``: the participant's open evaluations, whether they may answer
  now (``answer_state``), their session and the form to answer.
- ``missing``: who attended and has not answered, from completions only (the
  process leader's list, the reminders' recipients).
- ``programs``: the program, module and groups led; published and queued
  free texts; forms and versions.

Everything is re-exported here, so callers write ``selectors.answer_state``.
"""

from ..effects import effect_summary
from ..results import RESULTS_SECONDS, program_results, results_key
from .answering import (
    AnswerFacts,
    AnswerState,
    FormContent,
    OpenEvaluation,
    answer_state,
    form_content,
    form_content_for_module,
    open_evaluations_for,
    participant_session_or_404,
)
from .missing import (
    MissingRespondents,
    missing_respondents,
    reminder_due_sessions,
    reminder_recipients,
)
from .programs import (
    current_version,
    forms_of_program,
    groups_led_by,
    module_or_404,
    program_or_404,
    published_effects,
    published_texts,
    review_item_or_404,
    review_queue,
    version_has_answers,
)

__all__ = [
    "RESULTS_SECONDS",
    "AnswerFacts",
    "AnswerState",
    "FormContent",
    "MissingRespondents",
    "OpenEvaluation",
    "answer_state",
    "current_version",
    "effect_summary",
    "form_content",
    "form_content_for_module",
    "forms_of_program",
    "groups_led_by",
    "missing_respondents",
    "module_or_404",
    "open_evaluations_for",
    "participant_session_or_404",
    "program_or_404",
    "program_results",
    "published_effects",
    "published_texts",
    "reminder_due_sessions",
    "reminder_recipients",
    "results_key",
    "review_item_or_404",
    "review_queue",
    "version_has_answers",
]
