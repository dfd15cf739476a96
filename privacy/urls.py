from django.urls import path

from . import views
from .views_erasure import ErasureView

app_name = "privacy"

EXTRACT = "o/<slug:org>/chefer/<int:pk>/registerutdrag"

urlpatterns = [
    # The register extract (GDPR art. 15): privacy.views
    path(f"{EXTRACT}/", views.ExtractView.as_view(), name="extract"),
    path(f"{EXTRACT}.json", views.ExtractJsonView.as_view(), name="extract_json"),
    path(f"{EXTRACT}/pdf/", views.ExtractPdfCreateView.as_view(), name="extract_pdf_create"),
    path(
        f"{EXTRACT}/pdf/<int:extract_id>/status/",
        views.ExtractPdfStatusView.as_view(),
        name="extract_pdf_status",
    ),
    path(
        f"{EXTRACT}/pdf/<int:extract_id>/",
        views.ExtractPdfView.as_view(),
        name="extract_pdf",
    ),
    # Erasure and pseudonymisation (GDPR art. 17): privacy.views_erasure
    path("o/<slug:org>/chefer/<int:pk>/radera/", ErasureView.as_view(), name="erase"),
]
