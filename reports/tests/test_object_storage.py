"""Status report PDFs in S3-compatible object storage (the moto server of `make test`).

Private storage is django-storages' S3Storage here, configured as production configures it
from the S3_* variables, under a prefix of each test's own (fixture ``object_store``).
"""

import pytest
from django.urls import reverse

from reports import services
from reports.models import StatusReport
from reports.tests.factories import StatusReportFactory

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"reports:{name}", kwargs={"org": "orebro", **kwargs})


def test_the_pdf_the_task_renders_is_an_object_and_the_download_serves_exactly_its_bytes(
    client, steering_user, small_program, object_store, django_capture_on_commit_callbacks
):
    report = StatusReportFactory(program=small_program.program, number=3)
    client.force_login(steering_user)

    # Opening the report asks for its PDF; with no broker the task runs here, in the request.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("report_detail", report_id=report.pk))
    download = client.get(url("report_download", report_id=report.pk))

    report.refresh_from_db()
    program_id = small_program.program.pk
    name = f"status-reports/orebro/program-{program_id}/statusrapport-3-{report.pk}.pdf"
    assert (report.status, report.file_name) == (StatusReport.Status.READY, name)
    assert object_store.keys() == [name]
    stored = object_store.read(name)
    assert stored[:5] == b"%PDF-"
    served = b"".join(download.streaming_content)
    assert served == stored
    assert download["Content-Length"] == str(len(stored))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="statusrapport-3.pdf"'


def test_rendering_again_replaces_the_object_under_the_same_name(small_program, object_store):
    report = StatusReportFactory(program=small_program.program, number=1)
    services.status_report_render(report_id=report.pk, notify=False)
    assert object_store.keys() == [services.report_file_name(report)]

    again = services.status_report_render(report_id=report.pk, notify=False)

    assert (again.status, again.attempts) == (StatusReport.Status.READY, 2)
    assert object_store.keys() == [services.report_file_name(report)]
    assert again.file_name == services.report_file_name(report)
    assert object_store.read(again.file_name)[:5] == b"%PDF-"


def test_a_ready_report_whose_object_is_gone_is_a_404(
    client, steering_user, small_program, object_store
):
    report = StatusReportFactory(program=small_program.program, number=2, ready=True)
    assert object_store.keys() == [report.file_name]
    object_store.empty()
    client.force_login(steering_user)

    response = client.get(url("report_download", report_id=report.pk))

    assert response.status_code == 404
