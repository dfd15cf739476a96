from django.urls import path

from . import views

app_name = "statements"

urlpatterns = [
    # Data protection: the privacy notice (art. 13) and the records of processing (art. 30).
    path("dataskydd/", views.PrivacyIndexView.as_view(), name="privacy_index"),
    path("o/<slug:org>/dataskydd/", views.PrivacyNoticeView.as_view(), name="privacy_notice"),
    path(
        "o/<slug:org>/dataskydd/register/",
        views.ProcessingRecordView.as_view(),
        name="processing_record",
    ),
    path("o/<slug:org>/dataskydd/redigera/", views.PrivacyEditView.as_view(), name="privacy_edit"),
]
