"""URLs of the rounds pages; included by programs/urls.py in the "programs" namespace."""

from django.urls import path

from . import views_rounds

urlpatterns: list = [
    path(
        "o/<slug:org>/program/<int:program_id>/omgang/ny/",
        views_rounds.RoundCreateView.as_view(),
        name="round_create",
    ),
    path(
        "o/<slug:org>/omgang/<int:round_id>/urval/",
        views_rounds.RoundPoolView.as_view(),
        name="round_pool",
    ),
    path(
        "o/<slug:org>/omgang/<int:round_id>/forslag/",
        views_rounds.RoundProposalView.as_view(),
        name="round_proposal",
    ),
    path(
        "o/<slug:org>/program/<int:program_id>/intag/",
        views_rounds.IntakeView.as_view(),
        name="intake",
    ),
    path(
        "o/<slug:org>/program/<int:program_id>/intag/lagg-till/",
        views_rounds.IntakeAddView.as_view(),
        name="intake_add",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/flytta/",
        views_rounds.GroupMoveView.as_view(),
        name="group_move",
    ),
]
