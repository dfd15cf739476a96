"""SVG bar charts drawn by matplotlib, made safe for the strict CSP and for WeasyPrint.

matplotlib writes a ``<style>`` element and ``style="..."`` attributes; the
CSP (``style-src 'self'``) blocks both in the browser, so the charts would
render black. ``clean_svg`` removes ``<style>``, ``<script>`` and metadata,
turns every style declaration into the equivalent SVG presentation attribute
and prefixes every id, so several charts can share one page. The same string
goes into the dashboard and into the PDF.

Drawing costs tens of milliseconds, so a chart is cached under a hash of
everything it shows (data, labels, language).
"""

import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import matplotlib
from django.core.cache import cache
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.svg import SVG_NS, XLINK_NS, serialise

FONT_FAMILY = "DejaVu Sans, sans-serif"
BAR_COLOUR = "#0b3d6e"  # the navbar blue: 11:1 against white
MUTED_COLOUR = "#6c757d"
CACHE_SECONDS = 24 * 3600
# Bump when the drawing code changes, so cached charts are drawn again.
CHART_VERSION = 3

_DROPPED_TAGS = {f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}metadata"}
_URL_REF = re.compile(r"url\(#([^)]+)\)")


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


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font":  # matplotlib's shorthand: "<size>px '<family>'"
            size, _, _family = value.partition(" ")
            element.set("font-size", size)
            element.set("font-family", FONT_FAMILY)
        elif name == "font-family":
            element.set("font-family", FONT_FAMILY)
        elif name:
            element.set(name, value)


def clean_svg(svg: str, *, id_prefix: str, title: str) -> str:
    """matplotlib's SVG without style elements, style attributes, scripts or metadata.

    The root gets ``role="img"`` and a ``<title>``, so a screen reader reads
    the chart's title; its width follows the page (CSS class ``chart``).
    """
    # The SVG comes from matplotlib in this process, never from a user.
    root = ET.fromstring(svg)  # noqa: S314
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in _DROPPED_TAGS:
                parent.remove(child)
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        _style_to_attributes(element)
        if "id" in element.attrib:
            element.set("id", f"{id_prefix}-{element.get('id')}")
        for name in ("clip-path", "mask", "fill", "filter"):
            if name in element.attrib:
                element.set(name, _URL_REF.sub(rf"url(#{id_prefix}-\1)", element.get(name)))
        for name in (href, "href"):
            if element.get(name, "").startswith("#"):
                element.set(name, f"#{id_prefix}-{element.get(name)[1:]}")
    # What the deleted <style> said for every element.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("font-family", FONT_FAMILY)
    root.set("role", "img")
    root.set("focusable", "false")
    root.set("class", "chart")
    root.set("aria-labelledby", f"{id_prefix}-title")
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{id_prefix}-title"})
    title_element.text = title
    root.insert(0, title_element)
    return serialise(root)


def _tick_label(value: float, _position) -> str:
    value = round(value, 2)
    return formats.number_format(int(value) if value.is_integer() else value)


def _draw(chart: BarChart) -> str:
    shown = list(chart.bars)
    height = max(1.6, 0.45 * len(shown) + 0.9)
    figure = Figure(figsize=(6.4, height), dpi=72)
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
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Tick labels with the active language's decimal separator (Swedish: 4,5).
    axes.xaxis.set_major_formatter(FuncFormatter(_tick_label))
    if chart.axis_label:
        axes.set_xlabel(chart.axis_label)
    for position, bar in zip(positions, shown, strict=True):
        if bar.text:
            x = (bar.value or chart.minimum) + (top - chart.minimum) * 0.01
            axes.text(x, position, bar.text, va="center", fontsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def render_bar_chart(chart: BarChart) -> SafeString:
    """The chart as inline SVG markup, safe to put in a template."""
    bars = [(b.label, b.value, b.text) for b in chart.bars]
    payload = json.dumps(
        [CHART_VERSION, translation.get_language(), chart.key, chart.title, chart.axis_label,
         chart.maximum, chart.minimum, chart.integer, bars],
        ensure_ascii=False,
    )  # fmt: skip
    cache_key = "reports:chart:" + hashlib.sha256(payload.encode()).hexdigest()
    svg = cache.get(cache_key)
    if svg is None:
        with matplotlib.rc_context(
            {"svg.fonttype": "none", "svg.hashsalt": chart.key, "font.family": "DejaVu Sans"}
        ):
            svg = clean_svg(_draw(chart), id_prefix=f"chart-{chart.key}", title=chart.title)
        cache.set(cache_key, svg, CACHE_SECONDS)
    # Text in the SVG was escaped by matplotlib and again by ElementTree.
    return mark_safe(svg)  # noqa: S308
