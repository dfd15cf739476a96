"""Reads about logins: look-ups by address, where a login holds anything, signed links."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.links import site_url

from ..models import LoginConfirmation, LoginLinkRequest, Membership, Organisation, Person, User

_CONFIRMATION_SALT = "participants.login-confirmation"


def normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def login_for_address(email: str) -> User | None:
    """The login with this address (any case), if there is one."""
    email = normalise_email(email)
    return User.objects.filter(email__iexact=email).first() if email else None


def login_organisation_ids(*, user: User) -> set[int]:
    """Every organisation where the login holds a role, a manager record or a consultant record."""
    # No ORDER BY in the parts (Organisation has a default one): SQLite refuses it in a union.
    memberships = Membership.objects.filter(user=user).order_by().values_list("organisation_id")
    people = Person.objects.filter(user=user).order_by().values_list("organisation_id")
    consultants = Organisation.objects.filter(consultants__user=user).order_by().values_list("pk")
    return {pk for (pk,) in memberships.union(people, consultants)}


def activation_url(*, user: User) -> str:
    """The path of the user's personal link to set a password."""
    return reverse(
        "activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def confirmation_token(confirmation: LoginConfirmation) -> str:
    """A signed, dated token naming the confirmation; the database holds no secret."""
    return signing.dumps(str(confirmation.pk), salt=_CONFIRMATION_SALT)


def confirmation_url(confirmation: LoginConfirmation) -> str:
    return site_url(reverse("confirm_login", kwargs={"token": confirmation_token(confirmation)}))


def confirmation_from_token(token: str) -> LoginConfirmation | None:
    """The pending confirmation a token names, or None (forged, older than 7 days, or decided)."""
    try:
        pk = signing.loads(token, salt=_CONFIRMATION_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:
        return None
    return pending_confirmations().filter(pk=pk).first()


def pending_confirmations():
    return LoginConfirmation.objects.filter(
        state=LoginConfirmation.State.PENDING,
        created_at__gte=timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    ).select_related("user", "organisation", "person", "consultant")


def login_links_asked_for(*, user_ids, since) -> set[int]:
    """Of ``user_ids``, the logins whose link was asked for since then or still waits to go."""
    from core.models import OutboxTask

    return set(
        LoginLinkRequest.objects.filter(
            Q(outbox__state__in=OutboxTask.IN_FLIGHT) | Q(created_at__gte=since),
            user_id__in=user_ids,
        ).values_list("user_id", flat=True)
    )
