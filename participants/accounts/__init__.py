"""Logins belong to the people who hold them: every rule about creating and changing them.

A login (``User``) is one human with one e-mail address and may hold roles in
several organisations; a manager record (``Person``) belongs to one. What HR
of an organisation may do to logins, in one place:

- create a login only for an address that has none yet (``person_login``);
- link a manager or consultant record to an existing login only after its
  holder confirms, through a link sent to that address or while logged in
  (``LoginConfirmation``, ``confirmation_confirm``);
- give an existing login a stored role (the platform operator inviting an
  organisation's HR coordinator) only after its holder confirms the same way
  (``membership_invite``);
- never change a login's address, password or active state: a new address on
  the manager record waits for the holder to confirm it from the new address
  while logged in (``login_email_change_request``);
- deactivating a manager ends that person's roles in that organisation only
  (``person_record_changed``).

Nobody types passwords for others: a new login gets a single-use link, valid
for PASSWORD_RESET_TIMEOUT (7 days), built on Django's password reset tokens.
"""

from .mail import (
    SEND_CONFIRMATION,
    SEND_LOGIN_LINK,
    SEND_LOGIN_LINK_TO_ADDRESS,
    confirmation_message,
    login_link_message,
    send_login_confirmation,
    send_login_link,
    send_login_link_to_address,
)
from .provider import SignInRefused, login_from_provider
from .selectors import (
    activation_url,
    confirmation_from_token,
    confirmation_token,
    confirmation_url,
    login_for_address,
    login_links_asked_for,
    login_organisation_ids,
    normalise_email,
    pending_confirmations,
)
from .services import (
    ConfirmationRefused,
    LoginState,
    confirmation_confirm,
    consultant_login,
    consultant_login_link_send,
    ensure_login,
    login_email_change_request,
    membership_invite,
    person_login,
    person_record_changed,
    send_login_links,
    user_language_set,
)

__all__ = [
    "SEND_CONFIRMATION",
    "SEND_LOGIN_LINK",
    "SEND_LOGIN_LINK_TO_ADDRESS",
    "ConfirmationRefused",
    "LoginState",
    "SignInRefused",
    "activation_url",
    "confirmation_confirm",
    "confirmation_from_token",
    "confirmation_message",
    "confirmation_token",
    "confirmation_url",
    "consultant_login",
    "consultant_login_link_send",
    "ensure_login",
    "login_email_change_request",
    "login_for_address",
    "login_from_provider",
    "login_link_message",
    "login_links_asked_for",
    "login_organisation_ids",
    "membership_invite",
    "normalise_email",
    "pending_confirmations",
    "person_login",
    "person_record_changed",
    "send_login_confirmation",
    "send_login_link",
    "send_login_link_to_address",
    "send_login_links",
    "user_language_set",
]
