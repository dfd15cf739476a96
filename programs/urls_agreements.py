"""URLs of the agreements pages; included by programs/urls.py in the "programs" namespace."""

from django.urls import path

from . import views_agreements as views

urlpatterns = [
    # The participant writes: by their own enrollment and the stage.
    path(
        "o/<slug:org>/overenskommelser/deltagande/<int:enrollment_id>/<slug:stage>/",
        views.AgreementEditView.as_view(),
        name="agreement_edit",
    ),
    path(
        "o/<slug:org>/overenskommelser/deltagande/<int:enrollment_id>/<slug:stage>/autospara/",
        views.AgreementAutosaveView.as_view(),
        name="agreement_autosave",
    ),
    # The participant and the reviewer read, decide, reopen, and see the history.
    path(
        "o/<slug:org>/overenskommelser/<int:pk>/",
        views.AgreementDetailView.as_view(),
        name="agreement_detail",
    ),
    path(
        "o/<slug:org>/overenskommelser/<int:pk>/granska/",
        views.AgreementReviewView.as_view(),
        name="agreement_review",
    ),
    path(
        "o/<slug:org>/overenskommelser/<int:pk>/oppna-igen/",
        views.AgreementReopenView.as_view(),
        name="agreement_reopen",
    ),
    path(
        "o/<slug:org>/overenskommelser/<int:pk>/historik/",
        views.AgreementHistoryView.as_view(),
        name="agreement_history",
    ),
    # HR: states and dates, reviewers, questions. Never the texts.
    path(
        "o/<slug:org>/program/<int:program_id>/overenskommelser/",
        views.ProgramAgreementsView.as_view(),
        name="program_agreements",
    ),
    path(
        "o/<slug:org>/program/<int:program_id>/overenskommelser/fragor/",
        views.AgreementFieldsView.as_view(),
        name="agreement_fields",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/overenskommelser/",
        views.GroupAgreementsView.as_view(),
        name="group_agreements",
    ),
    path(
        "o/<slug:org>/deltagande/<int:enrollment_id>/granskare/",
        views.EnrollmentReviewerView.as_view(),
        name="enrollment_reviewer",
    ),
    # The process leader: who has agreed the stage before their next session.
    path(
        "o/<slug:org>/processledare/overenskommelser/",
        views.SessionAgreementsView.as_view(),
        name="session_agreements",
    ),
]
