"""The platform operator's console, under /konsol/ (outside every organisation)."""

from django.urls import path

from . import views

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
    # Program templates (console.views_designs) add their paths below.
]
