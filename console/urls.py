"""The platform operator's console, under /konsol/ (outside every organisation)."""

from django.urls import path

from . import views, views_designs

app_name = "console"

urlpatterns = [
    path("konsol/", views.HomeView.as_view(), name="home"),
    path(
        "konsol/organisationer/ny/",
        views.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "konsol/organisationer/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    # Program templates (designs): start a program in an organisation from a template.
    path(
        "konsol/organisationer/<slug:slug>/starta-program/",
        views_designs.ProgramStartView.as_view(),
        name="program_start",
    ),
]
