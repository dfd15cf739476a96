from django.urls import path

from . import views, views_access_log, views_signin

app_name = "participants"

urlpatterns = [
    path("o/<slug:org>/chefer/ny/", views.PersonFormView.as_view(), name="person_create"),
    path("o/<slug:org>/chefer/<int:pk>/andra/", views.PersonFormView.as_view(), name="person_edit"),
    path("o/<slug:org>/import/", views.ImportUploadView.as_view(), name="import_upload"),
    path("o/<slug:org>/import/<uuid:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path(
        "o/<slug:org>/import/<uuid:pk>/bekrafta/",
        views.ImportConfirmView.as_view(),
        name="import_confirm",
    ),
    path(
        "o/<slug:org>/inloggning/",
        views_signin.IdentityProviderView.as_view(),
        name="identity_provider",
    ),
    path("o/<slug:org>/atkomstlogg/", views_access_log.AccessLogView.as_view(), name="access_log"),
]
