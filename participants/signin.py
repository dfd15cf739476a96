"""How a session signed in, and which organisations' pages that opens.

A password opens the pages of every organisation that allows password login.
An organisation's own sign-in (OpenID Connect) opens that organisation's pages
only: its identity provider vouches for people in that organisation, never
for anyone's roles elsewhere. A session may hold both.

A session "controls the login" when its sign-in covers every organisation in
which the login holds anything; only such a session may confirm changes to
the login itself (``participants.accounts``).
"""

from django.http import HttpRequest

from .models import Organisation, User

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


def sign_in_controls_login(request: HttpRequest, *, user: User) -> bool:
    """True if the session may confirm changes to the login itself."""
    from .accounts import login_organisation_ids

    record = _record(request)
    held = login_organisation_ids(user=user)
    if not held:
        return bool(record.get("password"))
    return sign_in_organisation_ids(request, held) == held
