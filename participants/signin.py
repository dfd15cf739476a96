"""How a session signed in, and which organisations' pages that opens.

A password opens the pages of every organisation that allows password login.
An organisation's own sign-in (OpenID Connect) opens that organisation's pages
only: its identity provider vouches for people in that organisation, never
for anyone's roles elsewhere. A session may hold both.

Only a password session proves the holder of a login: the password was chosen
through a link sent to the login's address. An organisation's provider vouches
for people of that organisation, not for control of an address, so a session it
signed in never confirms a change to the login itself (``participants.accounts``).
A session without a record of how it signed in counts as a password session
(the password view writes one; tests log in with ``force_login``).
"""

from django.http import HttpRequest

from .models import Organisation

SESSION_KEY = "svc_sign_in"


def _record(request: HttpRequest) -> dict:
    # A session without the key signed in with a password (or a test's force_login).
    return request.session.get(SESSION_KEY) or {"password": True, "organisations": []}


def sign_in_record_password(request: HttpRequest) -> None:
    record = _record(request) if SESSION_KEY in request.session else {"organisations": []}
    request.session[SESSION_KEY] = {**record, "password": True}


def sign_in_record_organisation(
    request: HttpRequest, *, organisation: Organisation, logout: dict | None = None
) -> None:
    """After ``auth.login`` through an organisation's provider. ``logout`` is what
    RP-initiated logout needs (end-session endpoint, id token, client id)."""
    if SESSION_KEY in request.session:
        record = _record(request)
    else:
        # auth.login just flushed or cycled the session: nothing was signed in before.
        record = {"password": False, "organisations": []}
    organisations = sorted({*record.get("organisations", []), organisation.pk})
    record = {**record, "organisations": organisations}
    if logout:
        record["logout"] = logout
    request.session[SESSION_KEY] = record


def provider_logout_of(request: HttpRequest) -> dict | None:
    return _record(request).get("logout")


def sign_in_covers(request: HttpRequest, organisation: Organisation) -> bool:
    """True if this session's sign-in opens the organisation's pages."""
    record = _record(request)
    if record.get("password") and organisation.password_login:
        return True
    return organisation.pk in record.get("organisations", [])


def sign_in_organisation_ids(request: HttpRequest, organisation_ids) -> set[int]:
    """Those of ``organisation_ids`` whose pages this session's sign-in opens."""
    record = _record(request)
    covered = set(record.get("organisations", [])) & set(organisation_ids)
    if record.get("password"):
        covered |= set(
            Organisation.objects.filter(pk__in=organisation_ids, password_login=True).values_list(
                "pk", flat=True
            )
        )
    return covered


def signed_in_with_password(request: HttpRequest) -> bool:
    """True if this session proved its holder with a password (see the module's docstring)."""
    return bool(_record(request).get("password"))


# Set when a login signs in for the first time; the first start page after it takes it
# (and shows the organisation's privacy notice, ``statements.views.first_login_notice``).
FIRST_LOGIN_KEY = "svc_first_login"


def first_login_record(request: HttpRequest, *, first: bool) -> None:
    """After ``auth.login``. ``first``: the login had never signed in before (its
    ``last_login`` was empty until this sign-in)."""
    if first:
        request.session[FIRST_LOGIN_KEY] = True


def first_login_taken(request: HttpRequest) -> bool:
    """True once after a login's first sign-in; False on every later call."""
    return bool(request.session.pop(FIRST_LOGIN_KEY, False))
