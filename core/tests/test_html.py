"""The test helper that reads pages (core.tests.html): what its selectors match, what text reads."""

import pytest
from django.http import HttpResponse

from core.tests.html import parse, table

PAGE = """<!doctype html>
<html><head><title>Sida</title><script>var hidden = "<p>no</p>";</script></head>
<body>
  <h1>Överenskommelse:
      Före modul 1</h1>
  <ul class="list-group" id="staff">
    <li class="list-group-item first"><strong>Anna Ek</strong> <span class="small">(du)</span><br>
      <span class="small">Social&shy;förvaltningen</span></li>
    <li class="list-group-item"><strong>Bo Berg</strong><img src="x.png" alt=""></li>
  </ul>
  <p data-testid="rate">81,8&nbsp;%</p>
  <label for="id_texts-develop">Vad jag vill <em>utveckla</em></label><input id="id_texts-develop">
  <table id="members"><thead><tr><th scope="col">Namn</th><th>Närvaro</th></tr></thead>
    <tbody><tr><td><div>Anna</div><div>Ek</div></td><td>Närvarande</td></tr></tbody></table>
</body></html>"""


def test_selectors_match_tags_ids_classes_attributes_and_combinators():
    page = parse(PAGE)

    assert page.texts("#staff strong") == ["Anna Ek", "Bo Berg"]
    assert page.texts("ul > li.first > span.small") == ["(du)", "Social\u00adförvaltningen"]
    assert page.texts("body > strong") == []
    assert [e.get("for") for e in page.select("label[for^=id_texts-]")] == ["id_texts-develop"]
    assert [e.tag for e in page.select("[scope='col']")] == ["th"]
    assert [e.tag for e in page.select("#staff *")] == [
        "li", "strong", "span", "br", "span", "li", "strong", "img",
    ]  # fmt: skip


def test_text_collapses_white_space_keeps_no_break_spaces_and_hides_scripts():
    page = parse(PAGE)

    assert page.text("h1") == "Överenskommelse: Före modul 1"
    assert page.text("[data-testid=rate]") == "81,8\u00a0%"
    assert page.text("label") == "Vad jag vill utveckla"
    assert page.text("head") == "Sida"


def test_blocks_and_line_breaks_read_apart_inline_elements_run_on():
    page = parse(PAGE)

    assert page.texts("#staff > li") == ["Anna Ek (du) Social\u00adförvaltningen", "Bo Berg"]


def test_table_rows_are_cell_texts_and_table_drops_the_header():
    page = parse(PAGE)

    assert page.rows("members") == [["Namn", "Närvaro"], ["Anna Ek", "Närvarande"]]
    assert table(HttpResponse(PAGE), "members") == [["Anna Ek", "Närvarande"]]


def test_one_fails_unless_exactly_one_element_matches():
    page = parse(PAGE)

    with pytest.raises(AssertionError, match="2 elements match '#staff li', not one"):
        page.one("#staff li")
    with pytest.raises(AssertionError, match="0 elements match 'table#nothing', not one"):
        page.rows("nothing")
