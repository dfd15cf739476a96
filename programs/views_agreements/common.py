"""What the agreement pages share: who the parties are, the detail link, the lock message."""

from django.urls import reverse
from django.utils.translation import gettext as _

from participants.models import Role

from ..agreements.rules import (
    Status,
)
from ..models import Agreement

PARTIES = frozenset({Role.PARTICIPANT, Role.LINE_MANAGER})


def detail_url(organisation, agreement) -> str:
    return reverse(
        "programs:agreement_detail", kwargs={"org": organisation.slug, "pk": agreement.pk}
    )


def locked_message(agreement: Agreement) -> str:
    if agreement.status == Status.SUBMITTED:
        return _("The agreement has been sent to your line manager and waits for them.")
    return _("The agreement is agreed and locked. Reopen it if it needs to change.")
