"""The one chart module: SVG drawn by matplotlib, safe under a strict CSP, drawn once per data.

matplotlib's SVG carries a ``<style>`` element and ``style="..."`` attributes,
which the page's Content-Security-Policy (``style-src 'self'``) would block,
leaving the chart black. ``clean_svg`` removes ``<style>``, ``<script>`` and
metadata, turns every style declaration into the equivalent SVG attribute,
gives every id a per-chart prefix (several charts share a page) and adds a
title for screen readers. The same markup goes into pages and PDFs.

matplotlib is imported on the first drawing (``draw_svg``), never when this
module is imported: it would add about half a second to every process's
start-up. Drawing costs tens of milliseconds, so ``cached`` keeps each chart
under a hash of everything it is drawn from: data, words and language.

The apps keep only what their charts show (``evaluations.charts``,
``reports.charts``); import-linter allows matplotlib here and nowhere else.
"""

import dataclasses
import functools
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec

from defusedxml.ElementTree import fromstring
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FONT = "DejaVu Sans"  # matplotlib's own font: drawn with it, so the text fits its boxes
FONT_FAMILY = f"{FONT}, sans-serif"  # what the SVG's text asks for
BAR_COLOUR = "#0b3d6e"  # the navbar blue: 11:1 against white
CACHE_SECONDS = 24 * 3600
# Bump when the drawing code changes, so cached charts are drawn again.
CHART_VERSION = 1

# Text stays text (searchable, tagged in the PDF); ids are the same on every run.
_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "svc", "font.family": FONT, "font.size": 10}
_DROPPED_TAGS = {f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}metadata"}
_URL_REF = re.compile(r"url\(#([^)]+)\)")

P = ParamSpec("P")


# --- Drawing -------------------------------------------------------------------------------


@functools.cache
def _matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


def draw_svg(
    draw: "Callable[[Figure], object]", *, width: float, height: float, dpi: int = 100
) -> str:
    """matplotlib's SVG of a new figure (inches, dots per inch) that ``draw`` fills.

    The shared style applies while ``draw`` runs and the figure is written; the
    layout is made tight afterwards.
    """
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width, height), dpi=dpi)
        draw(figure)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def whole_number_ticks(axis: "Axis") -> None:
    """Ticks on whole numbers only, for counts."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


# --- Cleaning ------------------------------------------------------------------------------


def _style_to_attributes(element: ET.Element, font_family: str) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font":  # matplotlib's shorthand: "<size>px '<family>'"
            size, _, _family = value.partition(" ")
            element.set("font-size", size)
            element.set("font-family", font_family)
        elif name == "font-family":
            element.set("font-family", font_family)
        elif name:
            element.set(name, value)


def _serialise(root: ET.Element) -> str:
    """Plain ``<svg xmlns=…>`` markup, whatever other code did to ElementTree's prefix registry.

    (WeasyPrint registers the prefix "" for no namespace, which would make
    ElementTree write ``ns0:svg``; ``ET.register_namespace`` at import time is
    therefore not enough.)
    """
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
        for name in [n for n in element.attrib if n.startswith(f"{{{XLINK_NS}}}")]:
            element.set("xlink:" + name.removeprefix(f"{{{XLINK_NS}}}"), element.attrib.pop(name))
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def clean_svg(
    svg: str | bytes, *, id_prefix: str, title: str, font_family: str = FONT_FAMILY
) -> str:
    """matplotlib's SVG without style elements, style attributes, scripts or metadata.

    Every id, and every reference to one, gets ``id_prefix``. The root gets
    ``role="img"`` and a ``<title>``, so a screen reader reads the chart's
    title; its width follows the page. Text names ``font_family`` itself, so it
    keeps its font in PDFs too, where the page's CSS does not reach.
    """
    root = fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in _DROPPED_TAGS:
                parent.remove(child)
    hrefs = (f"{{{XLINK_NS}}}href", "href")
    for element in root.iter():
        _style_to_attributes(element, font_family)
        if "id" in element.attrib:
            element.set("id", f"{id_prefix}-{element.get('id')}")
        for name, value in list(element.attrib.items()):
            if name in hrefs and value.startswith("#"):
                element.set(name, f"#{id_prefix}-{value[1:]}")
            elif "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{id_prefix}-{m.group(1)})", value))
        if element.tag == f"{{{SVG_NS}}}text":
            element.set("font-family", font_family)
    # What the deleted <style> said for every element.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("font-family", font_family)
    root.set("role", "img")
    root.set("focusable", "false")
    root.set("class", "chart")
    root.set("aria-labelledby", f"{id_prefix}-title")
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{id_prefix}-title"})
    title_element.text = title
    root.insert(0, title_element)
    return _serialise(root)


# --- Caching -------------------------------------------------------------------------------


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def cached(draw: Callable[P, str | None]) -> Callable[P, SafeString | None]:
    """Keep each chart ``draw`` returns in the cache, keyed by what it is drawn from.

    The key is a hash of the function, its arguments (the data and the words)
    and the active language. A chart with nothing to show (None) is kept as
    "" and comes back as None.
    """
    name = f"{draw.__module__}.{draw.__qualname__}"

    @functools.wraps(draw)
    def cached_draw(*args: P.args, **kwargs: P.kwargs) -> SafeString | None:
        payload = json.dumps(
            [CHART_VERSION, name, translation.get_language(), args, kwargs],
            default=_plain,
            ensure_ascii=False,
            sort_keys=True,
        )
        key = "charts:" + hashlib.sha256(payload.encode()).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = draw(*args, **kwargs) or ""
            cache.set(key, svg, CACHE_SECONDS)
        # Our own SVG (clean_svg): text was escaped by matplotlib and again by ElementTree.
        return mark_safe(svg) if svg else None  # noqa: S308

    return cached_draw
