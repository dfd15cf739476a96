"""The e-mails about logins and the tasks that send them (through the outbox)."""

from django.conf import settings

from core.mail import render_email
from core.outbox import outbox_task

from ..models import LoginConfirmation, User
from .selectors import activation_url, confirmation_url, normalise_email, pending_confirmations

SEND_LOGIN_LINK = "participants.send_login_link"
SEND_CONFIRMATION = "participants.send_login_confirmation"
SEND_LOGIN_LINK_TO_ADDRESS = "participants.send_login_link_to_address"


def login_link_message(*, user: User, base_url: str):
    """The Swedish e-mail (text and HTML) with the personal link."""
    context = {
        "user": user,
        "url": base_url.rstrip("/") + activation_url(user=user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
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
