"""The register extract as a PDF, by the status reports' renderer (``reports.rendering``)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def extract_html(extract: dict) -> str:
    """The extract's HTML for WeasyPrint, in the site's language, from the dict alone."""
    from reports.rendering import STATIC_PREFIX

    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "privacy/extract_pdf.html",
            {
                "extract": extract,
                "stylesheet": STATIC_PREFIX + "reports/status_report.css",
                "language": settings.LANGUAGE_CODE,
            },
        )


def extract_pdf(extract: dict) -> bytes:
    """A tagged A4 PDF of the extract."""
    # Imported here: WeasyPrint takes most of a second to import, and only a render needs it.
    from reports.rendering import render_pdf

    return render_pdf(extract_html(extract))
