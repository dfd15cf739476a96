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

import logging
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


def issuer_is_allowed(issuer: str) -> bool:
    """HTTPS, or plain HTTP to this machine where settings allow it (tests, development)."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return True
    loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    return parts.scheme == "http" and loopback and settings.OIDC_ALLOW_HTTP_LOOPBACK


def fetch_metadata(issuer: str) -> dict:
    """The provider's discovery document, checked: its issuer is exactly ``issuer``."""
    if not issuer_is_allowed(issuer):
        raise ProviderUnavailable(_("The issuer must be an https:// address."))
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT_SECONDS)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC discovery failed for %s: %s", issuer, exc)
        raise ProviderUnavailable(
            _("The identity provider did not answer at %(url)s.") % {"url": url}
        ) from exc
    if not isinstance(metadata, dict) or metadata.get("issuer") != issuer:
        raise ProviderUnavailable(
            _("The provider calls itself %(found)s, not %(issuer)s.")
            % {"found": metadata.get("issuer") if isinstance(metadata, dict) else "?",
               "issuer": issuer}
        )  # fmt: skip
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not metadata.get(key)
    ]
    if missing:
        raise ProviderUnavailable(
            _("The provider's discovery document lacks %(keys)s.") % {"keys": ", ".join(missing)}
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
            return jwt.decode(
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
