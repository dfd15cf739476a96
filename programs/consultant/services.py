"""Writes: a consultant's personal calendar feed, made and revoked."""

import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from participants.models import Consultant, User

from ..models import CalendarFeed
from .selectors import token_hash

# 32 random bytes, URL-safe: 43 characters.
TOKEN_BYTES = 32


@dataclass
class NewFeed:
    feed: CalendarFeed
    token: str  # shown once; only its hash is stored


@transaction.atomic
def calendar_feed_create(*, user: User) -> NewFeed:
    """Make the login's calendar feed with a new secret token, revoking the live one if any
    (its address then answers 404). Refused (PermissionDenied) for a login that is not a
    consultant's. Side effects: the old feed's ``revoked_at`` set; a new feed stored.
    """
    if not Consultant.objects.filter(user=user).exists():
        raise PermissionDenied
    # Two requests at once: the second waits, then revokes what the first made.
    list(User.objects.select_for_update().filter(pk=user.pk))
    calendar_feed_revoke(user=user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(user=user, token_hash=token_hash(token))
    feed.full_clean()
    feed.save()
    return NewFeed(feed=feed, token=token)


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Revoke the login's live calendar feed; its address answers 404 from now on.
    Returns how many were revoked (0 or 1). Side effects: ``revoked_at`` set."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
