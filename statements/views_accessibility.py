"""The accessibility statement: the installation's and each organisation's (public, no login),
the form for reporting a problem, and HR's pages for the contact details and the reports."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from participants.access import HRMixin
from participants.models import Organisation

from . import selectors_accessibility as selectors
from . import services_accessibility as services
from .accessibility import statement_content
from .forms_accessibility import AccessibilityContactForm, AccessibilityReportForm
from .models_accessibility import AccessibilityReport

logger = logging.getLogger(__name__)

PAGE_PARAMETER = "sida"  # ?sida=/o/orebro/hr/ fills in which page the report is about


def _rate_limited(request) -> bool:
    """True when this report goes over the limit per client address. With the counter's
    store down: False (the report is taken, never refused for that)."""
    try:
        return is_ratelimited(
            request,
            group="accessibility-report-ip",
            key="core.client_ip.ratelimit_ip",
            rate=settings.ACCESSIBILITY_REPORT_RATE_PER_IP,
            increment=True,
        )
    except (RedisError, OSError):
        logger.warning("Rate limit store unavailable; reports not limited", exc_info=True)
        return False


def _local_path(value: str) -> str:
    """The page a link named, if it is a path on this site; otherwise nothing."""
    value = (value or "").strip()
    if value.startswith("/") and not value.startswith("//") and len(value) <= 500:
        return value
    return ""


class InstallationStatementView(TemplateView):
    """The service's statement: the shortcomings and tests, and each organisation's statement."""

    template_name = "statements/accessibility_installation.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisations=selectors.organisations_with_statements(),
            **statement_content(),
            **kwargs,
        )


class _PublicOrganisationMixin:
    """A public page about one organisation: any visitor; an unknown organisation is a 404."""

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(Organisation, slug=kwargs["org"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation, current_organisation=self.organisation, **kwargs
        )


class OrganisationStatementView(_PublicOrganisationMixin, FormView):
    """The organisation's statement, with the form for reporting a problem (POST here)."""

    template_name = "statements/accessibility_statement.html"
    form_class = AccessibilityReportForm

    def get_initial(self):
        return {"page": _local_path(self.request.GET.get(PAGE_PARAMETER, ""))}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contact=selectors.accessibility_contact_for(organisation=self.organisation),
            **statement_content(),
            **kwargs,
        )

    def form_valid(self, form):
        if _rate_limited(self.request):
            form.add_error(
                None,
                _("Many reports have been sent from your network in a short time. Your text is "
                  "still here: send it again in an hour, or send it to the contact above."),
            )  # fmt: skip
            return self.render_to_response(self.get_context_data(form=form), status=429)
        services.accessibility_report_submit(organisation=self.organisation, **form.cleaned_data)
        return redirect("statements:accessibility_report_sent", org=self.organisation.slug)


class ReportSentView(_PublicOrganisationMixin, TemplateView):
    template_name = "statements/accessibility_report_sent.html"


class ContactEditView(HRMixin, FormView):
    """HR edits the organisation's contact details and the date of the statement's review."""

    template_name = "statements/accessibility_edit.html"
    form_class = AccessibilityContactForm

    def get_form_kwargs(self):
        contact = selectors.accessibility_contact_for(organisation=self.organisation)
        return {**super().get_form_kwargs(), "instance": contact}

    def form_valid(self, form):
        services.accessibility_contact_save(organisation=self.organisation, **form.cleaned_data)
        messages.success(
            self.request, _("The accessibility statement's contact details are saved.")
        )
        return redirect("statements:accessibility_edit", org=self.organisation.slug)


class ReportListView(HRMixin, ListView):
    """The reported accessibility problems, the unhandled first."""

    template_name = "statements/accessibility_reports.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_queryset(self):
        return selectors.accessibility_reports_for(organisation=self.organisation)


class ReportHandleView(HRMixin, View):
    """Mark a report handled, or not handled again; back to the same page of the list."""

    http_method_names = ["post"]

    def post(self, request, org, pk):
        handled = request.POST.get("handled") != "false"
        try:
            services.accessibility_report_set_handled(
                organisation=self.organisation, report_id=pk, handled=handled
            )
        except AccessibilityReport.DoesNotExist:
            raise Http404 from None
        if handled:
            messages.success(request, _("The report is marked as handled."))
        else:
            messages.success(request, _("The report is marked as not handled."))
        url = reverse("statements:accessibility_reports", kwargs={"org": org})
        page = request.POST.get("page", "")
        if page.isdigit() and page != "1":
            url += "?" + urlencode({"page": page})
        return redirect(url)
