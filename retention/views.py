"""HR pages of retention: the rules, one rule's form, the dry run, the run, and the log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from core.forms import add_service_errors
from participants.access import HRMixin

from . import selectors
from .forms import RetentionRuleForm
from .services import retention_apply, retention_plan, retention_rule_save

LOG_PAGE_SIZE = 50


class RulesView(HRMixin, TemplateView):
    template_name = "retention/rules.html"

    def get_context_data(self, **kwargs):
        rules = selectors.rules_for(self.organisation)
        return super().get_context_data(
            rules=[entry for entry in rules if not entry.kind.is_platform],
            platform_rules=[entry for entry in rules if entry.kind.is_platform],
            **kwargs,
        )


class RuleEditView(HRMixin, FormView):
    template_name = "retention/rule_edit.html"
    form_class = RetentionRuleForm

    def get_entry(self):
        if not hasattr(self, "_entry"):
            self._entry = selectors.rule_of_organisation(
                organisation=self.organisation, kind=self.kwargs["kind"]
            )
        return self._entry

    def get_initial(self):
        entry = self.get_entry()
        return {
            "period_days": entry.period_days,
            "decision_reference": entry.decision_reference,
            "decided_on": entry.decided_on,
            "enabled": entry.enabled,
        }

    def form_valid(self, form):
        entry = self.get_entry()
        try:
            retention_rule_save(
                organisation=self.organisation,
                kind=entry.kind.key,
                user=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The rule for “%(kind)s” was saved.") % {"kind": entry.kind.name}
        )
        return redirect("retention:rules", org=self.organisation.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.get_entry(), **kwargs)


class DryRunView(HRMixin, TemplateView):
    """What the organisation's enabled rules would remove now; nothing is removed here."""

    template_name = "retention/dry_run.html"

    def get_context_data(self, **kwargs):
        plan = retention_plan(organisation=self.organisation, now=timezone.now())
        return super().get_context_data(
            plan=plan, total=sum(p.count for p in plan), now=timezone.now(), **kwargs
        )


class ApplyView(DryRunView):
    """The confirmation before removing (GET), and the run itself (POST)."""

    template_name = "retention/apply.html"

    def post(self, request, *args, **kwargs):
        entries = retention_apply(
            organisation=self.organisation, now=timezone.now(), user=request.user
        )
        if not entries:
            messages.info(request, _("No rule is applied, so nothing was removed."))
            return redirect("retention:dry_run", org=self.organisation.slug)
        removed = sum(entry.removed for entry in entries)
        messages.success(
            request,
            ngettext(
                "%(count)d record was removed. The log says what, per kind.",
                "%(count)d records were removed. The log says what, per kind.",
                removed,
            )
            % {"count": removed},
        )
        return redirect("retention:log", org=self.organisation.slug)


class LogView(HRMixin, TemplateView):
    template_name = "retention/log.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.retention_log_for(self.organisation), LOG_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            page_obj=page, paginator=page.paginator, entries=page.object_list, **kwargs
        )
