"""HR pages of program templates: the templates the organisation may use, one template's
design, saving a program as a template, and starting a program from one.
Input → designs service or selector → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.forms import add_service_errors
from participants.access import HRMixin
from programs.selectors import program_for_organisation_or_404

from . import selectors, services
from .forms import ProgramStartForm, TemplateForm


class TemplateListView(HRMixin, TemplateView):
    template_name = "designs/template_list.html"

    def get_context_data(self, **kwargs):
        rows = selectors.template_rows(organisation=self.organisation)
        return super().get_context_data(
            builtin_rows=[r for r in rows if r.template.built_in],
            own_rows=[r for r in rows if not r.template.built_in],
            **kwargs,
        )


class TemplateDetailView(HRMixin, TemplateView):
    template_name = "designs/template_detail.html"

    def get_context_data(self, **kwargs):
        template = selectors.template_for_organisation_or_404(
            organisation=self.organisation, template_id=self.kwargs["template_id"]
        )
        return super().get_context_data(
            template=template, summary=selectors.template_summary(template=template), **kwargs
        )


class TemplateCreateView(HRMixin, FormView):
    """Save a program's design (not its people, dates or answers) as a template."""

    template_name = "designs/template_create.html"
    form_class = TemplateForm

    def get_program(self):
        if not hasattr(self, "program"):
            self.program = program_for_organisation_or_404(
                organisation=self.organisation, program_id=self.kwargs["program_id"]
            )
        return self.program

    def get_initial(self):
        return {"name": self.get_program().name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.get_program(), **kwargs)

    def form_valid(self, form):
        try:
            template = services.template_from_program(
                program=self.get_program(), by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The template “%(name)s” is saved. Start a new program from it on this page.")
            % {"name": template.name},
        )
        return redirect(
            "designs:template_detail", org=self.organisation.slug, template_id=template.pk
        )


class ProgramStartView(HRMixin, FormView):
    """Start a program from a template (``?mall=<id>`` chooses one beforehand)."""

    template_name = "designs/program_start.html"
    form_class = ProgramStartForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "templates": selectors.templates_for_organisation(organisation=self.organisation),
        }

    def get_initial(self):
        chosen = self.request.GET.get("mall", "")
        return {"template": int(chosen)} if chosen.isdigit() and len(chosen) < 10 else {}

    def form_valid(self, form):
        try:
            program = services.program_from_template(
                organisation=self.organisation, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(program)s is started from the template. Adapt its modules, forms and "
                "questions here, then add its rounds and groups."
            )
            % {"program": program.name},
        )
        return redirect(
            "programs:program_overview", org=self.organisation.slug, program_id=program.pk
        )
