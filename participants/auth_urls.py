from django.urls import path

from . import views, views_signin

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("glomt-losenord/", views.ForgotPasswordView.as_view(), name="forgot_password"),
    path(
        "glomt-losenord/skickat/",
        views.ForgotPasswordSentView.as_view(),
        name="forgot_password_sent",
    ),
    path("aktivera/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    # An organisation's own sign-in (OpenID Connect).
    path(
        "logga-in/organisationer/",
        views_signin.SignInOrganisationsView.as_view(),
        name="sign_in_organisations",
    ),
    path("logga-in/oidc/klar/", views_signin.OIDCCallbackView.as_view(), name="oidc_callback"),
    path(
        "o/<slug:org>/logga-in/",
        views_signin.OrganisationLoginView.as_view(),
        name="organisation_login",
    ),
    path("o/<slug:org>/logga-in/oidc/", views_signin.OIDCStartView.as_view(), name="oidc_start"),
    # What only a login's holder may confirm.
    path("bekrafta/<str:token>/", views_signin.ConfirmLoginView.as_view(), name="confirm_login"),
    path(
        "bekrafta/inloggad/<uuid:pk>/",
        views_signin.ConfirmLoginHereView.as_view(),
        name="confirm_login_here",
    ),
]
