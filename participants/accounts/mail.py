"""The e-mails about logins and the tasks that send them (through the outbox)."""

from django.conf import settings
from django.urls import reverse

from core.mail import render_email
from core.outbox import outbox_task

from ..models import LoginConfirmation, Organisation, User
from .selectors import (
    activation_url,
    confirmation_url,
    login_organisation_ids,
    normalise_email,
    pending_confirmations,
)

SEND_LOGIN_LINK = "participants.send_login_link"
SEND_CONFIRMATION = "participants.send_login_confirmation"
SEND_LOGIN_LINK_TO_ADDRESS = "participants.send_login_link_to_address"


def privacy_notices_for(*, user: User, base_url: str) -> list[dict]:
    """The privacy notice of each organisation the login belongs to (name and absolute
    address); the installation's data protection page for a login that belongs nowhere."""
    base = base_url.rstrip("/")
    organisations = Organisation.objects.filter(pk__in=login_organisation_ids(user=user))
    notices = [
        {
            "organisation": organisation.name,
            "url": base + reverse("statements:privacy_notice", kwargs={"org": organisation.slug}),
        }
        for organisation in organisations.order_by("name")
    ]
    return notices or [{"organisation": "", "url": base + reverse("statements:privacy_index")}]


def login_link_message(*, user: User, base_url: str):
    """The Swedish e-mail (text and HTML) with the personal link, and the privacy notice."""
    context = {
        "user": user,
        "url": base_url.rstrip("/") + activation_url(user=user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        "privacy_notices": privacy_notices_for(user=user, base_url=base_url),
    }
    return render_email("participants/email/login_link", context, to=[user.email])


@outbox_task(name=SEND_LOGIN_LINK, autoretry_for=(OSError,), retry_backoff=True)
def send_login_link(*, user_id: int) -> dict:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {"sent": False}
    login_link_message(user=user, base_url=settings.SITE_URL).send()
    return {"sent": True}


def confirmation_message(*, confirmation: LoginConfirmation):
    """The Swedish e-mail asking the holder to confirm. A new address gets it at that address."""
    email = confirmation.new_email or confirmation.user.email
    context = {
        "confirmation": confirmation,
        "organisation": confirmation.organisation,
        "url": confirmation_url(confirmation),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    return render_email("participants/email/login_confirmation", context, to=[email])


@outbox_task(name=SEND_CONFIRMATION, autoretry_for=(OSError,), retry_backoff=True)
def send_login_confirmation(*, confirmation_id: str) -> dict:
    confirmation = pending_confirmations().filter(pk=confirmation_id).first()
    if confirmation is None:
        return {"sent": False}
    confirmation_message(confirmation=confirmation).send()
    return {"sent": True}


@outbox_task(name=SEND_LOGIN_LINK_TO_ADDRESS, autoretry_for=(OSError,), retry_backoff=True)
def send_login_link_to_address(*, email: str) -> dict:
    """A login link to the address's login, if it has an active one; otherwise nothing.

    The look-up happens here, in the worker, so the page that asked answers in
    the same time whether or not the address is known.
    """
    user = User.objects.filter(email__iexact=normalise_email(email), is_active=True).first()
    if user is None:
        return {"sent": False}
    login_link_message(user=user, base_url=settings.SITE_URL).send()
    return {"sent": True}
