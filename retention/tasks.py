"""Celery tasks of the retention app: the nightly run of the rules."""

import logging

from celery import shared_task
from django.utils import timezone

from participants.models import Organisation

from .selectors import organisations_applying_rules
from .services import retention_apply

logger = logging.getLogger(__name__)


@shared_task(name="retention.apply_rules", acks_late=True)
def apply_rules() -> dict:
    """Beat task (daily): apply every organisation's enabled rules, then the platform's.

    Idempotent: a second run removes nothing more (and logs zero counts). An
    organisation is run in its own transactions, so one failing kind does not
    hold back the others' removals already committed.
    """
    now = timezone.now()
    removed = {}
    for organisation_id in organisations_applying_rules():
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            continue
        entries = retention_apply(organisation=organisation, now=now)
        removed[organisation.slug] = sum(entry.removed for entry in entries)
    removed[""] = sum(entry.removed for entry in retention_apply(organisation=None, now=now))
    logger.info("Retention: removed %s", removed)
    return removed
