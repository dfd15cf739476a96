from django.urls import path

from . import views

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("glomt-losenord/", views.ForgotPasswordView.as_view(), name="forgot_password"),
    path(
        "glomt-losenord/skickat/",
        views.ForgotPasswordSentView.as_view(),
        name="forgot_password_sent",
    ),
    path("aktivera/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
]
