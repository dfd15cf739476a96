"""Whom an organisation's own identity provider may sign in (participants.oidc checks the token)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.outbox import enqueue

from ..models import Organisation, Person, User
from .mail import SEND_CONFIRMATION
from .selectors import login_for_address, login_organisation_ids, normalise_email
from .services import _pending_link

# --- Sign-in through an organisation's own identity provider --------------------------------


class SignInRefused(Exception):
    """The organisation's sign-in cannot log this person in; the message says why."""


def _not_found(organisation: Organisation) -> SignInRefused:
    return SignInRefused(
        _(
            "%(org)s's sign-in worked, but you are not among the people of %(org)s in this "
            "service. Ask your HR coordinator."
        )
        % {"org": organisation.name}
    )


@transaction.atomic
def _new_login_for(person: Person, email: str) -> User:
    user = User(email=email, full_name=person.full_name)
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def _ask_holder(*, user: User, person: Person) -> SignInRefused:
    """Queue the holder a link to confirm, and say so. Kept although the sign-in is refused."""
    with transaction.atomic():
        confirmation, created = _pending_link(user=user, person=person)
        if created:  # one e-mail per request, however often the sign-in is tried
            enqueue(SEND_CONFIRMATION, confirmation_id=str(confirmation.pk))
    return SignInRefused(
        _(
            "A login with your e-mail address already exists. We have sent a link to that "
            "address: open it to connect the login to %(org)s, then sign in again."
        )
        % {"org": person.organisation.name}
    )


def login_from_provider(
    *, organisation: Organisation, match_on: str, claims: dict, employee_number_claim: str
) -> User:
    """The login that an organisation's provider may sign in, for the verified ``claims``.

    The provider vouches for people of its organisation only:
    - on e-mail, only an address the provider says it has verified;
    - a login that already holds something in this organisation is signed in
      (the session then opens this organisation's pages only, see ``signin``);
    - a login that holds nothing here is never linked by the provider's word:
      its holder gets a link to confirm, and the sign-in is refused;
    - an address without a login gets a new one, linked to the record;
    - a platform operator's login (superuser) is never signed in this way.
    Raises SignInRefused with a message for the person.
    """
    if match_on == "employee_number":
        number = str(claims.get(employee_number_claim) or "").strip()
        if not number:
            raise SignInRefused(_("Your organisation's sign-in did not give an employee number."))
        person = Person.objects.filter(
            organisation=organisation, employee_number=number, active=True
        ).first()
        if person is None:
            raise _not_found(organisation)
        if person.user_id is None:
            email = normalise_email(person.email)
            if not email:
                raise SignInRefused(
                    _("Your manager record has no e-mail address. Ask your HR coordinator.")
                )
            existing = login_for_address(email)
            if existing is not None:
                # The provider vouched for the employee, not for control of that address.
                raise _ask_holder(user=existing, person=person)
            return _new_login_for(person, email)
        user = person.user
    else:
        email = normalise_email(claims.get("email"))
        if not email:
            raise SignInRefused(_("Your organisation's sign-in did not give an e-mail address."))
        if claims.get("email_verified") is not True:
            raise SignInRefused(
                _(
                    "Your organisation's sign-in has not verified your e-mail address, so it "
                    "cannot log you in here. Log in with your password, or ask your IT support."
                )
            )
        people = Person.objects.filter(
            organisation=organisation, active=True, email__iexact=email
        ).order_by("pk")
        user = login_for_address(email)
        if user is None:
            person = people.filter(user__isnull=True).first()
            if person is None:
                raise _not_found(organisation)
            return _new_login_for(person, email)
    if user.is_superuser or not user.is_active:
        raise SignInRefused(_("This login cannot be used with your organisation's sign-in."))
    held = login_organisation_ids(user=user)
    if organisation.pk in held:
        return user
    person = None if match_on == "employee_number" else people.filter(user__isnull=True).first()
    if person is None:
        raise _not_found(organisation)
    # The provider's word is not the holder's: an existing login is linked only by them.
    raise _ask_holder(user=user, person=person)
