"""The status report as PDF bytes (WeasyPrint, tagged PDF 1.7, A4), from the report's snapshot.

The PDF is tagged (a structure tree with the document's language and title) and
every table header cell in it says whether it heads a row or a column. It does
not claim PDF/UA conformance (no ``pdfuaid`` in its metadata): nothing here checks
that with a validator, so the tests check the parts of it we rely on.

WeasyPrint's default URL fetcher opens any URL it meets: ``file://`` (it
would embed ``/etc/passwd`` as an attachment), ``http://169.254.169.254/``,
the intranet. ``StaticOnlyURLFetcher`` serves the app's own static files
under a base URL that cannot exist on the network and refuses everything
else without opening a connection or a file outside the static folders.
User text reaches the HTML only through Django templates, so it is escaped.
"""

import logging
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from .figures import corrections, figures_view
from .models import StatusReport

# WeasyPrint logs every layout step at INFO; the root logger would print them all.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# ``.invalid`` is reserved (RFC 2606): no resolver will ever answer for it.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
SERVED_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the app's static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves ``https://report.invalid/static/<path>`` from the static files; refuses the rest.

    ``served`` and ``refused`` record every URL asked for, for tests and logs.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.served: list[str] = []
        self.refused: list[str] = []

    def _refuse(self, url: str, reason: str):
        self.refused.append(url)
        raise RefusedURL(f"{reason}: {url[:200]}")

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX):
            self._refuse(url, "Only the app's static files may be fetched")
        parts = urlsplit(url)
        if parts.query or parts.fragment or parts.username or parts.port:
            self._refuse(url, "Static URLs take no query, fragment, user or port")
        relative = unquote(parts.path).removeprefix("/static/")
        normalised = posixpath.normpath(relative)
        if (
            normalised != relative
            or normalised.startswith(("/", "."))
            or "\\" in relative
            or "\x00" in relative
        ):
            self._refuse(url, "Not a plain static path")
        content_type = SERVED_TYPES.get(posixpath.splitext(normalised)[1].lower())
        if content_type is None:
            self._refuse(url, "Not a served file type")
        path = finders.find(normalised)
        if path is None:
            self._refuse(url, "No such static file")
        with open(path, "rb") as handle:
            body = handle.read()
        self.served.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def scope_table_headers(document, pdf) -> None:
    """Gives every TH structure element the ``/Scope`` that WeasyPrint leaves out.

    A ``write_pdf`` finisher: it runs on WeasyPrint's ``pydyf.PDF`` objects before
    they are written. WeasyPrint 70 (``weasyprint/pdf/tags.py``) reads a ``<th>``'s
    ``scope`` only to fill the data cells' ``/Headers`` (``scope="row"`` heads its
    row, any other its column) and writes no ``/Scope``, which screen readers and
    PDF/UA checkers look for. So the tree already says which: a header that a data
    cell of its own row names in ``/Headers`` heads that row; any other, its column.
    """
    elements = [
        element
        for element in pdf.objects
        if isinstance(element, dict) and element.get("Type") == "/StructElem"
    ]
    named_by_own_row = {
        (cell["P"], key.string)
        for cell in elements
        if cell["S"] == "/TD"
        for key in cell["A"].get("Headers", ())
    }
    for cell in elements:
        if cell["S"] == "/TH":
            key = cell.get("ID")
            heads_row = key is not None and (cell["P"], key.string) in named_by_own_row
            cell["A"]["Scope"] = "/Row" if heads_row else "/Column"


def render_pdf(html: str, *, fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    """HTML (already escaped) to a tagged A4 PDF. Every fetch goes through ``fetcher``."""
    fetcher = fetcher or StaticOnlyURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(pdf_version="1.7", pdf_tags=True, finisher=scope_table_headers)


def status_report_html(report: StatusReport) -> str:
    """The report's HTML for WeasyPrint, in the report's language, from its snapshot alone."""
    snapshot = report.snapshot
    with translation.override(report.language):
        return render_to_string(
            "reports/pdf/status_report.html",
            {
                "report": report,
                "snapshot": snapshot,
                "figures": figures_view(snapshot),
                "corrections": corrections(snapshot),
                "stylesheet": STATIC_PREFIX + "reports/status_report.css",
                "language": report.language,
                "check_in_language": settings.LANGUAGE_CODE,
            },
        )


def render_status_report(
    report: StatusReport, *, fetcher: StaticOnlyURLFetcher | None = None
) -> bytes:
    """The status report's PDF. Uses nothing but the report row and its snapshot."""
    return render_pdf(status_report_html(report), fetcher=fetcher)
