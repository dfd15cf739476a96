from django.urls import path

from .views_erasure import ErasureView

app_name = "privacy"

urlpatterns: list = [
    path("o/<slug:org>/personer/<int:pk>/radera/", ErasureView.as_view(), name="erase"),
]
