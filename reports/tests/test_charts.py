"""The SVG charts pass a strict CSP (no style element or attribute, no script) and are named."""

import xml.etree.ElementTree as ET

import pytest

from reports.charts import Bar, BarChart, clean_svg, render_bar_chart

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

MATPLOTLIB_LIKE = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="432pt" height="216pt"
     viewBox="0 0 432 216" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
 <defs><style type="text/css">*{stroke-linejoin: round}</style>
  <clipPath id="p1"><rect x="0" y="0" width="10" height="10"/></clipPath>
  <path id="m1" d="M 0 0 L 0 3.5" style="stroke: #000000; stroke-width: 0.8"/></defs>
 <script>alert(1)</script>
 <path d="M 0 0 L 1 1" clip-path="url(#p1)" style="fill: #0b3d6e"/>
 <use xlink:href="#m1" x="1" y="2" style="stroke: #000000"/>
 <text style="font: 10px 'DejaVu Sans'; text-anchor: middle" x="5" y="5">Klar &lt;ledare&gt;</text>
</svg>"""


def test_clean_svg_turns_styles_into_attributes_and_drops_scripts():
    svg = clean_svg(MATPLOTLIB_LIKE, id_prefix="chart-x", title="Närvaro per modul")

    root = ET.fromstring(svg)  # noqa: S314 - our own output
    elements = {
        element.tag.removeprefix(f"{{{SVG}}}"): dict(element.attrib)
        for element in root.iter()
        if element is not root
    }
    assert list(elements) == ["title", "defs", "clipPath", "rect", "path", "use", "text"]
    assert {k: root.attrib[k] for k in ("role", "aria-labelledby", "class")} == {
        "role": "img",
        "aria-labelledby": "chart-x-title",
        "class": "chart",
    }
    assert (root.find(f"{{{SVG}}}title").text, elements["title"]) == (
        "Närvaro per modul",
        {"id": "chart-x-title"},
    )
    assert elements["clipPath"] == {"id": "chart-x-p1"}
    assert elements["use"] == {
        "x": "1",
        "y": "2",
        "stroke": "#000000",
        f"{{{XLINK}}}href": "#chart-x-m1",
    }
    assert elements["text"] == {
        "x": "5",
        "y": "5",
        "font-size": "10px",
        "font-family": "DejaVu Sans, sans-serif",
        "text-anchor": "middle",
    }
    assert root.find(f"{{{SVG}}}text").text == "Klar <ledare>"
    assert ("width" in root.attrib, "height" in root.attrib, "style=" in svg) == (
        False,
        False,
        False,
    )


@pytest.mark.django_db
def test_rendered_chart_escapes_labels_and_has_no_styles():
    svg = render_bar_chart(
        BarChart(
            key="prov",
            title="Prov <script>",
            bars=(Bar("<b>Modul</b>", 4.8, "4,8"), Bar("Dold grupp", None, "–")),
            minimum=1,
            maximum=6,
        )
    )

    root = ET.fromstring(svg)  # noqa: S314 - our own output
    dropped = {f"{{{SVG}}}{name}" for name in ("style", "script", "metadata")}
    assert [element.tag for element in root.iter() if element.tag in dropped] == []
    assert " style=" not in svg
    assert '<title id="chart-prov-title">Prov &lt;script&gt;</title>' in svg
    assert "&lt;b&gt;Modul&lt;/b&gt;" in svg
    assert (
        render_bar_chart(
            BarChart(
                key="prov",
                title="Prov <script>",
                bars=(Bar("<b>Modul</b>", 4.8, "4,8"), Bar("Dold grupp", None, "–")),
                minimum=1,
                maximum=6,
            )
        )
        == svg
    )
