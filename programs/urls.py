from django.urls import include, path

from . import views

app_name = "programs"

urlpatterns = [
    path("o/<slug:org>/program/", views.ProgramListView.as_view(), name="program_list"),
    path(
        "o/<slug:org>/program/<int:program_id>/",
        views.ProgramOverviewView.as_view(),
        name="program_overview",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/", views.GroupDetailView.as_view(), name="group_detail"
    ),
    path("", include("programs.urls_people")),
    path("", include("programs.urls_rounds")),
    path("", include("programs.urls_sessions")),
    path("", include("programs.urls_agreements")),
    path("", include("programs.urls_editing")),
    path("", include("programs.consultant.urls")),
]
