"""Results, published comments and effects for HR, the steering group and process leaders.

Process leaders see only the groups they lead; the steering group and HR see all.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.responses import xlsx_response
from participants.access import OrganisationRoleMixin
from participants.models import Role

from .. import charts, exports, rules, selectors, services
from ..effects import effect_summary
from ..results import program_results

RESULT_ROLES = frozenset({Role.HR, Role.STEERING, Role.PROCESS_LEADER})
EXPORT_ROLES = frozenset({Role.HR, Role.STEERING})
PAGE_SIZE = 50


@dataclass(frozen=True)
class Tab:
    url: str
    label: str
    current: bool


class ProgramMixin(OrganisationRoleMixin):
    """The program from the URL, and the groups this user may see (None: all of them)."""

    tab = ""

    def load_program(self):
        self.program = selectors.program_or_404(
            organisation=self.organisation, program_id=self.kwargs["program_id"]
        )
        if self.roles & {Role.HR, Role.STEERING}:
            self.group_ids = None
        else:
            self.group_ids = selectors.groups_led_by(user=self.request.user, program=self.program)
        # The beat folds within minutes of a window's close; without a worker (no
        # REDIS_URL, or Redis down) the first reader folds, so results never wait.
        self.folded = services.answers_fold_for_program(program=self.program)
        return self.program

    def tabs(self) -> list[Tab]:
        kwargs = {"org": self.organisation.slug, "program_id": self.program.pk}
        entries = [
            ("results", _("Results")),
            ("comments", _("Comments")),
            ("effects", _("Effects")),
        ]
        if Role.HR in self.roles:
            entries += [("review", _("Review texts")), ("forms", _("Forms and themes"))]
        return [
            Tab(reverse(f"evaluations:{name}", kwargs=kwargs), label, name == self.tab)
            for name, label in entries
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            program=self.program,
            tabs=self.tabs(),
            restricted=self.group_ids is not None,
            can_export=bool(self.roles & EXPORT_ROLES),
            k=rules.min_responses(),
            **kwargs,
        )


class ResultsView(ProgramMixin, TemplateView):
    allowed_roles = RESULT_ROLES
    template_name = "evaluations/results.html"
    tab = "results"

    def get_context_data(self, **kwargs):
        """The results, rendered at most once a minute per program, language and set of
        groups (``selectors.results_key``): at national scale they cost tens of aggregate
        queries and a 300 kB table, and they change only as windows close (a fold here
        renders them afresh at once) and attendance is recorded."""
        program = self.load_program()
        key = selectors.results_key(program=program, group_ids=self.group_ids)
        cached = None if self.folded and self.folded.folded else cache.get(key)
        extra = {}
        if cached is None:
            extra = self.results_context(program)
            cached = {
                "as_of": timezone.now(),
                "html": render_to_string(
                    "evaluations/_results_body.html",
                    {**extra, "restricted": self.group_ids is not None},
                    request=self.request,
                ),
            }
            cache.set(key, cached, selectors.RESULTS_SECONDS)
        return super().get_context_data(
            results_html=cached["html"], results_as_of=cached["as_of"], **extra, **kwargs
        )

    def results_context(self, program) -> dict:
        results = program_results(program=program, group_ids=self.group_ids)
        distribution_chart = means_chart = None
        if results.complete:
            distribution_chart = charts.distribution_svg(
                results.total.distribution,
                title=_("Distribution of all ratings, 1–6"),
                axis_label=_("Rating"),
                prefix="chart-distribution",
            )
            means_chart = charts.module_means_svg(
                series=[
                    (str(row.module), [f.mean for f in row.rounds]) for row in results.module_rows
                ],
                x_labels=[str(block.round) for block in results.rounds],
                title=_("Mean per module and round"),
                y_label=_("Mean (1–6)"),
                prefix="chart-means",
            )
        return {
            "results": results,
            "distribution_chart": distribution_chart,
            "means_chart": means_chart,
        }


class ResultsExportView(ProgramMixin, View):
    allowed_roles = EXPORT_ROLES

    def get(self, request, *args, **kwargs):
        program = self.load_program()
        data = exports.results_xlsx(
            results=program_results(program=program),
            effects=effect_summary(program=program),
        )
        return xlsx_response(data, filename=f"utvarderingar-{program.pk}.xlsx")


class CommentsView(ProgramMixin, TemplateView):
    """Free texts HR has published, from sessions with at least k answers."""

    allowed_roles = RESULT_ROLES
    template_name = "evaluations/comments.html"
    tab = "comments"

    def get_context_data(self, **kwargs):
        program = self.load_program()
        modules = list(program.modules.order_by("order"))
        module_id = self.request.GET.get("modul", "")
        module = next((m for m in modules if str(m.pk) == module_id), None)
        texts = selectors.published_texts(
            program=program, group_ids=self.group_ids, module_id=module.pk if module else None
        )
        page = Paginator(texts, PAGE_SIZE).get_page(self.request.GET.get("sida"))
        return super().get_context_data(
            modules=modules,
            module=module,
            page_obj=page,
            texts=page.object_list,
            query=f"modul={module.pk}&" if module else "",
            **kwargs,
        )


class EffectsView(ProgramMixin, TemplateView):
    """Tracing the effects: counts per theme and group, and published quotes."""

    allowed_roles = RESULT_ROLES
    template_name = "evaluations/effects.html"
    tab = "effects"

    def get_context_data(self, **kwargs):
        program = self.load_program()
        summary = effect_summary(program=program, group_ids=self.group_ids)
        theme_id = self.request.GET.get("tema", "")
        theme = next((t for t in summary.themes if str(t.pk) == theme_id), None)
        entries = selectors.published_effects(
            program=program, group_ids=self.group_ids, theme_id=theme.pk if theme else None
        )
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("sida"))
        return super().get_context_data(
            summary=summary,
            theme=theme,
            page_obj=page,
            entries=page.object_list,
            query=f"tema={theme.pk}&" if theme else "",
            **kwargs,
        )
