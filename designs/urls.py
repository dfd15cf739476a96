"""URLs of the program templates (namespace "designs"); HR of the organisation only."""

from django.urls import path

from . import views

app_name = "designs"

urlpatterns = [
    path("o/<slug:org>/programmallar/", views.TemplateListView.as_view(), name="template_list"),
    path(
        "o/<slug:org>/programmallar/starta/",
        views.ProgramStartView.as_view(),
        name="program_start",
    ),
    path(
        "o/<slug:org>/programmallar/<int:template_id>/",
        views.TemplateDetailView.as_view(),
        name="template_detail",
    ),
    path(
        "o/<slug:org>/program/<int:program_id>/spara-som-mall/",
        views.TemplateCreateView.as_view(),
        name="template_create",
    ),
]
