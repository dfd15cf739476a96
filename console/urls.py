from django.urls import path

from . import views_designs

app_name = "console"

urlpatterns = [
    # Program templates (designs): start a program in an organisation from a template.
    path(
        "konsol/organisationer/<slug:slug>/starta-program/",
        views_designs.ProgramStartView.as_view(),
        name="program_start",
    ),
]
