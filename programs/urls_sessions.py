"""URLs of the sessions pages; included by programs/urls.py in the "programs" namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
