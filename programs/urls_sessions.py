"""URLs of the sessions pages; included by programs/urls.py in the "programs" namespace."""

from django.urls import path

from . import views_makeups
from . import views_sessions as views

urlpatterns = [
    path(
        "o/<slug:org>/grupp/<int:group_id>/planera/",
        views.GroupScheduleView.as_view(),
        name="group_schedule",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/inbjudningar/",
        views.GroupInvitationsView.as_view(),
        name="group_invitations",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/inloggningslankar/",
        views.GroupLoginLinksView.as_view(),
        name="group_login_links",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/kalender.ics",
        views.GroupCalendarView.as_view(),
        name="group_calendar",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/deltagarlista.xlsx",
        views.GroupExportView.as_view(),
        name="group_export",
    ),
    path(
        "o/<slug:org>/grupp/<int:group_id>/narvaro/",
        views.GroupProgressView.as_view(),
        name="group_progress",
    ),
    path(
        "o/<slug:org>/modultillfalle/<int:session_id>/narvaro/",
        views.SessionAttendanceView.as_view(),
        name="session_attendance",
    ),
    path("o/<slug:org>/modultillfallen/", views.SessionMonthView.as_view(), name="session_month"),
    path(
        "o/<slug:org>/mitt-program/kalender.ics",
        views.MyCalendarView.as_view(),
        name="my_calendar",
    ),
    path(
        "o/<slug:org>/program/<int:program_id>/narvaro/",
        views.ProgramProgressView.as_view(),
        name="program_progress",
    ),
    path(
        "o/<slug:org>/omgang/<int:round_id>/narvaro.xlsx",
        views.RoundExportView.as_view(),
        name="round_export",
    ),
    path(
        "o/<slug:org>/omgang/<int:round_id>/uppsamling/",
        views_makeups.RoundMakeUpsView.as_view(),
        name="round_makeups",
    ),
]
