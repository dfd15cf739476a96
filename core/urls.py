from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("healthz/", views.health, name="health"),
    path("healthz/db/", views.health_db, name="health_db"),
    path("o/<slug:org>/", views.organisation_home, name="organisation_home"),
    path("o/<slug:org>/hr/", views.HRStartView.as_view(), name="hr_start"),
    path("o/<slug:org>/styrgrupp/", views.SteeringStartView.as_view(), name="steering_start"),
    path(
        "o/<slug:org>/processledare/",
        views.ProcessLeaderStartView.as_view(),
        name="process_leader_start",
    ),
    path(
        "o/<slug:org>/mitt-program/",
        views.ParticipantStartView.as_view(),
        name="participant_start",
    ),
    path("o/<slug:org>/chef/", views.LineManagerStartView.as_view(), name="line_manager_start"),
]
