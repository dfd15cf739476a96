"""An organisation's own sign-in through OpenID Connect, on mozilla-django-oidc.

mozilla-django-oidc does the relying party's protocol work: state, nonce and
PKCE in the session, the code exchange, the provider's keys (JWKS) and the
signature. It is built for one provider named in the settings; here each
organisation has its own (``IdentityProvider``), so its settings come from
that row and the provider's discovery document. On top of the library's
checks, the ID token's issuer, audience, expiry and issue time are verified
(the library checks only signature and nonce). Who the verified claims name
is decided by ``participants.accounts.login_from_provider``.
"""

import ipaddress
import json
import logging
import re
import socket
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from .accounts import SignInRefused
from .models import IdentityProvider, User

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 3600
# Asymmetric signatures only: a client secret known to the provider's admins
# must not be able to sign ID tokens.
SIGNING_ALGORITHMS = ("RS256", "ES256", "PS256")
CLOCK_LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider could not be reached or gave an unusable answer; the message says which."""


ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
OPTIONAL_ENDPOINTS = ("userinfo_endpoint", "end_session_endpoint")
DISCOVERY_MAX_BYTES = 100_000
# Hosts are names or addresses: letters, digits, dots, hyphens (and IPv6 in brackets).
_HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$")


def _is_loopback_allowed(hostname: str) -> bool:
    return settings.OIDC_ALLOW_HTTP_LOOPBACK and hostname in {"127.0.0.1", "localhost", "::1"}


def _public_address(hostname: str) -> bool:
    """True if every address the name resolves to is a public one (no SSRF into our network)."""
    try:
        infos = socket.getaddrinfo(hostname, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return False
    return bool(infos)


def url_is_well_formed(url: str) -> bool:
    """An https:// address (plain http to this machine only where settings allow it), with a
    plain host name and nothing that could break out of a header: no user, no odd characters."""
    if not isinstance(url, str) or any(c in url for c in " \t\r\n;,'\"\\"):
        return False
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.username or parts.password or not _HOST.match(parts.netloc.rsplit(":", 1)[0]):
        return False
    if _is_loopback_allowed(host):
        return parts.scheme in {"http", "https"}
    return parts.scheme == "https" and bool(host)


def url_is_allowed(url: str) -> bool:
    """Well formed, and its host resolves to public addresses only (no requests into our own
    network), unless it is this machine where settings allow it."""
    if not url_is_well_formed(url):
        return False
    host = urlsplit(url).hostname or ""
    return _is_loopback_allowed(host) or _public_address(host)


def issuer_is_allowed(issuer: str) -> bool:
    return url_is_allowed(issuer)


def url_origin(url: str) -> str:
    """scheme://host[:port] of an allowed URL, for the CSP."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _get_json(url: str) -> dict:
    """GET a small JSON document without following redirects."""
    with requests.get(
        url, timeout=settings.OIDC_TIMEOUT_SECONDS, allow_redirects=False, stream=True
    ) as response:
        response.raise_for_status()
        body = response.raw.read(DISCOVERY_MAX_BYTES + 1, decode_content=True)
    if len(body) > DISCOVERY_MAX_BYTES:
        raise ValueError("discovery document too large")
    return json.loads(body)


def fetch_metadata(issuer: str) -> dict:
    """The provider's discovery document, checked: its issuer is exactly ``issuer``, and every
    endpoint it names is an allowed address (``url_is_allowed``)."""
    if not issuer_is_allowed(issuer):
        raise ProviderUnavailable(_("The issuer must be an https:// address."))
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        metadata = _get_json(url)
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC discovery failed for %s: %s", issuer, exc)
        raise ProviderUnavailable(
            _("The identity provider did not answer at %(url)s.") % {"url": url}
        ) from exc
    if not isinstance(metadata, dict) or metadata.get("issuer") != issuer:
        raise ProviderUnavailable(
            _("The identity provider at %(url)s does not call itself %(issuer)s.")
            % {"url": url, "issuer": issuer}
        )
    missing = [key for key in ENDPOINTS if not metadata.get(key)]
    if missing:
        raise ProviderUnavailable(
            _("The provider's discovery document lacks %(keys)s.") % {"keys": ", ".join(missing)}
        )
    bad = [
        key
        for key in ENDPOINTS + OPTIONAL_ENDPOINTS
        if metadata.get(key) and not url_is_allowed(metadata[key])
    ]
    if bad:
        raise ProviderUnavailable(
            _("The provider's discovery document names addresses that are not allowed: %(keys)s.")
            % {"keys": ", ".join(bad)}
        )
    return metadata


def provider_metadata(provider: IdentityProvider) -> dict:
    key = f"oidc-metadata:{provider.issuer}"
    metadata = cache.get(key)
    if metadata is None:
        metadata = fetch_metadata(provider.issuer)
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def forget_metadata(issuer: str) -> None:
    cache.delete(f"oidc-metadata:{issuer}")


class OrganisationBackend(OIDCAuthenticationBackend):
    """The library's backend with one organisation's provider in place of the settings.

    Not in AUTHENTICATION_BACKENDS: the sign-in view calls it and logs the
    user in with the model backend, so later requests load the user as usual.
    """

    def __init__(self, provider: IdentityProvider, metadata: dict):
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.UserModel = User

    @staticmethod
    def get_settings(attr, *args):
        if attr == "OIDC_TIMEOUT":
            return settings.OIDC_TIMEOUT_SECONDS
        return import_from_settings(attr, *args)

    def _verify_jws(self, payload, key):
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError as exc:
            raise SignInRefused(_("The sign-in answer was not a valid token.")) from exc
        if header.get("alg") not in SIGNING_ALGORITHMS:
            raise SignInRefused(_("The sign-in answer was not signed in an accepted way."))
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[header["alg"]],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused(_("The sign-in answer had expired. Sign in again.")) from exc
        except jwt.InvalidAudienceError as exc:
            raise SignInRefused(_("The sign-in answer was meant for another service.")) from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInRefused(
                _("The sign-in answer came from another identity provider than the one set up.")
            ) from exc
        except jwt.InvalidSignatureError as exc:
            raise SignInRefused(_("The sign-in answer's signature is not valid.")) from exc
        except jwt.InvalidTokenError as exc:
            raise SignInRefused(_("The sign-in answer was not a valid token.")) from exc
        audiences = claims.get("aud")
        several = isinstance(audiences, list) and len(audiences) > 1
        if several and claims.get("azp") != self.provider.client_id:
            # With several audiences the token must name us as the party it was issued to.
            raise SignInRefused(_("The sign-in answer was meant for another service."))
        return claims

    def retrieve_matching_jwk(self, token):
        try:
            return super().retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError, jwt.InvalidTokenError) as exc:  # no matching key
            raise SignInRefused(_("The sign-in answer's signature is not valid.")) from exc

    def claims_for(
        self, request, *, code: str, nonce: str, code_verifier: str | None, redirect_uri
    ):
        """Exchange the code and return the verified claims and the ID token.

        Raises SignInRefused for anything the provider or the token gets wrong,
        ProviderUnavailable when the provider cannot be reached.
        """
        self.request = request
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        try:
            token_info = self.get_token(payload)
        except requests.HTTPError as exc:
            logger.warning("OIDC token endpoint refused the code: %s", exc)
            raise SignInRefused(
                _("Your organisation's sign-in refused the answer. Sign in again.")
            ) from exc
        except requests.RequestException as exc:
            raise ProviderUnavailable(_("Your organisation's sign-in did not answer.")) from exc
        id_token = token_info.get("id_token")
        if not id_token:
            raise SignInRefused(_("The sign-in answer was not a valid token."))
        try:
            claims = self.verify_token(id_token, nonce=nonce)
        except SuspiciousOperation as exc:  # the library's nonce check
            raise SignInRefused(
                _("The sign-in answer belongs to another sign-in attempt. Sign in again.")
            ) from exc
        except requests.RequestException as exc:  # the provider's keys
            raise ProviderUnavailable(_("Your organisation's sign-in did not answer.")) from exc
        access_token = token_info.get("access_token")
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            try:
                userinfo = self.get_userinfo(access_token, id_token, claims)
            except requests.RequestException as exc:
                raise ProviderUnavailable(_("Your organisation's sign-in did not answer.")) from exc
            if userinfo.get("sub") != claims["sub"]:
                raise SignInRefused(_("The sign-in answer was not a valid token."))
            claims = {**claims, **userinfo}
        return claims, id_token
