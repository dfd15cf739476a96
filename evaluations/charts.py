"""SVG charts of evaluation results, drawn with matplotlib, safe under a strict CSP.

matplotlib's SVG carries a ``<style>`` element and ``style="..."`` attributes,
which the page's Content-Security-Policy (``style-src 'self'``) would block,
leaving the chart black. ``clean_svg`` removes ``<style>`` and ``<script>``,
turns every ``style`` declaration into the equivalent SVG attribute, gives
every id a per-chart prefix (several charts share a page) and adds a title
for screen readers. The same SVG goes into the status report PDFs.

The functions take figures that are already suppressed (None for a hidden
unit): a chart can never show what a table would hide.
"""

import functools
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

from defusedxml.ElementTree import fromstring
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from core.svg import SVG_NS, XLINK_NS, serialise

FONT = "DejaVu Sans"
BAR_COLOUR = "#0b3d6e"
LINE_COLOURS = ("#0b3d6e", "#b35900", "#1b7a3a", "#8a1c5c", "#4d4d4d", "#005f73")
_URL_REF = re.compile(r"url\(#([^)]+)\)")
CACHE_SECONDS = 24 * 3600


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "svc",
            "font.family": FONT,
            "font.size": 10,
        }
    )
    return Figure(figsize=(width, height), dpi=100)


def _render(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def clean_svg(data: bytes, *, title: str, prefix: str) -> SafeString:
    """The SVG without styles or scripts, with ids prefixed and a title; ready to inline."""
    root = fromstring(data)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}metadata"):
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            if ":" in declaration:
                name, value = (part.strip() for part in declaration.split(":", 1))
                if name and name not in element.attrib:
                    element.set(name, value)
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
        for name, value in list(element.attrib.items()):
            if name == f"{{{XLINK_NS}}}href" and value.startswith("#"):
                element.set(name, f"#{prefix}-{value[1:]}")
            elif "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value))
        # Text keeps its font in PDFs too, where the page's CSS does not reach.
        if element.tag == f"{{{SVG_NS}}}text":
            element.set("font-family", FONT)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("width", "100%")
    root.attrib.pop("height", None)
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    title_element.text = title
    root.insert(0, title_element)
    return mark_safe(serialise(root))  # noqa: S308 - built from our own tree


def _cached(draw):
    """Keep each drawn chart in the cache under a hash of everything it is drawn from.

    Drawing with matplotlib takes tens of milliseconds; the results pages ask for
    the same two charts on every visit until an answer or a publication changes them.
    """

    @functools.wraps(draw)
    def cached(*args, **kwargs):
        payload = json.dumps(
            [draw.__name__, translation.get_language(), args, kwargs],
            default=str,
            ensure_ascii=False,
            sort_keys=True,
        )
        key = "evaluations:chart:" + hashlib.sha256(payload.encode()).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = draw(*args, **kwargs)
            cache.set(key, "" if svg is None else str(svg), CACHE_SECONDS)
        return mark_safe(svg) if svg else None  # noqa: S308 - our own SVG, see clean_svg

    return cached


@_cached
def distribution_svg(
    distribution: Sequence[int] | None, *, title: str, axis_label: str, prefix: str
) -> SafeString | None:
    """Bars of ratings per value 1–6 (shares in per cent). None when the unit is hidden."""
    if not distribution or not sum(distribution):
        return None
    total = sum(distribution)
    shares = [100 * n / total for n in distribution]
    fig = _figure(5.0, 2.6)
    ax = fig.add_subplot()
    values = list(range(1, len(distribution) + 1))
    bars = ax.bar(values, shares, color=BAR_COLOUR)
    for bar, share in zip(bars, shares, strict=True):
        ax.annotate(
            f"{share:.0f} %",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(values)
    ax.set_xlabel(axis_label)
    ax.set_ylim(0, max(shares) * 1.2)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return clean_svg(_render(fig), title=title, prefix=prefix)


@_cached
def module_means_svg(
    *,
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    x_labels: Sequence[str],
    title: str,
    y_label: str,
    prefix: str,
) -> SafeString | None:
    """One line per module through its mean in each round; hidden rounds leave a gap."""
    if not any(v is not None for _, values in series for v in values):
        return None
    fig = _figure(6.0, 3.6)
    ax = fig.add_subplot()
    xs = list(range(len(x_labels)))
    for index, (label, values) in enumerate(series):
        ys = [float(v) if v is not None else float("nan") for v in values]
        ax.plot(
            xs,
            ys,
            marker="o",
            label=label,
            color=LINE_COLOURS[index % len(LINE_COLOURS)],
            linewidth=1.5,
        )
    ax.set_xticks(xs, list(x_labels))
    ax.set_ylim(1, 6)
    ax.set_ylabel(y_label)
    ax.grid(axis="y", linewidth=0.5, color="#cccccc")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8, frameon=False, ncols=2)
    fig.tight_layout()
    return clean_svg(_render(fig), title=title, prefix=prefix)
