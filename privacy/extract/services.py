"""Writes of the register extract: asking for its PDF, and rendering it (by a task)."""

import logging

from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue_or_run_here
from participants.models import Organisation, Person, User

from ..models import RegisterExtract
from .pdf import extract_pdf
from .selectors import person_extract

logger = logging.getLogger(__name__)

RENDER_TASK = "privacy.render_register_extract"


@transaction.atomic
def register_extract_request(
    *, organisation: Organisation, person: Person, requested_by: User | None
) -> RegisterExtract:
    """Ask for the PDF of a person's register extract. Returns the row that will hold it.

    A PDF already on its way for the person is returned instead (a double click
    asks once). Raises ValueError for a person of another organisation.
    Side effects: one RegisterExtract row (queued); one outbox task after commit,
    run in this process if the broker refuses it (HR waits on the page).
    """
    if person.organisation_id != organisation.pk:
        raise ValueError("The person belongs to another organisation.")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    pending = RegisterExtract.objects.filter(
        organisation=organisation, person=person, status__in=RegisterExtract.PENDING_STATUSES
    ).first()
    if pending is not None:
        return pending
    row = RegisterExtract.objects.create(
        organisation=organisation, person=person, requested_by=requested_by
    )
    enqueue_or_run_here(RENDER_TASK, extract_id=row.pk)
    return row


def register_extract_render(*, extract_id: int) -> RegisterExtract | None:
    """Build the extract as it is now and store its PDF in the row. Idempotent.

    Returns None when the row is gone. Side effects: status rendering → ready (the
    PDF stored) or failed (the error kept for the log, the page offers to try again).
    """
    with transaction.atomic():
        row = (
            RegisterExtract.objects.select_for_update(of=("self",))
            .select_related("organisation", "person")
            .filter(pk=extract_id)
            .first()
        )
        if row is None or row.is_ready:
            return row
        row.status = RegisterExtract.Status.RENDERING
        row.save(update_fields=["status"])
    try:
        pdf = extract_pdf(person_extract(organisation=row.organisation, person=row.person))
    except Exception as exc:
        logger.exception("Register extract %s could not be rendered", extract_id)
        RegisterExtract.objects.filter(pk=extract_id).update(
            status=RegisterExtract.Status.FAILED, error_message=f"{type(exc).__name__}: {exc}"
        )
        row.refresh_from_db()
        return row
    RegisterExtract.objects.filter(pk=extract_id).update(
        status=RegisterExtract.Status.READY, pdf=pdf, rendered_at=timezone.now(), error_message=""
    )
    row.refresh_from_db()
    return row
