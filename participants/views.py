"""Login, and the HR coordinator's manager registry and import."""

import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View, i18n
from django.views.generic import DetailView, FormView, TemplateView
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from core.language import activate_chosen_language, supported_language
from core.outbox import enqueue

from . import accounts, selectors, services, signin
from .access import HRMixin
from .forms import (
    ForgotPasswordForm,
    ImportUploadForm,
    LoginForm,
    PersonForm,
    SetPasswordForm,
    canonical_email,
)
from .imports import ImportFileError
from .models import ManagerImport, Organisation

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"

    @property
    def redirect_authenticated_user(self):
        # A session signed in by an organisation's provider may add the password too.
        return signin.signed_in_with_password(self.request)

    def form_valid(self, form):
        first = form.get_user().last_login is None
        response = super().form_valid(form)
        signin.sign_in_record_password(self.request)
        signin.first_login_record(self.request, first=first)
        activate_chosen_language(self.request)  # the language the holder chose, if any
        return response

    def get_context_data(self, **kwargs):
        from .views_signin import enabled_provider

        context = super().get_context_data(**kwargs)
        # A page of an organisation with its own sign-in sent us here: offer it first.
        match = re.match(r"^/o/([-a-zA-Z0-9_]+)/", context.get("next") or "")
        organisation = (
            Organisation.objects.select_related("identity_provider").filter(slug=match[1]).first()
            if match
            else None
        )
        context["sign_in_organisation"] = organisation if organisation and enabled_provider(
            organisation
        ) else None  # fmt: skip
        context["any_sign_in"] = Organisation.objects.filter(
            identity_provider__enabled=True
        ).exists()
        return context


def set_language(request):
    """The language button: Django's set_language (the cookie, a visitor's memory), and
    for a logged-in user also their login, so the choice follows them to their next login."""
    response = i18n.set_language(request)
    language = (
        supported_language(request.POST.get("language")) if request.method == "POST" else None
    )
    if language and request.user.is_authenticated:
        accounts.user_language_set(user=request.user, language=language)
    return response


class LogoutView(auth_views.LogoutView):
    """Log out here, and at the organisation's provider where it offers RP-initiated logout."""

    def post(self, request, *args, **kwargs):
        provider = signin.provider_logout_of(request) if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if not provider:
            return response
        query = urlencode(
            {
                "id_token_hint": provider["id_token"],
                "client_id": provider["client_id"],
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            }
        )
        return redirect(f"{provider['end_session_endpoint']}?{query}")


class PersonFormView(HRMixin, FormView):
    template_name = "participants/person_form.html"
    form_class = PersonForm

    def get_person(self):
        if "pk" not in self.kwargs:
            return None
        person = selectors.people_in(organisation=self.organisation).filter(pk=self.kwargs["pk"])
        person = person.select_related("line_manager").first()
        if person is None:
            raise Http404
        return person

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.organisation,
            "instance": self.get_person(),
        }

    def form_valid(self, form):
        try:
            person = services.person_save(person=form.instance)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = "line_manager_number" if field == "line_manager" else field
                    target = target if target in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s was saved.") % {"name": person.full_name})
        return redirect("programs:person_detail", org=self.organisation.slug, pk=person.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.get_person(), **kwargs)


class ImportUploadView(HRMixin, FormView):
    template_name = "participants/import_upload.html"
    form_class = ImportUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            record = services.manager_import_upload(
                organisation=self.organisation,
                user=self.request.user,
                filename=upload.name,
                data=upload.read(),
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect("participants:import_detail", org=self.organisation.slug, pk=record.pk)

    def get_context_data(self, **kwargs):
        recent = ManagerImport.objects.filter(organisation=self.organisation)[:10]
        return super().get_context_data(recent=recent, **kwargs)


class ImportDetailView(HRMixin, DetailView):
    template_name = "participants/import_detail.html"
    context_object_name = "record"

    def get_object(self, queryset=None):
        record = ManagerImport.objects.filter(
            organisation=self.organisation, pk=self.kwargs["pk"]
        ).first()
        if record is None:
            raise Http404
        return record


class ImportConfirmView(HRMixin, View):
    http_method_names = ["post"]

    def post(self, request, org, pk):
        if not ManagerImport.objects.filter(organisation=self.organisation, pk=pk).exists():
            raise Http404
        url = reverse("participants:import_detail", kwargs={"org": org, "pk": pk})
        try:
            record = services.manager_import_confirm(organisation=self.organisation, import_id=pk)
        except services.ImportAlreadyApplied:
            messages.info(request, _("This file has already been imported; nothing was changed."))
            return redirect(url)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(url)
        if record.status == ManagerImport.Status.APPLIED:
            messages.success(request, _("The import is done."))
        else:
            messages.error(
                request,
                _("The managers changed since the preview, and the file now has errors. "
                  "Nothing was imported."),
            )  # fmt: skip
        return redirect(url)


def _rate_limited(request, *, group: str, key, rate: str) -> bool:
    """True when this request goes over the limit. With the counter's store down: False."""
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
    except (RedisError, OSError):
        logger.warning("Rate limit store unavailable; %s not limited", group, exc_info=True)
        return False


def _posted_email(group, request) -> str:
    return canonical_email(request.POST.get("email", ""))


class ForgotPasswordView(FormView):
    """Ask for a new personal link. Says the same whether or not the address is known.

    It also does the same work either way, so its answer time tells nothing:
    the address goes to the outbox, and the task looks the login up.
    Limited per client address (a page saying so) and per e-mail address
    (silently: the mailbox's owner gets at most a few links an hour).
    """

    template_name = "registration/forgot_password.html"
    form_class = ForgotPasswordForm

    def post(self, request, *args, **kwargs):
        if _rate_limited(
            request,
            group="forgot-password-ip",
            key="core.client_ip.ratelimit_ip",
            rate=settings.FORGOT_PASSWORD_RATE_PER_IP,
        ):
            return render(request, "registration/too_many_requests.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        over = _rate_limited(
            self.request,
            group="forgot-password-email",
            key=_posted_email,
            rate=settings.FORGOT_PASSWORD_RATE_PER_EMAIL,
        )
        if not over:
            with transaction.atomic():
                enqueue(accounts.SEND_LOGIN_LINK_TO_ADDRESS, email=form.cleaned_data["email"])
        return redirect("forgot_password_sent")


class ForgotPasswordSentView(TemplateView):
    template_name = "registration/forgot_password_sent.html"


class ActivateView(auth_views.PasswordResetConfirmView):
    """Set a password from a personal link; then logged in and sent to the start page."""

    template_name = "registration/activate.html"
    form_class = SetPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    reset_url_token = "satt-losenord"  # noqa: S105 - a URL segment, not a secret

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_success_url(self):
        return reverse("home")

    def form_valid(self, form):
        first = form.user.last_login is None
        response = super().form_valid(form)
        signin.first_login_record(self.request, first=first)
        activate_chosen_language(self.request)  # logged in now: the holder's language, if chosen
        messages.success(self.request, _("Your password is set. Welcome!"))
        return response
