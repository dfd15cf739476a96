"""Start pages per role, the organisation chooser and the error pages (the project layer)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

from core.language import cookie_language
from participants.access import (
    OrganisationRoleMixin,
    organisation_and_roles_or_404,
    sign_in_again,
)
from participants.accounts import pending_confirmations
from participants.models import Consultant, LoginConfirmation, Role
from participants.selectors import start_facts
from participants.signin import sign_in_covers, signed_in_with_password
from programs.selectors import current_enrollment_for_user, programs_for_organisation
from statements.views import first_login_notice

from .roles import roles_in

# Where each role starts, in order of precedence when a user holds several.
# Most participants are also line managers; their own program comes first.
START_PAGES = [
    (Role.HR, "svc:hr_start"),
    (Role.STEERING, "svc:steering_start"),
    (Role.PROCESS_LEADER, "svc:process_leader_start"),
    (Role.PARTICIPANT, "svc:participant_start"),
    (Role.LINE_MANAGER, "svc:line_manager_start"),
]


def start_url_for(*, user, organisation, roles=None) -> str | None:
    if roles is None:
        roles = roles_in(user=user, organisation=organisation)
    for role, url_name in START_PAGES:
        if role in roles:
            return reverse(url_name, kwargs={"org": organisation.slug})
    return None


@login_required
def home(request):
    """Send the user to their start page, or let them pick an organisation."""
    # One query for what this page needs of the login (the floor of every logged-in page).
    facts = start_facts(user=request.user)
    organisations = facts.organisations
    confirmations = []
    if signed_in_with_password(request):
        if facts.confirmations_waiting:
            confirmations = list(
                pending_confirmations()
                .filter(user=request.user)
                .exclude(kind=LoginConfirmation.Kind.EMAIL)
            )
    else:
        # Signed in by an organisation's provider: that organisation's business only.
        organisations = [o for o in organisations if sign_in_covers(request, o)]
    # The platform operator starts in the console; one who also holds roles in an
    # organisation chooses between them here.
    operator = facts.platform_operator
    if operator:
        request.platform_operator = True
        if not organisations and not confirmations:
            return redirect("console:home")
    elif len(organisations) == 1 and not confirmations:
        url = start_url_for(user=request.user, organisation=organisations[0])
        if url and sign_in_covers(request, organisations[0]):
            return redirect(url)
    return render(
        request,
        "svc/home.html",
        {
            "organisations": organisations,
            "confirmations": confirmations,
            "operator": operator,
            "is_consultant": facts.consultant,
        },
    )


@login_required
def organisation_home(request, org):
    organisation, roles = organisation_and_roles_or_404(request)
    if not sign_in_covers(request, organisation):
        return sign_in_again(request, organisation)
    url = start_url_for(user=request.user, organisation=organisation, roles=roles)
    if url is None:
        return render(request, "svc/home.html", {"organisations": [organisation]})
    return redirect(url)


class StartPageMixin(OrganisationRoleMixin):
    """A role's start page: after a login's first sign-in, the first one links to the
    organisation's privacy notice."""

    def get(self, request, *args, **kwargs):
        first_login_notice(request, organisation=self.organisation)
        return super().get(request, *args, **kwargs)


class HRStartView(StartPageMixin, TemplateView):
    allowed_roles = frozenset({Role.HR})
    template_name = "svc/start_hr.html"
    # The newest programs are linked directly; the program list has the rest.
    program_links = 5

    def get_context_data(self, **kwargs):
        programs = programs_for_organisation(organisation=self.organisation)
        return super().get_context_data(programs=programs[: self.program_links], **kwargs)


class SteeringStartView(StartPageMixin, TemplateView):
    allowed_roles = frozenset({Role.STEERING, Role.HR})
    template_name = "svc/start_steering.html"


class ProcessLeaderStartView(StartPageMixin, TemplateView):
    allowed_roles = frozenset({Role.PROCESS_LEADER})
    template_name = "svc/start_process_leader.html"

    def get_context_data(self, **kwargs):
        from programs.scheduling import process_leader_overview

        overview = process_leader_overview(user=self.request.user, organisation=self.organisation)
        # A consultant's sessions in every organisation they work for: programs.consultant.
        is_consultant = Consultant.objects.filter(user=self.request.user).exists()
        return super().get_context_data(overview=overview, is_consultant=is_consultant, **kwargs)


class ParticipantStartView(StartPageMixin, TemplateView):
    """My program: group, process leaders, sessions, attendance and the agreement to work on."""

    allowed_roles = frozenset({Role.PARTICIPANT})
    template_name = "svc/start_participant.html"

    def get_context_data(self, **kwargs):
        from programs.agreements.selectors import my_program

        enrollment = current_enrollment_for_user(
            user=self.request.user, organisation=self.organisation
        )
        from evaluations.selectors import open_evaluations_for

        mine = my_program(enrollment=enrollment) if enrollment else None
        open_evaluations = open_evaluations_for(person=enrollment.person) if enrollment else []
        return super().get_context_data(
            mine=mine, enrollment=enrollment, open_evaluations=open_evaluations, **kwargs
        )


class LineManagerStartView(StartPageMixin, TemplateView):
    """The people whose agreements the user reviews, what waits for them first."""

    allowed_roles = frozenset({Role.LINE_MANAGER})
    template_name = "svc/start_line_manager.html"

    def get_context_data(self, **kwargs):
        from programs.agreements.selectors import line_manager_overview

        overview = line_manager_overview(organisation=self.organisation, user=self.request.user)
        return super().get_context_data(overview=overview, **kwargs)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """The server-error page, from the template alone: no request context.

    The error may be the database or the cache being down. The context processors and
    the base template read the session, the user and the messages; rendering with them
    would fail again and leave gunicorn's bare English page. So the language comes from
    the cookie alone (Swedish unless it says English) and the page has no menu."""
    language = cookie_language(request)
    with translation.override(language):
        page = loader.render_to_string("500.html", {"LANGUAGE_CODE": language})
    response = HttpResponseServerError(page)
    response.headers["Content-Language"] = language
    return response
