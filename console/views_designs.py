"""The console's page that starts a program in an organisation from a template; the
organisation's HR then adapts and runs it. Input → designs service → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.forms import add_service_errors
from designs import selectors, services
from designs.forms import ProgramStartForm
from participants.models import Organisation

from .views import ConsoleMixin


class ProgramStartView(ConsoleMixin, FormView):
    """Start a program in the organisation of the URL, from a built-in template or one of the
    organisation's own."""

    template_name = "console/designs_program_start.html"
    form_class = ProgramStartForm

    def get_organisation(self) -> Organisation:
        if not hasattr(self, "organisation"):
            self.organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        return self.organisation

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "templates": selectors.templates_for_organisation(organisation=self.get_organisation()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.get_organisation(), **kwargs)

    def form_valid(self, form):
        organisation = self.get_organisation()
        try:
            program = services.program_from_template(
                organisation=organisation, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(program)s is started in %(organisation)s. The organisation's HR "
                "coordinator finds it under Programs, adapts it and adds its rounds and groups."
            )
            % {"program": program.name, "organisation": organisation.name},
        )
        return redirect("console:organisation_detail", slug=organisation.slug)
