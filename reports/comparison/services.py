"""Writes for the comparison between organisations: an organisation joins or leaves."""

from django.db import transaction
from django.utils import timezone

from participants.models import Organisation, User

from .models import ComparisonOptIn


@transaction.atomic
def comparison_join(*, organisation: Organisation, by: User) -> tuple[ComparisonOptIn, bool]:
    """The organisation takes part from now on; returns its opt-in and whether it is new.

    Side effects: one row written. The day's distribution is worked out again
    on the next comparison page anyone opens (``selectors.contributions_today``).
    """
    opt_in, created = ComparisonOptIn.objects.get_or_create(
        organisation=organisation,
        defaults={"opted_in_at": timezone.now(), "opted_in_by": by},
    )
    return opt_in, created


@transaction.atomic
def comparison_leave(*, organisation: Organisation) -> bool:
    """The organisation stops taking part, at once; returns whether it took part.

    Side effects: its opt-in row is deleted. Every comparison page reads who
    takes part on each request, so its figures leave the distribution with the row.
    """
    deleted, _ = ComparisonOptIn.objects.filter(organisation=organisation).delete()
    return bool(deleted)
