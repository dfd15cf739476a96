"""Writes of the organisation's parts of the privacy notice."""

from django.db import transaction

from participants.models import Organisation, User

from ..models import PrivacyDetails

EDITABLE_FIELDS = (
    "controller_name",
    "controller_contact",
    "dpo_name",
    "dpo_email",
    "dpo_phone",
    "legal_basis_sv",
    "legal_basis_en",
    "processor_name",
    "processor_contact",
    "other_recipients_sv",
    "other_recipients_en",
    "transfers_sv",
    "transfers_en",
    "additional_sv",
    "additional_en",
)


@transaction.atomic
def privacy_details_save(
    *, organisation: Organisation, user: User, values: dict[str, str]
) -> PrivacyDetails:
    """Store HR's parts of the organisation's privacy notice (creating the row the first
    time). ``values`` holds the fields of ``EDITABLE_FIELDS``; a field left out keeps its
    value. Text is stripped of surrounding white space.

    Side effects: none besides the row (its ``changed_by`` and ``changed_at``).
    """
    details = PrivacyDetails.objects.select_for_update().filter(
        organisation=organisation
    ).first() or PrivacyDetails(organisation=organisation)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(details, name, (values[name] or "").strip())
    details.changed_by = user
    details.full_clean()
    details.save()
    return details
