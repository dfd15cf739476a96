from django.urls import path

from . import views, views_accessibility

app_name = "statements"

urlpatterns: list = [
    # Data protection: the privacy notice (art. 13) and the records of processing (art. 30).
    path("dataskydd/", views.PrivacyIndexView.as_view(), name="privacy_index"),
    path("o/<slug:org>/dataskydd/", views.PrivacyNoticeView.as_view(), name="privacy_notice"),
    path(
        "o/<slug:org>/dataskydd/register/",
        views.ProcessingRecordView.as_view(),
        name="processing_record",
    ),
    path("o/<slug:org>/dataskydd/redigera/", views.PrivacyEditView.as_view(), name="privacy_edit"),
    # The accessibility statement (lag 2018:1937): public, in Swedish and English.
    path(
        "tillganglighet/",
        views_accessibility.InstallationStatementView.as_view(),
        name="accessibility",
    ),
    path(
        "o/<slug:org>/tillganglighet/",
        views_accessibility.OrganisationStatementView.as_view(),
        name="accessibility_statement",
    ),
    path(
        "o/<slug:org>/tillganglighet/tack/",
        views_accessibility.ReportSentView.as_view(),
        name="accessibility_report_sent",
    ),
    path(
        "o/<slug:org>/tillganglighet/redigera/",
        views_accessibility.ContactEditView.as_view(),
        name="accessibility_edit",
    ),
    path(
        "o/<slug:org>/tillganglighet/rapporter/",
        views_accessibility.ReportListView.as_view(),
        name="accessibility_reports",
    ),
    path(
        "o/<slug:org>/tillganglighet/rapporter/<int:pk>/hanterad/",
        views_accessibility.ReportHandleView.as_view(),
        name="accessibility_report_handle",
    ),
]
