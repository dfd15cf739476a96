"""URLs of the pages that edit the program, its modules and a group's process leaders;
included by programs/urls.py in the "programs" namespace."""

from django.urls import path

from . import views_editing as views

_module = "o/<slug:org>/program/<int:program_id>/moduler/"

urlpatterns = [
    path("o/<slug:org>/program/nytt/", views.ProgramCreateView.as_view(), name="program_create"),
    path(
        "o/<slug:org>/program/<int:program_id>/redigera/",
        views.ProgramEditView.as_view(),
        name="program_edit",
    ),
    path(_module, views.ModuleListView.as_view(), name="module_list"),
    path(f"{_module}ny/", views.ModuleCreateView.as_view(), name="module_create"),
    path(f"{_module}<int:module_id>/", views.ModuleEditView.as_view(), name="module_edit"),
    path(
        f"{_module}<int:module_id>/ta-bort/",
        views.ModuleDeleteView.as_view(),
        name="module_delete",
    ),
    path(
        f"{_module}<int:module_id>/flytta/",
        views.ModuleMoveView.as_view(),
        name="module_move",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/processledare/",
        views.GroupProcessLeadersView.as_view(),
        name="group_process_leaders",
    ),
]
