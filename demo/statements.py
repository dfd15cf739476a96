"""The demo organisations' own parts of the privacy notice and the accessibility statement.

Fictitious contact details (``.example`` addresses), written once: a second run writes
nothing, and what HR has changed in the demo is kept.
"""

import datetime as dt

from participants.models import Organisation
from statements.models import AccessibilityContact, PrivacyDetails

PROCESSOR = "Ledarskapskonsulterna AB (demo)"


def seed_demo_statements(*, organisation: Organisation, domain: str) -> int:
    """Create the organisation's privacy details and accessibility contact if missing."""
    written = 0
    _, created = PrivacyDetails.objects.get_or_create(
        organisation=organisation,
        defaults={
            "controller_contact": (
                f"{organisation.name}, HR-avdelningen, registrator@{domain}, 019-00 00 00"
            ),
            "dpo_name": f"Dataskyddsombudet, {organisation.name}",
            "dpo_email": f"dataskyddsombud@{domain}",
            "dpo_phone": "019-00 00 01",
            "processor_name": PROCESSOR,
            "processor_contact": "kontakt@ledarskapskonsulterna.example",
        },
    )
    written += created
    _, created = AccessibilityContact.objects.get_or_create(
        organisation=organisation,
        defaults={
            "unit": "HR-avdelningen",
            "email": f"tillganglighet@{domain}",
            "phone": "019-00 00 02",
            "reviewed_on": dt.date(2026, 12, 1),
        },
    )
    written += created
    return written
