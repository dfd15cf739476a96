"""In Chromium, with axe on every page: the demo steering group follows the program in figures,
opens a status report that has no PDF yet, watches its PDF become ready without reloading, and
downloads it.

The PDF is rendered by the real `celery worker` through Redis. The worker is stopped while
the report is queued, so the page is seen waiting, and started again to render it.
"""

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.reports import seed_demo_reports
from demo.seed import seed_demo
from participants.models import User
from programs.models import Program
from reports.tests.worker_storage import worker_storage

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    seed_demo()
    program = Program.objects.get(organisation__slug="orebro", name="Sveriges viktigaste chefsjobb")
    seed_demo_reports(program=program)
    return program


@pytest.fixture
def shared_storage(settings):
    """The live server hands out the files the worker wrote: one private storage for both."""
    with worker_storage() as storage:
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": storage.location},
            },
        }
        yield storage


def test_steering_group_opens_a_status_report_and_downloads_its_pdf(
    page, live_server, axe, login_as, demo, real_queue, shared_storage
):
    login_as(page, User.objects.get(email="styrgrupp@orebro.example"))

    page.goto(f"{live_server.url}{reverse('reports:program_index', kwargs={'org': 'orebro'})}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning")
    axe(page, context="follow-up")

    # Örebro has two programs; this is the 2015–2017 one, with its 20 reports.
    svc_row = page.locator("#follow-up-programs tbody tr", has_text="Sveriges viktigaste chefsjobb")
    svc_row.get_by_role("link", name="Programmet i siffror").click()
    expect(page.locator("[data-figure=rounds]")).to_have_text("5")
    expect(page.locator("[data-figure=groups]")).to_have_text("23")
    expect(page.locator("[data-figure=status_reports]")).to_have_text("20")
    expect(page.get_by_role("img", name="Närvaro per modul")).to_be_visible()
    axe(page, context="dashboard")

    page.get_by_role("link", name="Statusrapporter", exact=True).click()
    expect(page.locator("#reports tbody tr")).to_have_count(20)
    axe(page, context="report list")

    real_queue.kill()  # the task waits in Redis until a worker comes
    # The demo's report has no PDF yet: opening it asks for one.
    page.get_by_role("link", name="Statusrapport nr 20").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statusrapport nr 20")
    status = page.locator("#report-status")
    expect(status).to_have_attribute("data-status", "queued")
    expect(status).to_contain_text("PDF:en skapas. Sidan uppdateras av sig själv.")
    axe(page, context="report queued")
    page.evaluate("window.stillTheSamePage = true")

    real_queue.start()

    expect(status).to_have_attribute("data-status", "ready", timeout=30_000)
    assert page.evaluate("window.stillTheSamePage") is True
    axe(page, context="report ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner statusrapport nr 20 (PDF)").click()
    download = download_info.value
    pdf = PdfReader(io.BytesIO(download.path().read_bytes()))
    assert download.suggested_filename == "statusrapport-20.pdf"
    assert pdf.pages[0].extract_text().split("\n")[:3] == [
        "Örebro kommun",
        "Statusrapport nr 20",
        "Sveriges viktigaste chefsjobb",
    ]
