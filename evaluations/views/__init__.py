"""Evaluation pages, by audience.

- ``participant``: answer a session's evaluation, the thank-you, the own group's results.
- ``results``: results, published comments and effects (HR, steering group, process leaders).
- ``hr``: review of free texts, forms and themes (HR only).
- ``missing``: who has not answered, for process leaders if the organisation allows it.
"""

from .hr import FormEditView, FormsView, ReviewView
from .missing import MissingSettingView, MissingView
from .participant import AnswerView, MyEvaluationsView, ThanksView
from .results import CommentsView, EffectsView, ResultsExportView, ResultsView

__all__ = [
    "AnswerView",
    "CommentsView",
    "EffectsView",
    "FormEditView",
    "FormsView",
    "MissingSettingView",
    "MissingView",
    "MyEvaluationsView",
    "ResultsExportView",
    "ResultsView",
    "ReviewView",
    "ThanksView",
]
