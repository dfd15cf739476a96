"""The e-mail that tells an HR coordinator about a reported accessibility problem, and the task
that sends it (through the outbox)."""

from django.conf import settings
from django.urls import reverse

from core.mail import render_email
from core.outbox import outbox_task

from .models_accessibility import AccessibilityReport
from .selectors_accessibility import hr_coordinators
from .services_accessibility import SEND_REPORT


def accessibility_report_message(*, report: AccessibilityReport, to: str):
    """The e-mail (text and HTML) about one report. It leaves the reporter's name and address
    out: HR reads them on the reports page, behind the login."""
    organisation = report.organisation
    context = {
        "report": report,
        "organisation": organisation,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("statements:accessibility_reports", kwargs={"org": organisation.slug}),
    }
    return render_email("statements/accessibility_report_email", context, to=[to])


@outbox_task(name=SEND_REPORT, autoretry_for=(OSError,), retry_backoff=True)
def send_accessibility_report(*, report_id: int, user_id: int) -> dict:
    """One HR coordinator's e-mail; nothing if the report is gone or they no longer hold HR."""
    report = AccessibilityReport.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return {"sent": False}
    user = hr_coordinators(organisation=report.organisation).filter(pk=user_id).first()
    if user is None:
        return {"sent": False}
    accessibility_report_message(report=report, to=user.email).send()
    return {"sent": True}
