"""URLs of a consultant's pages outside any organisation; included by programs/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("mina-uppdrag/", views.ConsultantSessionsView.as_view(), name="consultant_sessions"),
    path(
        "mina-uppdrag/kalender/",
        views.CalendarFeedManageView.as_view(),
        name="consultant_feed_manage",
    ),
    path("kalender/<slug:token>.ics", views.CalendarFeedView.as_view(), name="consultant_feed"),
]
