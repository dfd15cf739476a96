from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("healthz/", views.health, name="health"),
    path("healthz/db/", views.health_db, name="health_db"),
    path("healthz/ready/", views.health_ready, name="health_ready"),
    path("favicon.ico", views.favicon, name="favicon"),
]
