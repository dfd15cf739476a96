import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from programs.tests.factories import ProgramFactory
from reports.models import StatusReport
from reports.selectors import report_snapshot
from reports.services import private_storage, report_file_name

# A tiny but valid PDF: enough for a download test without running WeasyPrint.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class StatusReportFactory(DjangoModelFactory):
    """A report record. With ``ready=True`` a small PDF is stored as its file."""

    class Meta:
        model = StatusReport
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    period_start = dt.date(2015, 1, 1)
    period_end = dt.date(2015, 2, 20)
    summary = "Programmet har startat."
    created_at = factory.LazyFunction(timezone.now)
    status = StatusReport.Status.NOT_GENERATED
    snapshot = factory.LazyAttribute(
        lambda report: report_snapshot(
            program=report.program,
            period_start=report.period_start,
            period_end=report.period_end,
            as_of=report.created_at,
        )
    )

    @factory.post_generation
    def ready(obj, create, extracted, **kwargs):
        """``ready=True``: store a small PDF as the report's file and mark it ready."""
        if not (create and extracted):
            return
        obj.file_name = private_storage().save(report_file_name(obj), ContentFile(MINIMAL_PDF))
        obj.status = StatusReport.Status.READY
        obj.rendered_at = timezone.now()
        obj.save(update_fields=["file_name", "status", "rendered_at"])
