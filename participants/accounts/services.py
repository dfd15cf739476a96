"""Writes about logins: create only for a new address; everything else waits for the holder."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import enqueue

from ..models import (
    Consultant,
    LoginConfirmation,
    LoginLinkRequest,
    Membership,
    Organisation,
    Person,
    Role,
    User,
)
from .mail import SEND_CONFIRMATION, SEND_LOGIN_LINK
from .selectors import (
    login_for_address,
    login_organisation_ids,
    normalise_email,
    pending_confirmations,
)

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
            _login_link_request(user=state.user)
        else:
            continue
        count += 1
    return count


def _login_link_request(*, user: User) -> LoginLinkRequest:
    return LoginLinkRequest.objects.create(
        user=user, outbox=enqueue(SEND_LOGIN_LINK, user_id=user.pk)
    )


def consultant_login_link_send(*, consultant: Consultant, organisation: Organisation) -> int:
    """A login link to a consultant, or a request to confirm to the holder of their address.

    Returns 1 if an e-mail was queued, else 0.
    """
    state = consultant_login(consultant=consultant, organisation=organisation)
    if state.confirmation is not None:
        enqueue(SEND_CONFIRMATION, confirmation_id=str(state.confirmation.pk))
    elif state.user is not None and state.user.is_active:
        _login_link_request(user=state.user)
    else:
        return 0
    return 1


# --- A stored role for a login (the platform operator invites an organisation's HR) ---------


@transaction.atomic
def membership_invite(
    *, organisation: Organisation, email: str, full_name: str, role: Role
) -> LoginState:
    """Give the holder of ``email`` a stored role in the organisation, by the rules above.

    - No login has the address: one is created (without a usable password, named
      ``full_name``) and given the role at once; a personal link to choose a
      password is queued, the same e-mail as HR's login links.
    - A login has it: nothing is linked here. A pending ``LoginConfirmation``
      (kind MEMBERSHIP) asks its holder, by e-mail; the role is given only when
      they confirm (``confirmation_confirm``). Asking again re-sends the same request.
    The caller checks that the login does not hold the role already.
    Side effects: a login and a membership, or a pending LoginConfirmation; one
    outbox task (sent after commit, kept if the broker is down).
    """
    email = normalise_email(email)
    existing = login_for_address(email)
    if existing is None:
        user = User(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=role)
        _login_link_request(user=user)
        return LoginState(user=user)
    pending = pending_confirmations().filter(
        kind=LoginConfirmation.Kind.MEMBERSHIP,
        user=existing,
        organisation=organisation,
        role=role,
    ).first() or LoginConfirmation.objects.create(
        kind=LoginConfirmation.Kind.MEMBERSHIP, user=existing, organisation=organisation, role=role
    )
    enqueue(SEND_CONFIRMATION, confirmation_id=str(pending.pk))
    return LoginState(confirmation=pending)


class ConfirmationRefused(Exception):
    """The change can no longer be made; the message says why, for the holder."""


def _changed_since() -> ConfirmationRefused:
    return ConfirmationRefused(
        _("The manager record has changed since; ask your HR coordinator again.")
    )


@transaction.atomic
def confirmation_confirm(
    *,
    confirmation: LoginConfirmation,
    user: User | None,
    by_link: bool,
    password_session: bool,
) -> str:
    """The holder confirms. Returns what changed, as a sentence for the holder.

    What proves the holder, checked here under the login's row lock:
    - linking a record, or a role in the organisation: the link, which went to the login's address
      (``by_link``), or the holder logged in with a password (``user`` is the
      login and ``password_session``);
    - a new address: the link, which went to the new address, opened by the
      holder logged in with a password; and the login still holds nothing
      outside the organisation that asked, whose record still has that address.
    A session signed in by an organisation's provider proves neither
    (``participants.signin``). Raises ConfirmationRefused when the proof is
    missing or the records changed since it was asked.
    Side effects: the record linked, the role given, or the login's address changed.
    """
    row = LoginConfirmation.objects.select_for_update().filter(pk=confirmation.pk).first()
    if row is None or row.state != LoginConfirmation.State.PENDING:
        raise ConfirmationRefused(_("This request has already been answered."))
    login = User.objects.select_for_update().get(pk=row.user_id)
    organisation = row.organisation
    holder_logged_in = user is not None and user.pk == login.pk and password_session
    if row.kind == LoginConfirmation.Kind.EMAIL:
        if not (by_link and holder_logged_in):
            raise ConfirmationRefused(
                _("Log in with your password to change your login's address.")
            )
        record = row.person or row.consultant
        record_email = normalise_email(getattr(record, "email", ""))
        still_linked = record is not None and record.user_id == login.pk
        if not still_linked or record_email != row.new_email or not getattr(record, "active", True):
            raise _changed_since()
        if not login_organisation_ids(user=login) <= {organisation.pk}:
            raise _changed_since()
        taken = User.objects.filter(email__iexact=row.new_email).exclude(pk=login.pk).exists()
        if taken:
            raise ConfirmationRefused(_("Another login already uses the new address."))
        login.email = normalise_email(row.new_email)
        login.save(update_fields=["email"])
        done = _("Your login's e-mail address is now %(email)s.") % {"email": login.email}
    elif not (by_link or holder_logged_in):
        raise ConfirmationRefused(_("Log in with your password to change your login's address."))
    elif row.kind == LoginConfirmation.Kind.MEMBERSHIP:
        Membership.objects.get_or_create(user=login, organisation=organisation, role=row.role)
        done = _("Your login now has the role “%(role)s” in %(org)s.") % {
            "role": Role(row.role).label,
            "org": organisation.name,
        }
    elif row.kind == LoginConfirmation.Kind.LINK_PERSON:
        person = Person.objects.select_for_update().get(pk=row.person_id)
        same_address = normalise_email(person.email) == login.email
        moved = person.organisation_id != row.organisation_id
        if person.user_id is not None or not person.active or not same_address or moved:
            raise _changed_since()
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
        works_here = consultant.organisations.filter(pk=row.organisation_id).exists()
        same_address = normalise_email(consultant.email) == login.email
        if consultant.user_id is not None or not same_address or not works_here:
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
    *,
    user: User,
    organisation: Organisation,
    new_email: str,
    person: Person | None = None,
    consultant: Consultant | None = None,
) -> LoginConfirmation | None:
    """Ask the holder to confirm the new address of their record for their login too.

    Only for a login that holds nothing outside ``organisation``: a login used
    elsewhere keeps its address, whatever one organisation's records say (the
    record has the new address at once either way). The login keeps its
    address, and works with it, until the holder, logged in with a password,
    opens the link sent to the new address. A newer request for the same record
    replaces an earlier one. Returns None when nothing is asked.
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
    if not login_organisation_ids(user=user) <= {organisation.pk}:
        return None
    row = LoginConfirmation.objects.create(
        kind=LoginConfirmation.Kind.EMAIL,
        user=user,
        organisation=organisation,
        new_email=new_email,
        person=person,
        consultant=consultant,
    )
    enqueue(SEND_CONFIRMATION, confirmation_id=str(row.pk))
    return row


def person_record_changed(*, person: Person, old_email: str, was_active: bool) -> None:
    """What a change of a manager record means for logins, after it is saved.

    - A new address: the record has it at once; a linked login held only in this
      organisation is asked to confirm it (``login_email_change_request``); the
      record's other pending requests lapse.
    - No longer active: the person's roles in this organisation end (its
      memberships are removed; the derived roles follow from ``active``).
      The login itself, and anything it holds elsewhere, stays as it is.
    """
    organisation = person.organisation
    if normalise_email(old_email) != normalise_email(person.email):
        _cancel(LoginConfirmation.objects.filter(person=person))
        if person.user_id:
            login_email_change_request(
                user=person.user, organisation=organisation, new_email=person.email, person=person
            )
    if was_active and not person.active:
        _cancel(LoginConfirmation.objects.filter(person=person))
        if person.user_id:
            Membership.objects.filter(user_id=person.user_id, organisation=organisation).delete()


# --- The holder's own settings ------------------------------------------------------------


def user_language_set(*, user: User, language: str) -> None:
    """Keep the language the holder chose with the language button on their login.

    Only the holder does this, for themselves (``participants.views.set_language``);
    it follows them to their next login on any device.
    """
    User._meta.get_field("language").clean(language, user)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
