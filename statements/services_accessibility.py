"""Writes for the accessibility statement: the organisation's contact details, and the
problems people report."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue
from participants.models import Organisation

from .models_accessibility import AccessibilityContact, AccessibilityReport
from .selectors_accessibility import accessibility_report_for, hr_coordinators

SEND_REPORT = "statements.send_accessibility_report"


@transaction.atomic
def accessibility_contact_save(
    *, organisation: Organisation, unit: str, email: str, phone: str, reviewed_on: dt.date | None
) -> AccessibilityContact:
    """Store the organisation's contact details for its statement (create or replace them).

    Side effects: none beyond the row; the statement page shows them at once.
    """
    contact = AccessibilityContact.objects.filter(organisation=organisation).first()
    contact = contact or AccessibilityContact(organisation=organisation)
    contact.unit = unit.strip()
    contact.email = email.strip()
    contact.phone = phone.strip()
    contact.reviewed_on = reviewed_on
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def accessibility_report_submit(
    *, organisation: Organisation, page: str, description: str, name: str = "", email: str = ""
) -> AccessibilityReport:
    """Store a reported accessibility problem and tell the organisation's HR coordinators.

    Side effects: one AccessibilityReport; one outbox task per active HR coordinator of this
    organisation (``statements.send_accessibility_report``), each sending one e-mail.
    """
    report = AccessibilityReport(
        organisation=organisation,
        page=page.strip(),
        description=description.strip(),
        name=name.strip(),
        email=email.strip(),
        created_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    for user_id in hr_coordinators(organisation=organisation).values_list("pk", flat=True):
        enqueue(SEND_REPORT, report_id=report.pk, user_id=user_id)
    return report


@transaction.atomic
def accessibility_report_set_handled(
    *, organisation: Organisation, report_id: int, handled: bool
) -> AccessibilityReport:
    """Mark one of the organisation's reports handled, or not handled again.

    Another organisation's report raises AccessibilityReport.DoesNotExist. Side effects: none
    beyond the row (the time it was marked handled, or none).
    """
    report = accessibility_report_for(organisation=organisation, pk=report_id)
    if report.handled != handled:
        report.handled = handled
        report.handled_at = timezone.now() if handled else None
        report.save(update_fields=["handled", "handled_at"])
    return report
