"""An identity provider's HTTP side, answered by `responses`, for tokens a real one never sends.

The browser test (tests/test_browser_oidc.py) signs in through a real provider.
Here the provider's answers are written by hand so that a test can send what
an attacker or a broken provider would: a bad signature, a wrong audience or
issuer, an expired token, another sign-in's nonce. Only the network is faked;
mozilla-django-oidc and our code run as they do in production.
"""

import base64
import socket
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import jwt
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from participants.models import IdentityProvider

ISSUER = "https://login.example.test/realm"
CLIENT_ID = "svc-client"
CLIENT_SECRET = "svc-secret-not-real"


PUBLIC_ADDRESS = "93.184.216.34"  # what the fake providers' names resolve to
_real_getaddrinfo = socket.getaddrinfo


def public_dns(monkeypatch):
    """Names under .test resolve to a public address, as a real provider's would (DNS is
    the outside world here); every other name resolves as usual."""

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_ADDRESS, 443))]
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _b64(number: int) -> str:
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class FakeProvider:
    """Discovery, keys, token and userinfo endpoints of one provider, under `responses`."""

    issuer: str = ISSUER
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "key-1"

    def jwk(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {
            "kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
            "n": _b64(numbers.n), "e": _b64(numbers.e),
        }  # fmt: skip

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/me",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
        }

    def install(self, mock: responses.RequestsMock) -> None:
        mock.get(f"{self.issuer}/.well-known/openid-configuration", json=self.metadata())
        mock.get(f"{self.issuer}/jwks", json={"keys": [self.jwk()]})

    def id_token(self, *, nonce: str, key=None, kid=None, **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": "person-1",
            "iat": now, "exp": now + 300, "nonce": nonce,
        }  # fmt: skip
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def answer(self, mock, *, id_token: str, userinfo: dict) -> None:
        """The token endpoint gives ``id_token``; userinfo gives ``userinfo``."""
        mock.post(
            f"{self.issuer}/token",
            json={"id_token": id_token, "access_token": "at-" + uuid.uuid4().hex},
        )
        mock.get(f"{self.issuer}/me", json=userinfo)


def connect(organisation, *, match_on="email", password_login=True) -> IdentityProvider:
    """The organisation's sign-in, set up as HR would, pointing at the fake provider."""
    organisation.password_login = password_login
    organisation.save(update_fields=["password_login"])
    provider, _ = IdentityProvider.objects.update_or_create(
        organisation=organisation,
        defaults={
            "enabled": True, "issuer": ISSUER, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "match_on": match_on,
            "scopes": "openid email profile employee",
        },
    )  # fmt: skip
    return provider


def start(client, organisation, *, next_url: str = "") -> tuple[str, str]:
    """Start the sign-in as the login page's button does. Returns (state, nonce)."""
    url = reverse("oidc_start", kwargs={"org": organisation.slug})
    response = client.get(url, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.status_code
    query = parse_qs(urlsplit(response["Location"]).query)
    return query["state"][0], query["nonce"][0]


def finish(client, state: str, code: str = "code-1"):
    """The provider sends the browser back."""
    return client.get(reverse("oidc_callback"), {"state": state, "code": code}, follow=True)


def sign_in(client, organisation, provider: FakeProvider, *, claims: dict, token=None, **kw):
    """A whole sign-in with the given userinfo claims (sub defaults to person-1)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        state, nonce = start(client, organisation, next_url=kw.pop("next_url", ""))
        id_token = token(nonce) if token else provider.id_token(nonce=nonce)
        provider.answer(mock, id_token=id_token, userinfo={"sub": "person-1", **claims})
        return finish(client, state)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
