"""The manager registry (HR): the list with its filters, its XLSX, and one manager's page.

Creating, editing and importing managers are people-only pages in ``participants``.
"""

from django.views import View
from django.views.generic import ListView, TemplateView

from core.responses import xlsx_response
from participants.access import HRMixin
from participants.access_log import ListExportLogMixin, access_log_view
from participants.forms import PersonFilterForm
from participants.models import PersonalDataAccess

from . import exports, people


class RegistryFilterMixin:
    def filtered_people(self):
        self.filter_form = PersonFilterForm(
            self.request.GET or None, organisation=self.organisation
        )
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return people.registry_people(
            organisation=self.organisation,
            search=filters.get("q", ""),
            department=filters.get("department"),
            level=filters.get("level", ""),
            enrolled=filters.get("enrolled", ""),
            manager_since_from=filters.get("manager_since_from"),
            active=filters.get("active", ""),
        )


class PersonListView(HRMixin, RegistryFilterMixin, ListView):
    template_name = "programs/people/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered_people()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = people.registry_rows(context["people"], organisation=self.organisation)
        return super().get_context_data(
            **context,
            filter_form=self.filter_form, filtered=bool(self.request.GET.get("q") or any(
                self.request.GET.get(k) for k in ("department", "level", "enrolled",
                                                  "manager_since_from", "active")
            )),
        )  # fmt: skip


class RegistryExportView(ListExportLogMixin, HRMixin, RegistryFilterMixin, View):
    """The registry, with the list's filters, as XLSX."""

    def get(self, request, org):
        data = exports.registry_xlsx(people=self.filtered_people(), organisation=self.organisation)
        return xlsx_response(data, filename=f"chefer-{self.organisation.slug}.xlsx")


class PersonDetailView(HRMixin, TemplateView):
    template_name = "programs/people/person_detail.html"

    def get_context_data(self, **kwargs):
        person = people.person_detail(organisation=self.organisation, pk=self.kwargs["pk"])
        access_log_view(
            self.request, action=PersonalDataAccess.Action.PERSON_VIEWED, subject=person
        )
        enrollments = []
        for enrollment in person.enrollments.all():
            attendance = {a.session_id: a for a in enrollment.attendances.all()}
            sessions = [(s, attendance.get(s.pk)) for s in enrollment.group.sessions.all()]
            enrollments.append(
                {
                    "enrollment": enrollment,
                    "sessions": sessions,
                    "agreements": sorted(enrollment.agreements.all(), key=lambda a: a.stage),
                }
            )
        return super().get_context_data(person=person, enrollments=enrollments, **kwargs)
