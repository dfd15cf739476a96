"""Read-only program pages for the HR coordinator: program list, overview and group detail."""

from django.views.generic import ListView, TemplateView

from participants.access import OrganisationRoleMixin
from participants.models import Role

from . import selectors


class ProgramListView(OrganisationRoleMixin, ListView):
    allowed_roles = frozenset({Role.HR})
    template_name = "programs/program_list.html"
    context_object_name = "programs"
    paginate_by = 20

    def get_queryset(self):
        return selectors.programs_for_organisation(organisation=self.organisation)


class ProgramOverviewView(OrganisationRoleMixin, TemplateView):
    allowed_roles = frozenset({Role.HR})
    template_name = "programs/program_overview.html"

    def get_context_data(self, **kwargs):
        chosen = self.request.GET.get("omgang", "")
        overview = selectors.program_overview(
            organisation=self.organisation,
            program_id=self.kwargs["program_id"],
            round_number=int(chosen) if chosen.isdigit() and len(chosen) < 6 else None,
        )
        return super().get_context_data(overview=overview, program=overview.program, **kwargs)


class GroupDetailView(OrganisationRoleMixin, TemplateView):
    allowed_roles = frozenset({Role.HR})
    template_name = "programs/group_detail.html"

    def get_context_data(self, **kwargs):
        detail = selectors.group_detail(
            organisation=self.organisation, group_id=self.kwargs["group_id"]
        )
        return super().get_context_data(
            detail=detail, group=detail.group, program=detail.program, **kwargs
        )
