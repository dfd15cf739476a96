"""Turns a figures dict (live or from a snapshot) into labelled rows and charts.

One presentation for the dashboard, the report page and the PDF, in the
language that is active when it is called. Numbers are formatted here with
the locale's separators (Swedish: ``1 900``, ``95,3 %``), so templates only
print strings.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from evaluations import rules
from programs.models import Agreement

from .charts import Bar, BarChart, render_bar_chart

SUPPRESSED = "–"


def number(value) -> str:
    if value is None:
        return SUPPRESSED
    return formats.number_format(value, force_grouping=True)


def percent(rate) -> str:
    if rate is None:
        return SUPPRESSED
    return _("%(number)s%%") % {"number": _one_decimal(Decimal(str(rate)) * 100)}


def _one_decimal(value) -> str:
    # number_format cuts floats off (4.86 → "4,8"); round half up first.
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return formats.number_format(rounded, 1)


def mean(value) -> str:
    if value is None:
        return SUPPRESSED
    return _one_decimal(value)


@dataclass
class Table:
    """A small table: a caption, column headings and rows of strings (first cell is a heading)."""

    key: str
    caption: str
    headings: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Chart:
    key: str
    title: str
    svg: SafeString
    note: str = ""


@dataclass
class FiguresView:
    key_figures: list[tuple[str, str, str]]  # (key, label, value)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    has_evaluations: bool = False
    as_of: str = ""

    def value(self, key: str) -> str:
        return next(value for k, _label, value in self.key_figures if k == key)


def _chart(bar_chart: BarChart) -> Chart:
    return Chart(
        key=bar_chart.key,
        title=bar_chart.title,
        svg=render_bar_chart(bar_chart),
        note=bar_chart.note,
    )


def _k_note() -> str:
    return _(
        "–: not shown, because fewer than %(k)s people answered or because a small group "
        "could otherwise be worked out."
    ) % {"k": rules.min_responses()}


def _evaluation_tables(evaluations: dict) -> tuple[list[Table], list[Chart]]:
    tables, charts = [], []
    units = (
        ("by_module", _("Evaluation mean per module"), _("Module")),
        ("by_round", _("Evaluation mean per round"), pgettext("program round", "Round")),
        ("by_group", _("Evaluation mean per development group"), _("Development group")),
    )
    for key, caption, heading in units:
        rows = evaluations.get(key) or []
        if not rows:
            continue
        tables.append(
            Table(
                key=f"evaluation-{key}",
                caption=caption,
                headings=[heading, _("Mean (1–6)"), _("Answers")],
                rows=[
                    [str(row.get("label", "")), mean(row.get("mean")), number(row.get("answers"))]
                    for row in rows
                ],
                note=_k_note() if any(row.get("mean") is None for row in rows) else "",
            )
        )
    by_module = evaluations.get("by_module") or []
    if by_module:
        charts.append(
            _chart(
                BarChart(
                    key="evaluation-by-module",
                    title=_("Evaluation mean per module"),
                    axis_label=_("Mean on the scale 1–6"),
                    minimum=1,
                    maximum=6,
                    bars=tuple(
                        Bar(str(row.get("label", "")), row.get("mean"), mean(row.get("mean")))
                        for row in by_module
                    ),
                    note=_k_note() if any(row.get("mean") is None for row in by_module) else "",
                )
            )
        )
    themes = evaluations.get("effects_by_theme") or []
    if themes:
        tables.append(
            Table(
                key="effects",
                caption=_("Effects per theme"),
                headings=[_("Theme"), _("Effects")],
                rows=[[str(row.get("label", "")), number(row.get("count"))] for row in themes],
                note=_k_note() if any(row.get("count") is None for row in themes) else "",
            )
        )
        charts.append(
            _chart(
                BarChart(
                    key="effects",
                    title=_("Effects per theme"),
                    axis_label=_("Effects documented"),
                    integer=True,
                    bars=tuple(
                        Bar(str(row.get("label", "")), row.get("count"), number(row.get("count")))
                        for row in themes
                    ),
                )
            )
        )
    return tables, charts


def figures_view(figures: dict, *, charts: bool = True) -> FiguresView:
    """Labels, formatted values, tables and (optionally) charts for one figures dict."""
    participants = figures["participants"]
    sessions = figures["sessions"]
    attendance = figures["attendance"]
    evaluations = figures.get("evaluations") or None
    key_figures = [
        ("rounds", pgettext("program round", "Rounds"), number(figures["rounds"])),
        ("groups", _("Development groups"), number(figures["groups"])),
        ("enrolled", _("Participants enrolled"), number(participants["enrolled"])),
        ("completed", _("Participants who completed"), number(participants["completed"])),
        ("withdrawn", _("Participants who withdrew"), number(participants["withdrawn"])),
        ("sessions_held", _("Sessions held"), number(sessions["held"])),
        ("sessions_planned", _("Sessions planned"), number(sessions["planned"])),
        ("attendance_rate", _("Attendance rate"), percent(attendance["rate"])),
        (
            "evaluation_mean",
            _("Evaluation mean (1–6)"),
            mean(evaluations.get("mean")) if evaluations else SUPPRESSED,
        ),
        (
            "response_rate",
            _("Evaluation response rate"),
            percent(evaluations.get("response_rate")) if evaluations else SUPPRESSED,
        ),
        ("consultants", _("Consultants"), number(figures["consultants"])),
        ("check_ins", _("Check-ins"), number(figures["check_ins"])),
        ("status_reports", _("Status reports"), number(figures["status_reports"])),
    ]
    by_module = figures["attendance_by_module"]
    status_labels = dict(Agreement.Status.choices)
    stage_labels = dict(Agreement.Stage.choices)
    agreements = figures["agreements"]
    tables = [
        Table(
            key="attendance",
            caption=_("Attendance per module (held sessions)"),
            headings=[_("Module"), _("Present"), _("Recorded"), _("Attendance rate")],
            rows=[
                [
                    f"{row['order']}. {row['name']}",
                    number(row["present"]),
                    number(row["recorded"]),
                    percent(row["rate"]),
                ]
                for row in by_module
            ],
        ),
        Table(
            key="agreements",
            caption=_("Agreements by state"),
            headings=[_("State"), _("Agreements")],
            rows=[
                [str(status_labels.get(status, status)), number(n)]
                for status, n in agreements["by_status"].items()
            ],
        ),
    ]
    if agreements["by_stage"]:
        statuses = list(agreements["by_status"])
        tables.append(
            Table(
                key="agreements-by-stage",
                caption=_("Agreements by stage and state"),
                headings=[_("Stage"), *(str(status_labels.get(s, s)) for s in statuses)],
                rows=[
                    [str(stage_labels.get(row["stage"], row["stage"]))]
                    + [number(row["counts"].get(s, 0)) for s in statuses]
                    for row in agreements["by_stage"]
                ],
            )
        )
    chart_list = []
    if charts and attendance["recorded"]:
        chart_list.append(
            _chart(
                BarChart(
                    key="attendance",
                    title=_("Attendance rate per module"),
                    axis_label=_("Share present (%)"),
                    maximum=100,
                    bars=tuple(
                        Bar(
                            f"{row['order']}. {row['name']}",
                            None if row["rate"] is None else round(row["rate"] * 100, 1),
                            percent(row["rate"]),
                        )
                        for row in by_module
                    ),
                )
            )
        )
    if charts and agreements["total"]:
        chart_list.append(
            _chart(
                BarChart(
                    key="agreements",
                    title=_("Agreements by state"),
                    axis_label=_("Agreements"),
                    integer=True,
                    bars=tuple(
                        Bar(str(status_labels.get(status, status)), n, number(n))
                        for status, n in agreements["by_status"].items()
                    ),
                )
            )
        )
    if evaluations:
        evaluation_tables, evaluation_charts = _evaluation_tables(evaluations)
        tables.extend(evaluation_tables)
        if charts:
            chart_list.extend(evaluation_charts)
    return FiguresView(
        key_figures=key_figures,
        tables=tables,
        charts=chart_list,
        has_evaluations=bool(evaluations),
        as_of=figures.get("as_of", ""),
    )


def corrections(snapshot: dict) -> list[dict]:
    """The snapshot's check-in corrections with real dates, so templates format them."""
    return [
        {**item, "held_on": dt.date.fromisoformat(item["held_on"])}
        for item in snapshot.get("corrections", [])
    ]
