"""The access log of personal data, for HR: who viewed a person, exported a list of people,
opened a register extract or erased a person.

Reading the log is not itself logged (``participants.access_log`` says why).
"""

from django.http import Http404
from django.views.generic import ListView

from . import access_log
from .access import HRMixin
from .forms_access_log import AccessLogFilterForm


class AccessLogView(HRMixin, ListView):
    """Newest first, 50 a page, filtered by action and by person; another organisation's
    person in the filter is a 404."""

    template_name = "participants/access_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = AccessLogFilterForm(
            self.request.GET or None, organisation=self.organisation
        )
        bound = self.filter_form.is_bound
        if bound and not self.filter_form.is_valid() and "person" in self.filter_form.errors:
            raise Http404
        filters = self.filter_form.cleaned_data if bound else {}
        self.person = filters.get("person")
        self.action = filters.get("action", "")
        return access_log.access_log_for(self.organisation, action=self.action, subject=self.person)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [
            {"entry": entry, "what": access_log.what_label(entry.what)}
            for entry in context["entries"]
        ]
        return {
            **context,
            "rows": rows,
            "filter_form": self.filter_form,
            "person": self.person,
            "filtered": bool(self.person or self.action),
        }
