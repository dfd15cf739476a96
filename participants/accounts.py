"""Logins belong to the people who hold them: every rule about creating and changing them.

A login (``User``) is one human with one e-mail address and may hold roles in
several organisations; a manager record (``Person``) belongs to one. What HR
of an organisation may do to logins, in one place:

- create a login only for an address that has none yet (``person_login``);
- link a manager or consultant record to an existing login only after its
  holder confirms, through a link sent to that address or while logged in
  (``LoginConfirmation``, ``confirmation_confirm``);
- never change a login's address, password or active state: a new address on
  the manager record waits for the holder to confirm it from the new address
  while logged in (``login_email_change_request``);
- deactivating a manager ends that person's roles in that organisation only
  (``person_record_changed``).

Nobody types passwords for others: a new login gets a single-use link, valid
for PASSWORD_RESET_TIMEOUT (7 days), built on Django's password reset tokens.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.links import site_url
from core.mail import render_email
from core.outbox import enqueue, outbox_task

from .models import Consultant, LoginConfirmation, Membership, Organisation, Person, User

SEND_LOGIN_LINK = "participants.send_login_link"
SEND_CONFIRMATION = "participants.send_login_confirmation"
_CONFIRMATION_SALT = "participants.login-confirmation"


def normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def login_for_address(email: str) -> User | None:
    """The login with this address (any case), if there is one."""
    email = normalise_email(email)
    return User.objects.filter(email__iexact=email).first() if email else None


def login_organisation_ids(*, user: User) -> set[int]:
    """Every organisation where the login holds a role, a manager record or a consultant record."""
    memberships = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    people = Person.objects.filter(user=user).values_list("organisation_id", flat=True)
    consultants = Organisation.objects.filter(consultants__user=user).values_list("pk", flat=True)
    return {*memberships.union(people, consultants)}


# --- Logins for manager records ------------------------------------------------------------


@dataclass
class LoginState:
    """A manager record's login: linked (``user``), or waiting for the holder of its address."""

    user: User | None = None
    confirmation: LoginConfirmation | None = None


def person_login(*, person: Person) -> LoginState:
    """The person's login, created (without a usable password) when their address has none.

    Where a login with that address exists and is not yet linked, it is not
    linked here: a pending ``LoginConfirmation`` waits for its holder. Nothing
    for a person without an address or no longer active.
    """
    if person.user_id:
        return LoginState(user=person.user)
    if not person.email or not person.active:
        return LoginState()
    email = normalise_email(person.email)
    existing = login_for_address(email)
    if existing is not None:
        return LoginState(confirmation=_pending_link(user=existing, person=person)[0])
    user = User(email=email, full_name=person.full_name)
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return LoginState(user=user)


def ensure_login(*, person: Person) -> User | None:
    """The person's linked login (created when the address has none), or None."""
    return person_login(person=person).user


def _pending_link(*, user: User, person: Person) -> tuple[LoginConfirmation, bool]:
    """The pending request to link ``person`` to ``user``, and whether it is new."""
    pending = pending_confirmations().filter(
        kind=LoginConfirmation.Kind.LINK_PERSON, user=user, person=person
    )
    if (row := pending.first()) is not None:
        return row, False
    row = LoginConfirmation.objects.create(
        kind=LoginConfirmation.Kind.LINK_PERSON,
        user=user,
        person=person,
        organisation_id=person.organisation_id,
    )
    return row, True


def consultant_login(*, consultant: Consultant, organisation: Organisation) -> LoginState:
    """A consultant's login, by the same rules as ``person_login``."""
    if consultant.user_id:
        return LoginState(user=consultant.user)
    email = normalise_email(consultant.email)
    if not email:
        return LoginState()
    existing = login_for_address(email)
    if existing is None:
        user = User(email=email, full_name=consultant.name)
        user.set_unusable_password()
        user.save()
        consultant.user = user
        consultant.save(update_fields=["user"])
        return LoginState(user=user)
    pending = pending_confirmations().filter(
        kind=LoginConfirmation.Kind.LINK_CONSULTANT,
        user=existing,
        consultant=consultant,
    ).first() or LoginConfirmation.objects.create(
        kind=LoginConfirmation.Kind.LINK_CONSULTANT,
        user=existing,
        consultant=consultant,
        organisation=organisation,
    )
    return LoginState(confirmation=pending)


@transaction.atomic
def send_login_links(*, people: Iterable[Person]) -> int:
    """Queue a personal login link to each person, or a request to confirm the link of an
    existing login. Returns how many e-mails were queued.

    Side effects: logins created for addresses that have none; pending
    LoginConfirmations; one outbox task per person (sent after commit, kept
    if the broker is down).
    """
    count = 0
    for person in people:
        state = person_login(person=person)
        if state.confirmation is not None:
            enqueue(SEND_CONFIRMATION, confirmation_id=str(state.confirmation.pk))
        elif state.user is not None and state.user.is_active:
            enqueue(SEND_LOGIN_LINK, user_id=state.user.pk)
        else:
            continue
        count += 1
    return count


def consultant_login_link_send(*, consultant: Consultant, organisation: Organisation) -> int:
    """A login link to a consultant, or a request to confirm to the holder of their address.

    Returns 1 if an e-mail was queued, else 0.
    """
    state = consultant_login(consultant=consultant, organisation=organisation)
    if state.confirmation is not None:
        enqueue(SEND_CONFIRMATION, confirmation_id=str(state.confirmation.pk))
    elif state.user is not None and state.user.is_active:
        enqueue(SEND_LOGIN_LINK, user_id=state.user.pk)
    else:
        return 0
    return 1


def activation_url(*, user: User) -> str:
    """The path of the user's personal link to set a password."""
    return reverse(
        "activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


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


# --- Confirmations by the holder -----------------------------------------------------------


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


class ConfirmationRefused(Exception):
    """The change can no longer be made; the message says why, for the holder."""


@transaction.atomic
def confirmation_confirm(*, confirmation: LoginConfirmation, user: User | None) -> str:
    """The holder confirms. Returns what changed, as a sentence for the holder.

    ``user`` is the logged-in user (or None). A new address needs the holder
    logged in as the login (the view checks that the session controls it);
    linking a record needs only the link, which went to the login's address.
    Raises ConfirmationRefused when the records changed since it was asked.
    Side effects: the record linked, or the login's address changed; other
    pending requests of the same kind for the same record cancelled.
    """
    row = LoginConfirmation.objects.select_for_update().filter(pk=confirmation.pk).first()
    if row is None or row.state != LoginConfirmation.State.PENDING:
        raise ConfirmationRefused(_("This request has already been answered."))
    login = User.objects.select_for_update().get(pk=row.user_id)
    organisation = row.organisation
    if row.kind == LoginConfirmation.Kind.EMAIL:
        if user is None or user.pk != login.pk:
            raise ConfirmationRefused(_("Log in as the login whose address changes first."))
        taken = User.objects.filter(email__iexact=row.new_email).exclude(pk=login.pk).exists()
        if taken:
            raise ConfirmationRefused(_("Another login already uses the new address."))
        login.email = normalise_email(row.new_email)
        login.save(update_fields=["email"])
        done = _("Your login's e-mail address is now %(email)s.") % {"email": login.email}
    elif row.kind == LoginConfirmation.Kind.LINK_PERSON:
        person = Person.objects.select_for_update().get(pk=row.person_id)
        same_address = normalise_email(person.email) == login.email
        if person.user_id is not None or not person.active or not same_address:
            raise ConfirmationRefused(
                _("The manager record has changed since; ask your HR coordinator again.")
            )
        if Person.objects.filter(organisation_id=person.organisation_id, user=login).exists():
            raise ConfirmationRefused(
                _("Your login is already connected to another manager record in %(org)s.")
                % {"org": organisation.name}
            )
        person.user = login
        person.save(update_fields=["user"])
        done = _("Your login is now connected to your manager record in %(org)s.") % {
            "org": organisation.name
        }
    else:
        consultant = Consultant.objects.select_for_update().get(pk=row.consultant_id)
        if consultant.user_id is not None or normalise_email(consultant.email) != login.email:
            raise ConfirmationRefused(
                _("The consultant record has changed since; ask your HR coordinator again.")
            )
        if Consultant.objects.filter(user=login).exists():
            raise ConfirmationRefused(
                _("Your login is already connected to another consultant record.")
            )
        consultant.user = login
        consultant.save(update_fields=["user"])
        done = _("Your login is now connected to your process-leader record.")
    row.state = LoginConfirmation.State.CONFIRMED
    row.decided_at = timezone.now()
    row.save(update_fields=["state", "decided_at"])
    return done


def _cancel(queryset) -> None:
    queryset.filter(state=LoginConfirmation.State.PENDING).update(
        state=LoginConfirmation.State.CANCELLED, decided_at=timezone.now()
    )


def login_email_change_request(
    *, user: User, organisation: Organisation, new_email: str
) -> LoginConfirmation | None:
    """Ask the holder to confirm a new address for their login, from that address.

    The login keeps its address (and works with it) until the holder, logged
    in, opens the link sent to the new address. A request from the same
    organisation replaces an earlier one. Returns None when nothing is to change.
    Side effects: a LoginConfirmation; one e-mail to the new address queued.
    """
    new_email = normalise_email(new_email)
    _cancel(
        LoginConfirmation.objects.filter(
            kind=LoginConfirmation.Kind.EMAIL, user=user, organisation=organisation
        )
    )
    if not new_email or new_email == user.email:
        return None
    row = LoginConfirmation.objects.create(
        kind=LoginConfirmation.Kind.EMAIL,
        user=user,
        organisation=organisation,
        new_email=new_email,
    )
    enqueue(SEND_CONFIRMATION, confirmation_id=str(row.pk))
    return row


def person_record_changed(*, person: Person, old_email: str, was_active: bool) -> None:
    """What a change of a manager record means for logins, after it is saved.

    - A new address: the record has it at once; a linked login is asked to
      confirm it (``login_email_change_request``); an unlinked record's
      pending link requests lapse.
    - No longer active: the person's roles in this organisation end (its
      memberships are removed; the derived roles follow from ``active``).
      The login itself, and anything it holds elsewhere, stays as it is.
    """
    organisation = person.organisation
    if normalise_email(old_email) != normalise_email(person.email):
        if person.user_id:
            login_email_change_request(
                user=person.user, organisation=organisation, new_email=person.email
            )
        _cancel(LoginConfirmation.objects.filter(person=person))
    if was_active and not person.active:
        _cancel(LoginConfirmation.objects.filter(person=person))
        if person.user_id:
            Membership.objects.filter(user_id=person.user_id, organisation=organisation).delete()


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
    - a login that holds nothing here is linked to the matching manager record
      only if it holds nothing anywhere else either; otherwise its holder gets a
      link to confirm, and the sign-in is refused;
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
    if held:
        raise _ask_holder(user=user, person=person)
    person.user = user
    person.save(update_fields=["user"])
    return user


# --- "Forgot your password?" -------------------------------------------------------------

SEND_LOGIN_LINK_TO_ADDRESS = "participants.send_login_link_to_address"


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
