"""The platform operator's console: every organisation, a new one, and its HR coordinators.

One access rule (``participants.access.OperatorMixin``): anonymous → login, a login
that is not an operator → 403. The console opens no organisation page: an operator
is not a member of the organisations it lists.
"""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.forms import add_service_errors
from evaluations import rules
from participants.access import OperatorMixin, is_platform_operator

from . import selectors, services
from .forms import HRInviteForm, OrganisationForm, OrganisationSearchForm


class ConsoleMixin(OperatorMixin):
    def dispatch(self, request, *args, **kwargs):
        # The navigation shows the console's entry (svc.context_processors), without a query.
        request.platform_operator = is_platform_operator(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(k=rules.min_responses(), **kwargs)


class HomeView(ConsoleMixin, TemplateView):
    """Every organisation with its programs, in aggregate; searchable by name."""

    template_name = "console/home.html"

    def get_context_data(self, **kwargs):
        search = OrganisationSearchForm(self.request.GET)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        overview = self.overview(query=query, page_number=self.request.GET.get("page") or 1)
        # The pagination is drawn from the counts alone (no query), outside the cached part:
        # its links keep the request's own query string.
        page = Paginator(range(overview["count"]), selectors.ORGANISATIONS_PER_PAGE).get_page(
            overview["number"]
        )
        return super().get_context_data(
            search=search, query=query, page_obj=page, overview=overview, **kwargs
        )

    def overview(self, *, query: str, page_number) -> dict:
        """One page of organisations, rendered at most once a minute (``selectors.overview_key``):
        the figures of 310 organisations' programs cost tens of aggregate queries' time, and
        the operator reads them far more often than they change."""
        key = selectors.overview_key(query=query, page_number=page_number)
        overview = cache.get(key)
        if overview is None:
            page = selectors.organisations_page(query=query, page_number=page_number)
            overview = {
                "count": page.paginator.count,
                "number": page.number,
                "as_of": timezone.now(),
                "sections": render_to_string(
                    "console/_organisations.html",
                    {"organisations": page.object_list, "query": query},
                    request=self.request,
                ),
            }
            cache.set(key, overview, selectors.OVERVIEW_SECONDS)
        return overview


class OrganisationCreateView(ConsoleMixin, FormView):
    template_name = "console/organisation_create.html"
    form_class = OrganisationForm

    def form_valid(self, form):
        try:
            organisation = services.organisation_create(
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                departments=form.cleaned_data["departments"],
                by=self.request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(org)s is created, at /o/%(slug)s/. Now invite its first HR coordinator.")
            % {"org": organisation.name, "slug": organisation.slug},
        )
        return redirect("console:organisation_detail", slug=organisation.slug)


class OrganisationDetailView(ConsoleMixin, FormView):
    """An organisation's programs in aggregate, its HR coordinators, and the invitation."""

    template_name = "console/organisation_detail.html"
    form_class = HRInviteForm

    def dispatch(self, request, *args, **kwargs):
        if is_platform_operator(request.user):
            self.organisation = selectors.organisation_or_404(slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            programs=selectors.organisation_programs(organisation=self.organisation),
            coordinators=selectors.hr_coordinators(organisation=self.organisation),
            invitations=selectors.pending_hr_invitations(organisation=self.organisation),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            invitation = services.hr_coordinator_invite(
                organisation=self.organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                by=self.request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if invitation.new_login:
            message = _(
                "A login is created for %(email)s as HR coordinator of %(org)s. An e-mail "
                "with a link to choose a password is on its way."
            )
        else:
            message = _(
                "%(email)s already has a login. Its holder is asked by e-mail to confirm; "
                "they become HR coordinator of %(org)s when they do."
            )
        messages.success(
            self.request, message % {"email": invitation.email, "org": self.organisation.name}
        )
        return redirect("console:organisation_detail", slug=self.organisation.slug)
