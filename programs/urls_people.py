"""URLs of the manager registry; included by programs/urls.py in the "programs" namespace."""

from django.urls import path

from . import views_people as views

urlpatterns = [
    path("o/<slug:org>/chefer/", views.PersonListView.as_view(), name="person_list"),
    path(
        "o/<slug:org>/chefer/export.xlsx",
        views.RegistryExportView.as_view(),
        name="person_export",
    ),
    path("o/<slug:org>/chefer/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
]
