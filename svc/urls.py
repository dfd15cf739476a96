from django.contrib import admin
from django.urls import include, path

from . import views

# The role start pages (namespace "svc").
start_pages = [
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

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("participants.auth_urls")),
    path("", include("participants.urls")),
    path("", include("core.urls")),
    path("", include((start_pages, "svc"))),
    path("", include("programs.urls")),
    path("", include("evaluations.urls")),
    path("", include("reports.urls")),
    path("", include("retention.urls")),
    path("", include("privacy.urls")),
    path("", include("statements.urls")),
    path("", include("designs.urls")),
    path("", include("console.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "svc.views.error_403"
handler404 = "svc.views.error_404"
handler500 = "svc.views.error_500"
