from django.urls import path

from . import views

app_name = "evaluations"

_program = "o/<slug:org>/program/<int:program_id>/utvarderingar/"

urlpatterns = [
    path("o/<slug:org>/utvardering/<int:session_id>/", views.AnswerView.as_view(), name="answer"),
    path(
        "o/<slug:org>/utvardering/<int:session_id>/tack/",
        views.ThanksView.as_view(),
        name="thanks",
    ),
    path(
        "o/<slug:org>/utvardering/<int:session_id>/ej-svarat/",
        views.MissingView.as_view(),
        name="missing",
    ),
    path(
        "o/<slug:org>/utvarderingar/vem-har-svarat/",
        views.MissingSettingView.as_view(),
        name="missing_setting",
    ),
    path(
        "o/<slug:org>/mina-utvarderingar/",
        views.MyEvaluationsView.as_view(),
        name="my_evaluations",
    ),
    path(_program, views.ResultsView.as_view(), name="results"),
    path(f"{_program}export/", views.ResultsExportView.as_view(), name="results_export"),
    path(f"{_program}kommentarer/", views.CommentsView.as_view(), name="comments"),
    path(f"{_program}effekter/", views.EffectsView.as_view(), name="effects"),
    path(f"{_program}granska/", views.ReviewView.as_view(), name="review"),
    path(f"{_program}formular/", views.FormsView.as_view(), name="forms"),
    path(f"{_program}formular/<int:module_id>/", views.FormEditView.as_view(), name="form_edit"),
]
