"""Check-ins, the "program in figures" dashboard and status reports.

HR writes check-ins and reports. The steering group reads: the check-ins, the
dashboard's aggregates, the reports' written sections and their frozen figures,
and the PDFs.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_errors
from participants.access import OrganisationRoleMixin
from participants.models import Role

from . import selectors, services
from .figures import corrections, figures_view
from .forms import CheckInForm, ModuleFilterForm, StatusReportForm
from .models import StatusReport

HR_ONLY = frozenset({Role.HR})
HR_AND_STEERING = frozenset({Role.HR, Role.STEERING})


class ReportsMixin(OrganisationRoleMixin):
    def get_context_data(self, **kwargs):
        # Check-ins are written in the organisation's language, the site's, whatever
        # language the page is in: their texts carry it as ``lang`` (a report has its own).
        return super().get_context_data(
            is_hr=Role.HR in self.roles, check_in_language=settings.LANGUAGE_CODE, **kwargs
        )


class ProgramMixin(ReportsMixin):
    """A page about one program of the organisation in the URL."""

    def dispatch(self, request, *args, **kwargs):
        self.program = None
        return super().dispatch(request, *args, **kwargs)

    def get_program(self):
        if self.program is None:
            self.program = selectors.program_or_404(
                organisation=self.organisation, program_id=self.kwargs["program_id"]
            )
        return self.program

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.get_program(), **kwargs)


class ReportMixin(ReportsMixin):
    """A page about one status report of the organisation in the URL."""

    allowed_roles = HR_AND_STEERING

    def get_report(self) -> StatusReport:
        if not hasattr(self, "report"):
            self.report = selectors.status_report_or_404(
                organisation=self.organisation, report_id=self.kwargs["report_id"]
            )
        return self.report


# --- Follow-up start: the organisation's programs ----------------------------------------


class ProgramIndexView(ReportsMixin, TemplateView):
    allowed_roles = HR_AND_STEERING
    template_name = "reports/program_index.html"

    def get_context_data(self, **kwargs):
        programs = selectors.programs_for_follow_up(organisation=self.organisation)
        return super().get_context_data(programs=programs, **kwargs)


# --- Check-ins --------------------------------------------------------------------------


class CheckInListView(ProgramMixin, TemplateView):
    # The steering group follows the program up: it reads the check-ins, HR writes them.
    allowed_roles = HR_AND_STEERING
    template_name = "reports/check_in_list.html"

    def get_context_data(self, **kwargs):
        program = self.get_program()
        filter_form = ModuleFilterForm(self.request.GET or None, program=program)
        module = filter_form.cleaned_data.get("modul") if filter_form.is_valid() else None
        return super().get_context_data(
            filter_form=filter_form,
            module=module,
            check_ins=selectors.check_ins_for_program(program=program, module=module),
            **kwargs,
        )


class CheckInCreateView(ProgramMixin, FormView):
    allowed_roles = HR_ONLY
    template_name = "reports/check_in_form.html"
    form_class = CheckInForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "modules": selectors.modules_of(program=self.get_program()),
            "consultants": selectors.consultants_of(organisation=self.organisation),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            previous=selectors.latest_check_in(program=self.get_program()), **kwargs
        )

    def form_valid(self, form):
        try:
            check_in = services.check_in_create(
                program=self.get_program(), project_leader=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The check-in is saved."))
        return redirect(
            "reports:check_in_detail", org=self.organisation.slug, check_in_id=check_in.pk
        )


class CheckInDetailView(ReportsMixin, TemplateView):
    allowed_roles = HR_AND_STEERING
    template_name = "reports/check_in_detail.html"

    def get_context_data(self, **kwargs):
        check_in = selectors.check_in_or_404(
            organisation=self.organisation, check_in_id=self.kwargs["check_in_id"]
        )
        return super().get_context_data(
            check_in=check_in,
            program=check_in.program,
            previous=selectors.previous_check_in(check_in=check_in),
            **kwargs,
        )


# --- Program in figures -------------------------------------------------------------------


class DashboardView(ProgramMixin, TemplateView):
    allowed_roles = HR_AND_STEERING
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        program = self.get_program()
        figures_html = selectors.live_figures(
            program=program,
            present=lambda figures: render_to_string(
                "reports/includes/figures.html",
                {"figures": figures_view(figures)},
                request=self.request,
            ),
        )
        return super().get_context_data(
            figures_html=figures_html,
            latest_report=selectors.latest_report(program=program),
            **kwargs,
        )


# --- Status reports -----------------------------------------------------------------------


class ReportListView(ProgramMixin, TemplateView):
    allowed_roles = HR_AND_STEERING
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reports=selectors.status_reports_for_program(program=self.get_program()), **kwargs
        )


class ReportCreateView(ProgramMixin, FormView):
    allowed_roles = HR_ONLY
    template_name = "reports/report_form.html"
    form_class = StatusReportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": self.get_program()}

    def get_initial(self):
        program = self.get_program()
        start, end = selectors.next_report_period(program=program, today=timezone.localdate())
        return {
            "period_start": start,
            "period_end": end,
            "corrections_made": selectors.corrections_since_last_report(program=program),
        }

    def form_valid(self, form):
        try:
            report = services.status_report_create(
                program=self.get_program(),
                created_by=self.request.user,
                language=self.request.LANGUAGE_CODE,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Status report no. %(number)s is saved. Its PDF is being generated.")
            % {"number": report.number},
        )
        return redirect("reports:report_detail", org=self.organisation.slug, report_id=report.pk)


class ReportDetailView(ReportMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def get(self, request, *args, **kwargs):
        # Opening a report that never had a PDF asks for it; the page follows its progress.
        if services.status_report_open(report=self.get_report()):
            del self.report  # read again: with no broker it was rendered here, now
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        report = self.get_report()
        return super().get_context_data(
            report=report,
            program=report.program,
            snapshot=report.snapshot,
            figures=figures_view(report.snapshot),
            corrections=corrections(report.snapshot),
            **kwargs,
        )


class ReportStatusView(ReportMixin, TemplateView):
    """The status box alone, for htmx to poll until the PDF is ready or failed."""

    template_name = "reports/includes/report_status.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.get_report(), **kwargs)


class ReportGenerateView(ReportMixin, View):
    """Asks for the PDF of a report that has none, or whose rendering failed ("try again")."""

    def post(self, request, *args, **kwargs):
        report = services.status_report_generate(report=self.get_report())
        if report.is_pending:
            messages.info(request, _("The PDF is being generated."))
        return redirect("reports:report_detail", org=self.organisation.slug, report_id=report.pk)


class ReportDownloadView(ReportMixin, View):
    """The PDF from private storage, only to the organisation's HR and steering group.

    A report without its PDF yet sends the visitor to its page, which asks for
    the PDF and follows its progress.
    """

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        if not report.is_ready:
            return redirect(
                "reports:report_detail", org=self.organisation.slug, report_id=report.pk
            )
        storage = services.private_storage()
        try:
            handle = storage.open(report.file_name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=report.download_name,
            content_type="application/pdf",
        )
