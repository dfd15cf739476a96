"""Reading a page the way a test means it: parsed, not matched with regular expressions.

``parse(response)`` turns HTML (or inline SVG) into a tree (``xml.etree.ElementTree``
elements, built with the standard library's ``html.parser``) that tests query with a
small subset of CSS selectors and read as whitespace-collapsed text, so they can assert
exact values::

    page = parse(response)
    assert page.texts("#history h2") == ["Skickad till chefen"]
    assert table(response, "members") == [["Anna Ek", "Närvarande"]]

Selectors: ``tag``, ``*``, ``#id``, ``.class``, ``[attr]``, ``[attr=value]``,
``[attr^=value]`` (values in quotes or not), compounds of those, and the descendant
(space) and child (``>``) combinators.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement

__all__ = ["Page", "form_data", "parse", "table", "text"]

# Elements that never have content or an end tag.
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Phrasing elements: their text runs on with what is around them. Every other element
# starts a new block, which a reader sees as a break (text() puts a space there).
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "label",
    "output",
}  # fmt: skip
# Never shown as text.
_HIDDEN = {"script", "style", "template"}
# HTML's white space (the no-break space is not white space: "81,8\u00a0%" keeps it).
_WHITESPACE = str.maketrans("\t\n\f\r", "    ")


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = SubElement(self._open[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        SubElement(self._open[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag):
        # Close the nearest open element of this name (and what was left open inside it);
        # a stray end tag closes nothing.
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        parent = self._open[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def collapse(value: str) -> str:
    """Runs of HTML white space become one space; leading and trailing ones go."""
    return " ".join(part for part in value.translate(_WHITESPACE).split(" ") if part)


def text(element: Element) -> str:
    """What a reader sees of an element: its text, blocks apart, white space collapsed."""
    pieces: list[str] = []

    def walk(node: Element) -> None:
        if node.tag in _HIDDEN:
            return
        block = node.tag not in _INLINE
        if block or node.tag == "br":
            pieces.append(" ")
        pieces.append(node.text or "")
        for child in node:
            walk(child)
            pieces.append(child.tail or "")
        if block:
            pieces.append(" ")

    walk(element)
    return collapse("".join(pieces))


# --- Selectors ---------------------------------------------------------------------------


def _compound(source: str) -> list[tuple[str, str, str]]:
    """``li.item[data-x=1]`` -> [("tag", "li", ""), ("class", "item", ""), ("attr", ...)]."""
    tests: list[tuple[str, str, str]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char in ".#":
            end = i + 1
            while end < len(source) and source[end] not in ".#[":
                end += 1
            tests.append(("class" if char == "." else "id", source[i + 1 : end], ""))
            i = end
        elif char == "[":
            end = source.index("]", i)
            inside = source[i + 1 : end]
            if "=" in inside:
                name, value = inside.split("=", 1)
                op = "^=" if name.endswith("^") else "="
                tests.append((op, name.rstrip("^"), value.strip("\"'")))
            else:
                tests.append(("has", inside, ""))
            i = end + 1
        else:
            end = i
            while end < len(source) and source[end] not in ".#[":
                end += 1
            if source[i:end] != "*":
                tests.append(("tag", source[i:end].lower(), ""))
            i = end
    return tests


def _matches(element: Element, tests: list[tuple[str, str, str]]) -> bool:
    for kind, name, value in tests:
        if kind == "tag":
            ok = element.tag == name
        elif kind == "id":
            ok = element.get("id") == name
        elif kind == "class":
            ok = name in element.get("class", "").split()
        elif kind == "has":
            ok = name in element.attrib
        elif kind == "=":
            ok = element.get(name) == value
        else:  # "^="
            ok = element.get(name, "").startswith(value) and name in element.attrib
        if not ok:
            return False
    return True


def _parse_selector(selector: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """``"#staff > li strong"`` -> [("", #staff), (">", li), (" ", strong)]."""
    steps: list[tuple[str, list[tuple[str, str, str]]]] = []
    combinator = ""
    for token in selector.replace(">", " > ").split():
        if token == ">":
            combinator = ">"
            continue
        steps.append((combinator or (" " if steps else ""), _compound(token)))
        combinator = ""
    if not steps:
        raise ValueError(f"empty selector {selector!r}")
    return steps


class Page:
    """A parsed page: select elements, read their text, read tables."""

    def __init__(self, root: Element):
        self.root = root
        self._parents = {child: parent for parent in root.iter() for child in parent}

    def _fits(self, element: Element, steps) -> bool:
        combinator, tests = steps[-1]
        if not _matches(element, tests):
            return False
        if len(steps) == 1:
            return True
        parent = self._parents.get(element)
        if combinator == ">":
            return parent is not None and parent is not self.root and self._fits(parent, steps[:-1])
        while parent is not None and parent is not self.root:
            if self._fits(parent, steps[:-1]):
                return True
            parent = self._parents.get(parent)
        return False

    def select(self, selector: str) -> list[Element]:
        """Every element the selector matches, in document order."""
        steps = _parse_selector(selector)
        return [e for e in self.root.iter() if e is not self.root and self._fits(e, steps)]

    def one(self, selector: str) -> Element:
        """The one element the selector matches (fails the test if there are none or more)."""
        found = self.select(selector)
        assert len(found) == 1, f"{len(found)} elements match {selector!r}, not one"
        return found[0]

    def texts(self, selector: str) -> list[str]:
        """The text of each element the selector matches."""
        return [text(e) for e in self.select(selector)]

    def text(self, selector: str | None = None) -> str:
        """The text of the whole page, or of the one element the selector matches."""
        return text(self.root if selector is None else self.one(selector))

    def rows(self, table_id: str) -> list[list[str]]:
        """Every row (header included) of the table with this id, as lists of cell texts."""
        found = self.one(f"table#{table_id}")
        return [
            [text(cell) for cell in row if cell.tag in ("td", "th")] for row in found.iter("tr")
        ]


def parse(page) -> Page:
    """Parse a response (its content) or a string of HTML."""
    markup = page if isinstance(page, str) else page.content.decode()
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return Page(builder.root)


def table(response, table_id: str) -> list[list[str]]:
    """The body rows (header row dropped) of the table with this id."""
    return parse(response).rows(table_id)[1:]


def form_data(form: Element) -> dict[str, str]:
    """The name/value pairs a browser posts from ``form`` as the page drew it: text and hidden
    inputs, checked boxes and radios, textareas, and each select's chosen option (else its
    first, as a browser does)."""
    data = {}
    for element in form.iter():
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in element.attrib:
                    data[name] = element.get("value") or "on"
            elif kind not in {"submit", "button", "file", "reset", "image"}:
                data[name] = element.get("value", "")
        elif element.tag == "textarea":
            data[name] = (element.text or "").removeprefix("\n")
        elif element.tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if "selected" in o.attrib] or options[:1]
            if chosen:
                data[name] = chosen[0].get("value", "")
    return data
