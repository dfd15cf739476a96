from django.urls import path

from . import views
from .comparison import views as comparison_views

app_name = "reports"

PROGRAM = "o/<slug:org>/program/<int:program_id>/"
REPORT = "o/<slug:org>/statusrapporter/<int:report_id>/"

urlpatterns = [
    path("o/<slug:org>/uppfoljning/", views.ProgramIndexView.as_view(), name="program_index"),
    path(f"{PROGRAM}avstamningar/", views.CheckInListView.as_view(), name="check_in_list"),
    path(f"{PROGRAM}avstamningar/ny/", views.CheckInCreateView.as_view(), name="check_in_create"),
    path(
        "o/<slug:org>/avstamningar/<int:check_in_id>/",
        views.CheckInDetailView.as_view(),
        name="check_in_detail",
    ),
    path(f"{PROGRAM}i-siffror/", views.DashboardView.as_view(), name="dashboard"),
    path(f"{PROGRAM}statusrapporter/", views.ReportListView.as_view(), name="report_list"),
    path(f"{PROGRAM}statusrapporter/ny/", views.ReportCreateView.as_view(), name="report_create"),
    path(REPORT, views.ReportDetailView.as_view(), name="report_detail"),
    path(f"{REPORT}status/", views.ReportStatusView.as_view(), name="report_status"),
    path(f"{REPORT}skapa-pdf/", views.ReportGenerateView.as_view(), name="report_generate"),
    path(f"{REPORT}pdf/", views.ReportDownloadView.as_view(), name="report_download"),
    # The comparison between organisations (reports.comparison).
    path(
        "o/<slug:org>/installningar/jamforelse/",
        comparison_views.ComparisonSettingsView.as_view(),
        name="comparison_settings",
    ),
    path(f"{PROGRAM}jamforelse/", comparison_views.ComparisonView.as_view(), name="comparison"),
]
