from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("healthz/", views.health, name="health"),
    path("healthz/db/", views.health_db, name="health_db"),
    path("favicon.ico", views.favicon, name="favicon"),
]
