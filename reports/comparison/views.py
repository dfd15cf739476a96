"""The comparison between organisations: HR's choice to take part, and the comparison page.

HR decides whether the organisation takes part; HR and the steering group read
the comparison of one of the organisation's programs.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from participants.access import OrganisationRoleMixin
from participants.models import Role

from .. import selectors as report_selectors
from ..figures import SUPPRESSED, mean, percent
from . import rules, selectors, services
from .forms import ComparisonSettingForm

HR_ONLY = frozenset({Role.HR})
HR_AND_STEERING = frozenset({Role.HR, Role.STEERING})


class ComparisonSettingsView(OrganisationRoleMixin, TemplateView):
    """HR turns the organisation's part in the comparison on or off."""

    allowed_roles = HR_ONLY
    template_name = "reports/comparison_settings.html"

    def get_context_data(self, **kwargs):
        opt_in = selectors.opt_in_of(organisation=self.organisation)
        kwargs.setdefault("form", ComparisonSettingForm(initial={"take_part": opt_in is not None}))
        return super().get_context_data(
            opt_in=opt_in,
            programs=report_selectors.programs_for_follow_up(organisation=self.organisation),
            min_organisations=rules.MIN_ORGANISATIONS,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ComparisonSettingForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if form.cleaned_data["take_part"]:
            _opt_in, changed = services.comparison_join(
                organisation=self.organisation, by=request.user
            )
            message = _(
                "Saved. Your organisation takes part: its module means and response rates "
                "now count in the comparison, without its name."
            )
        else:
            changed = services.comparison_leave(organisation=self.organisation)
            message = _(
                "Saved. Your organisation no longer takes part: its figures have left the "
                "comparison, and it sees no comparison either."
            )
        if changed:
            messages.success(request, message)
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("reports:comparison_settings", org=self.organisation.slug)


class ComparisonView(OrganisationRoleMixin, TemplateView):
    """One program's module means and response rates beside the other organisations'."""

    allowed_roles = HR_AND_STEERING
    template_name = "reports/comparison.html"

    def get_context_data(self, **kwargs):
        program = report_selectors.program_or_404(
            organisation=self.organisation, program_id=self.kwargs["program_id"]
        )
        comparison = selectors.comparison_for(program=program)
        return super().get_context_data(
            program=program,
            program_crumb=True,
            comparison=comparison,
            tables=_tables(comparison.rows) if comparison.shown else [],
            other_programs=selectors.other_programs(program=program),
            is_hr=Role.HR in self.roles,
            min_organisations=rules.MIN_ORGANISATIONS,
            quartiles_from=rules.QUARTILES_FROM,
            **kwargs,
        )


def _rate(value) -> str:
    # Our rate is in per cent; ``percent`` (the dashboard's format) takes a fraction.
    return SUPPRESSED if value is None else percent(value / 100)


def _whole_percent(value) -> str:
    return _("%(number)s%%") % {"number": int(value)}


def _table(*, key, caption, own_heading, rows) -> dict:
    return {
        "key": key,
        "caption": caption,
        "own_heading": own_heading,
        "quarters": any(row["quarters"] for row in rows),
        "rows": rows,
    }


def _tables(rows: list[selectors.ComparisonRow]) -> list[dict]:
    """The means and the response rates, each a table of strings for the template."""
    return [
        _table(
            key="means",
            caption=_("Evaluation means (1–6)"),
            own_heading=_("Your mean"),
            rows=[
                {
                    "label": row.label,
                    "own": mean(row.own_mean),
                    "organisations": row.mean_organisations,
                    **_distribution(row.means, mean),
                }
                for row in rows
            ],
        ),
        _table(
            key="rates",
            caption=_("Evaluation response rates"),
            own_heading=_("Your response rate"),
            rows=[
                {
                    "label": row.label,
                    "own": _rate(row.own_rate),
                    "organisations": row.rate_organisations,
                    **_distribution(row.rates, _whole_percent),
                }
                for row in rows
            ],
        ),
    ]


def _distribution(found: rules.Distribution | None, fmt) -> dict:
    if found is None:
        return {"shown": False, "quarters": False}
    return {
        "shown": True,
        "quarters": found.lower is not None,
        "lower": SUPPRESSED if found.lower is None else fmt(found.lower),
        "middle": fmt(found.middle),
        "upper": SUPPRESSED if found.upper is None else fmt(found.upper),
    }
