"""SVG charts that survive a strict CSP: no styles, no scripts, ids unique per chart."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from evaluations.charts import distribution_svg, module_means_svg


def test_distribution_chart_has_no_style_or_script_and_a_title():
    svg = distribution_svg(
        [1, 2, 5, 20, 40, 30], title="Fördelning av alla svar", axis_label="Värde", prefix="c1"
    )

    assert svg.startswith("<svg")
    assert "<style" not in svg and "style=" not in svg and "<script" not in svg
    assert '<title id="c1-title">Fördelning av alla svar</title>' in svg
    assert 'role="img"' in svg and 'aria-labelledby="c1-title"' in svg
    assert 'font-family="DejaVu Sans"' in svg


def test_every_id_and_reference_carries_the_charts_prefix():
    svg = module_means_svg(
        series=[("1. Del av en helhet", [Decimal("4.8"), None]), ("2. Klar ledare", [5, 4.9])],
        x_labels=["Omgång 1", "Omgång 2"],
        title="Medelvärde per modul och omgång",
        y_label="Medelvärde",
        prefix="c2",
    )

    elements = list(ET.fromstring(svg).iter())  # noqa: S314 - our own output
    ids = [element.get("id") for element in elements if "id" in element.attrib]
    references = [
        value.removeprefix("url(#").removesuffix(")") if value.startswith("url(#") else value[1:]
        for element in elements
        for name, value in element.attrib.items()
        if value.startswith("url(#") or (name.endswith("href") and value.startswith("#"))
    ]
    assert {i[:3] for i in ids} == {"c2-"}
    assert {r[:3] for r in references} == {"c2-"}
    assert "<style" not in svg and "style=" not in svg


def test_a_hidden_unit_draws_no_chart():
    assert distribution_svg(None, title="x", axis_label="y", prefix="c3") is None
    assert module_means_svg(series=[("M", [None])], x_labels=["1"], title="t", y_label="y",
                            prefix="c4") is None  # fmt: skip


def test_charts_are_plain_svg_markup_also_after_weasyprint_is_loaded():
    """WeasyPrint changes ElementTree's global prefix registry when it is imported; a chart
    drawn afterwards in the same process (a worker that rendered a PDF) is still <svg>."""
    import weasyprint  # noqa: F401

    svg = distribution_svg([1, 2, 3, 4, 5, 6], title="Fördelning", axis_label="Värde", prefix="w")

    assert svg.startswith("<svg")
    assert "ns0:" not in svg
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_a_drawn_chart_is_reused_only_for_the_same_data_and_words():
    first = distribution_svg([1, 2, 3, 4, 5, 6], title="Fördelning", axis_label="Värde", prefix="k")
    again = distribution_svg([1, 2, 3, 4, 5, 6], title="Fördelning", axis_label="Värde", prefix="k")
    other_data = distribution_svg([6, 5, 4, 3, 2, 1], title="Fördelning", axis_label="Värde",
                                  prefix="k")  # fmt: skip
    other_title = distribution_svg([1, 2, 3, 4, 5, 6], title="Svar", axis_label="Värde", prefix="k")

    assert again == first
    assert other_data != first
    assert '<title id="k-title">Svar</title>' in other_title
    assert distribution_svg([0] * 6, title="Tom", axis_label="Värde", prefix="k") is None
