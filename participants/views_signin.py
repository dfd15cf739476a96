"""Signing in with an organisation's own identity provider, and the holder's confirmations."""

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import auth, messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from mozilla_django_oidc.views import OIDCAuthenticationRequestView, get_next_url

from core.language import activate_chosen_language

from . import accounts, oidc, signin
from .access import HRMixin
from .forms import IdentityProviderForm, LoginForm
from .models import IdentityProvider, LoginConfirmation, Organisation

logger = logging.getLogger(__name__)

CALLBACK_URL_NAME = "oidc_callback"
# A sign-in started longer ago than this is not finished.
SIGN_IN_MAX_SECONDS = 15 * 60


def _organisation_with_provider(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("identity_provider"), slug=slug)


def enabled_provider(organisation: Organisation) -> IdentityProvider | None:
    provider = getattr(organisation, "identity_provider", None)
    return provider if provider is not None and provider.enabled else None


class OrganisationLoginView(TemplateView):
    """An organisation's login page: its own sign-in, and the password form where allowed."""

    template_name = "registration/organisation_login.html"

    def get_context_data(self, **kwargs):
        organisation = _organisation_with_provider(self.kwargs["org"])
        next_url = get_next_url(self.request, "next") or ""
        return super().get_context_data(
            organisation=organisation,
            current_organisation=organisation,  # the footer links its notice and statement
            provider=enabled_provider(organisation),
            form=LoginForm(self.request) if organisation.password_login else None,
            next=next_url,
            **kwargs,
        )


class SignInOrganisationsView(ListView):
    """Every organisation with its own sign-in, to pick from."""

    template_name = "registration/sign_in_organisations.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        return Organisation.objects.filter(identity_provider__enabled=True).order_by("name")


class OIDCStartView(OIDCAuthenticationRequestView):
    """Send the browser to the organisation's provider (state, nonce and PKCE by the library)."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library's __init__ reads one provider from settings

    def get_settings(self, attr, *args):
        own = {
            "OIDC_RP_SCOPES": self.provider.scopes,
            "OIDC_USE_PKCE": True,
            "OIDC_USE_NONCE": True,
            "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        }
        if attr in own:
            return own[attr]
        return super().get_settings(attr, *args)

    def get(self, request, org):
        organisation = _organisation_with_provider(org)
        self.provider = enabled_provider(organisation)
        if self.provider is None:
            raise Http404
        login_page = reverse("organisation_login", kwargs={"org": organisation.slug})
        try:
            metadata = oidc.provider_metadata(self.provider)
        except oidc.ProviderUnavailable as exc:
            messages.error(request, _("%(org)s's sign-in cannot be reached just now. %(why)s")
                           % {"org": organisation.name, "why": exc})  # fmt: skip
            return redirect(login_page)
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state].update(
            organisation=organisation.pk, next=get_next_url(request, "next") or ""
        )
        request.session.modified = True
        return response


class OIDCCallbackView(View):
    """The provider sends the browser back here, with a code or an error."""

    http_method_names = ["get"]

    def refuse(self, message: str, organisation: Organisation | None):
        messages.error(self.request, message)
        if organisation is None:
            return redirect("login")
        return redirect("organisation_login", org=organisation.slug)

    def get(self, request):
        states = request.session.get("oidc_states") or {}
        entry = states.pop(request.GET.get("state", ""), None)
        request.session["oidc_states"] = states  # a state works once
        if entry is None or "organisation" not in entry:
            return self.refuse(
                _("The sign-in could not be completed: it was started in another window, has "
                  "already been used, or is too old. Sign in again."),
                None,
            )  # fmt: skip
        organisation = Organisation.objects.filter(pk=entry["organisation"]).first()
        provider = enabled_provider(organisation) if organisation else None
        if provider is None:
            return self.refuse(_("This organisation's sign-in is no longer in use."), None)
        if time.time() - entry.get("added_on", 0) > SIGN_IN_MAX_SECONDS:
            return self.refuse(
                _("The sign-in could not be completed: it was started in another window, has "
                  "already been used, or is too old. Sign in again."),
                organisation,
            )  # fmt: skip
        if request.GET.get("iss", provider.issuer) != provider.issuer:
            # RFC 9207: the answer names the provider that sent it; it must be this one.
            return self.refuse(
                _("The sign-in answer came from another identity provider than the one set up."),
                organisation,
            )
        if request.GET.get("error") or not request.GET.get("code"):
            return self.refuse(
                _("%(org)s's sign-in was cancelled or refused. Nothing was changed.")
                % {"org": organisation.name},
                organisation,
            )
        try:
            metadata = oidc.provider_metadata(provider)
            backend = oidc.OrganisationBackend(provider, metadata)
            claims, id_token = backend.claims_for(
                request,
                code=request.GET["code"],
                nonce=entry.get("nonce"),
                code_verifier=entry.get("code_verifier"),
                redirect_uri=request.build_absolute_uri(reverse(CALLBACK_URL_NAME)),
            )
            user = accounts.login_from_provider(
                organisation=organisation,
                match_on=provider.match_on,
                claims=claims,
                employee_number_claim=provider.employee_number_claim,
            )
        except accounts.SignInRefused as exc:
            logger.info("OIDC sign-in refused for organisation %s: %s", organisation.slug, exc)
            return self.refuse(str(exc), organisation)
        except oidc.ProviderUnavailable as exc:
            return self.refuse(str(exc), organisation)
        first = user.last_login is None
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        activate_chosen_language(request)  # the language the holder chose, if any
        logout = None
        if metadata.get("end_session_endpoint"):
            logout = {
                "end_session_endpoint": metadata["end_session_endpoint"],
                "id_token": id_token,
                "client_id": provider.client_id,
            }
        signin.sign_in_record_organisation(request, organisation=organisation, logout=logout)
        signin.first_login_record(request, first=first)
        return redirect(
            entry.get("next") or reverse("svc:organisation_home", kwargs={"org": organisation.slug})
        )


class IdentityProviderView(HRMixin, FormView):
    """HR sets up the organisation's own sign-in and whether passwords still work."""

    template_name = "participants/identity_provider.html"
    form_class = IdentityProviderForm

    def get_form_kwargs(self):
        instance = IdentityProvider.objects.filter(organisation=self.organisation).first()
        return {
            **super().get_form_kwargs(),
            "organisation": self.organisation,
            "instance": instance,
        }

    def form_valid(self, form):
        with transaction.atomic():
            form.save()
        oidc.forget_metadata(form.instance.issuer)
        messages.success(self.request, _("The sign-in settings were saved."))
        return redirect("participants:identity_provider", org=self.organisation.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            redirect_uri=self.request.build_absolute_uri(reverse(CALLBACK_URL_NAME)),
            post_logout_uri=self.request.build_absolute_uri(reverse("login")),
            login_page=self.request.build_absolute_uri(
                reverse("organisation_login", kwargs={"org": self.organisation.slug})
            ),
            **kwargs,
        )


# --- The holder confirms -----------------------------------------------------------------


def _describe(confirmation: LoginConfirmation) -> dict:
    return {
        "confirmation": confirmation,
        "organisation": confirmation.organisation,
        "record_name": (
            confirmation.person.full_name
            if confirmation.person
            else confirmation.consultant.name
            if confirmation.consultant
            else ""
        ),
    }


class ConfirmLoginView(TemplateView):
    """The link from the e-mail: see what would change, then confirm with a button.

    A new address is confirmed only by its holder logged in with a password; a
    visitor who is not is asked to log in first (nobody is logged out here).
    """

    template_name = "registration/confirm_login.html"

    def dispatch(self, request, *args, **kwargs):
        self.confirmation = accounts.confirmation_from_token(kwargs["token"])
        self.needs_holder = (
            self.confirmation is not None
            and self.confirmation.kind == LoginConfirmation.Kind.EMAIL
            and not (
                request.user.pk == self.confirmation.user_id
                and signin.signed_in_with_password(request)
            )
        )
        if self.needs_holder and not request.user.is_authenticated:
            messages.info(
                request, _("Log in with your present address first; then the change is made.")
            )
            return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(needs_holder=self.needs_holder, **kwargs)
        if self.confirmation is not None:
            context.update(_describe(self.confirmation))
        return context

    def post(self, request, token):
        if self.confirmation is None or self.needs_holder:
            return self.get(request, token)
        acting = request.user if request.user.is_authenticated else None
        try:
            done = accounts.confirmation_confirm(
                confirmation=self.confirmation,
                user=acting,
                by_link=True,
                password_session=signin.signed_in_with_password(request),
            )
        except accounts.ConfirmationRefused as exc:
            messages.error(request, str(exc))
            return redirect("login" if acting is None else "home")
        messages.success(request, done)
        return redirect("home" if acting is not None else "login")


class ConfirmLoginHereView(LoginRequiredMixin, View):
    """Confirm a link request from the start page, logged in with a password."""

    http_method_names = ["post"]

    def post(self, request, pk):
        confirmation = (
            accounts.pending_confirmations()
            .filter(pk=pk, user=request.user)
            .exclude(kind=LoginConfirmation.Kind.EMAIL)
            .first()
        )
        if confirmation is None:
            raise Http404
        try:
            done = accounts.confirmation_confirm(
                confirmation=confirmation,
                user=request.user,
                by_link=False,
                password_session=signin.signed_in_with_password(request),
            )
        except accounts.ConfirmationRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("home")
