from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("o/<slug:org>/gallring/", views.RulesView.as_view(), name="rules"),
    path(
        "o/<slug:org>/gallring/regler/<slug:kind>/",
        views.RuleEditView.as_view(),
        name="rule_edit",
    ),
    path("o/<slug:org>/gallring/provkorning/", views.DryRunView.as_view(), name="dry_run"),
    path("o/<slug:org>/gallring/gallra/", views.ApplyView.as_view(), name="apply"),
    path("o/<slug:org>/gallring/logg/", views.LogView.as_view(), name="log"),
]
