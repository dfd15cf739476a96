"""The bar charts of "program in figures", on the dashboard and in the status report PDF.

Only what a chart shows lives here (``BarChart``, ``Bar``) and how its bars
are laid out; ``core.charts`` draws it with matplotlib, cleans it for the
strict CSP and WeasyPrint, and caches it under everything it shows.
"""

from dataclasses import dataclass

from django.utils import formats

from core.charts import BAR_COLOUR, cached, clean_svg, draw_svg, whole_number_ticks

MUTED_COLOUR = "#6c757d"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: not shown (e.g. fewer answers than the k rule allows)
    text: str = ""  # printed at the end of the bar; "" prints nothing


@dataclass(frozen=True)
class BarChart:
    """What a chart shows. Everything in it is part of the cache key."""

    key: str  # unique on the page; prefixes the SVG ids
    title: str
    bars: tuple[Bar, ...]
    axis_label: str = ""
    maximum: float | None = None
    minimum: float = 0
    note: str = ""  # shown under the chart, e.g. why a bar is missing
    integer: bool = False  # counts: whole-number ticks only


def _tick_label(value: float, _position) -> str:
    value = round(value, 2)
    return formats.number_format(int(value) if value.is_integer() else value)


def _draw_bars(figure, chart: BarChart) -> None:
    shown = list(chart.bars)
    axes = figure.add_subplot()
    labels = [bar.label for bar in shown]
    values = [bar.value or 0 for bar in shown]
    colours = [BAR_COLOUR if bar.value is not None else MUTED_COLOUR for bar in shown]
    positions = list(range(len(shown)))
    axes.barh(positions, values, color=colours, height=0.6)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    top = chart.maximum or max([*values, 1]) * 1.15
    axes.set_xlim(chart.minimum, top)
    if chart.integer:
        whole_number_ticks(axes.xaxis)
    # Tick labels with the active language's decimal separator (Swedish: 4,5).
    axes.xaxis.set_major_formatter(_tick_label)
    if chart.axis_label:
        axes.set_xlabel(chart.axis_label)
    for position, bar in zip(positions, shown, strict=True):
        if bar.text:
            x = (bar.value or chart.minimum) + (top - chart.minimum) * 0.01
            axes.text(x, position, bar.text, va="center", fontsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


@cached
def render_bar_chart(chart: BarChart) -> str:
    """The chart as inline SVG markup, safe to put in a template."""
    height = max(1.6, 0.45 * len(chart.bars) + 0.9)
    svg = draw_svg(lambda figure: _draw_bars(figure, chart), width=6.4, height=height, dpi=72)
    return clean_svg(svg, id_prefix=f"chart-{chart.key}", title=chart.title)
