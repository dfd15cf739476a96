"""Agreement pages: the participant writes, the reviewer decides, HR and process leaders see
states. Each view: input -> selector or service -> message -> redirect (POST-redirect-GET).

Who may read an agreement is decided once, in ``agreements.visibility``, and the
lookups in ``agreements.selectors`` apply it: anything but the participant's or the
reviewer's own is 404.
"""

from .participant import AgreementAutosaveView, AgreementEditView
from .parties import (
    AgreementDetailView,
    AgreementHistoryView,
    AgreementReopenView,
    AgreementReviewView,
)
from .staff import (
    AgreementFieldsView,
    EnrollmentReviewerView,
    GroupAgreementsView,
    ProgramAgreementsView,
    SessionAgreementsView,
)

__all__ = [
    "AgreementAutosaveView",
    "AgreementDetailView",
    "AgreementEditView",
    "AgreementFieldsView",
    "AgreementHistoryView",
    "AgreementReopenView",
    "AgreementReviewView",
    "EnrollmentReviewerView",
    "GroupAgreementsView",
    "ProgramAgreementsView",
    "SessionAgreementsView",
]
