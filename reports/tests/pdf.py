"""Reading a rendered PDF the way a person would: its text, its facts, its first page as pixels,
and the way a screen reader would: its structure tree."""

import io
import re
import subprocess
from pathlib import Path

from PIL import Image, ImageStat
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def pdf_lines(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext extracts it (what a screen reader gets), line ends kept.

    With ``layout`` the text keeps the page's physical layout first, so a table
    reads row by row.
    """
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The PDF's text with every run of whitespace made one space. Nothing is joined: a word
    hyphenated at a line end would stay two. (pdftotext writes a no-break space as a plain
    space.)"""
    return re.sub(r"[ \t\n\r\f\v]+", " ", pdf_lines(pdf, tmp_path, layout=layout)).strip()


def table_header_scopes(pdf: bytes) -> list[list[str | None]]:
    """Each table of the structure tree, in document order: the ``/Scope`` of its TH
    elements, in order (None where a TH has none)."""
    tables: list[list[str | None]] = []

    def visit(element, table: list | None) -> None:
        element = element.get_object()
        if not isinstance(element, DictionaryObject) or element.get("/Type") != "/StructElem":
            return  # a marked-content id or reference, not an element
        if element["/S"] == "/Table":
            table = []
            tables.append(table)
        elif element["/S"] == "/TH":
            table.append(element.get("/A", {}).get("/Scope"))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            visit(kid, table)

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    for kid in root["/K"]:
        visit(kid, None)
    return tables


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return {
        key.strip(): value.strip()
        for key, value in (line.split(":", 1) for line in out.splitlines() if ":" in line)
    }


def page_image(pdf: bytes, tmp_path: Path, *, page: int = 1, dpi: int = 50) -> Image.Image:
    """One page rendered by pdftoppm, in grey."""
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
         "-singlefile", str(path), str(prefix)],
        check=True,
    )  # fmt: skip
    return Image.open(f"{prefix}.png")


def ink(image: Image.Image) -> tuple[float, float]:
    """(share of pixels that are not white, standard deviation of the grey levels)."""
    grey = image.convert("L")
    histogram = grey.histogram()  # pixels per grey level 0–255
    return sum(histogram[:200]) / sum(histogram), ImageStat.Stat(grey).stddev[0]
