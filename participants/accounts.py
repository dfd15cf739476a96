"""Logins for people from the HR data: created on demand, activated through a personal link.

Nobody types passwords for others. A person gets a User (e-mail as username)
when HR sends invitations or login links; the e-mail carries a single-use
link, valid for PASSWORD_RESET_TIMEOUT (7 days), built on Django's password
reset tokens: setting a password changes the hash the token is made from, so
a used link stops working.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.outbox import enqueue, outbox_task

from .models import Person, User


def ensure_login(*, person: Person) -> User | None:
    """The person's login, created (without a usable password) when missing.

    Returns None for a person without an e-mail address or no longer active.
    An existing user with the same address (any case) is linked, not duplicated.
    """
    if person.user_id:
        return person.user
    if not person.email or not person.active:
        return None
    email = person.email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=person.full_name)
        user.set_unusable_password()
        user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def activation_url(*, user: User) -> str:
    """The path of the user's personal link to set a password."""
    return reverse(
        "activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def send_login_links(*, people: Iterable[Person]) -> int:
    """Create missing logins and queue a personal login link to each person. Returns how many.

    Side effects: Users created; one outbox task per person (sent after commit,
    kept if the broker is down).
    """
    count = 0
    for person in people:
        user = ensure_login(person=person)
        if user is None or not user.is_active:
            continue
        enqueue("participants.send_login_link", user_id=user.pk)
        count += 1
    return count


def login_link_message(*, user: User, base_url: str) -> EmailMultiAlternatives:
    """The Swedish e-mail (text and HTML) with the personal link."""
    context = {
        "user": user,
        "url": base_url.rstrip("/") + activation_url(user=user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("participants/email/login_link_subject.txt", context).strip()
        text = render_to_string("participants/email/login_link.txt", context)
        html = render_to_string("participants/email/login_link.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


@outbox_task(name="participants.send_login_link", autoretry_for=(OSError,), retry_backoff=True)
def send_login_link(*, user_id: int) -> dict:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {"sent": False}
    login_link_message(user=user, base_url=settings.SITE_URL).send()
    return {"sent": True}
