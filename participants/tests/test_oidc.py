"""An organisation's own sign-in (OpenID Connect): what it accepts, whom it logs in, what it opens.

The provider's HTTP answers come from `oidc_fakes` so that tampered tokens can
be sent; the real provider is driven end to end in tests/test_browser_oidc.py.
"""

import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from participants.models import IdentityProvider, LoginConfirmation, Person, Role, User
from participants.tests import oidc_fakes as fake
from participants.tests.factories import (
    ConsultantFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_discovery_cache(monkeypatch):
    fake.public_dns(monkeypatch)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provider():
    return fake.FakeProvider()


@pytest.fixture
def connected(org):
    return fake.connect(org)


def _user_id(client):
    return client.session.get("_auth_user_id")


VERIFIED = {"email": "anna.berg@orebro.test", "email_verified": True}


# --- Whom a verified sign-in logs in ------------------------------------------------------------


def test_a_manager_without_a_login_gets_one_and_lands_on_their_start_page(
    client, org, connected, provider
):
    person = PersonFactory(organisation=org, email="Anna.Berg@orebro.test")
    report = PersonFactory(organisation=org, line_manager=person)

    response = fake.sign_in(client, org, provider, claims=VERIFIED)

    person.refresh_from_db()
    assert person.user.email == "anna.berg@orebro.test"
    assert person.user.has_usable_password() is False
    assert _user_id(client) == str(person.user_id)
    assert response.redirect_chain[-1][0] == reverse(
        "svc:line_manager_start", kwargs={"org": org.slug}
    )
    assert report.line_manager_id == person.pk


def test_an_existing_login_of_the_organisation_is_signed_in_unchanged(
    client, org, connected, provider, hr_user
):
    before = User.objects.values().get(pk=hr_user.pk)

    response = fake.sign_in(
        client, org, provider, claims={"email": "HR@orebro.test", "email_verified": True}
    )

    assert _user_id(client) == str(hr_user.pk)
    assert response.redirect_chain[-1][0] == reverse("svc:hr_start", kwargs={"org": org.slug})
    after = User.objects.values().get(pk=hr_user.pk)
    assert {k: v for k, v in after.items() if k != "last_login"} == {
        k: v for k, v in before.items() if k != "last_login"
    }


def test_an_unverified_address_is_refused(client, org, connected, provider):
    PersonFactory(organisation=org, email="anna.berg@orebro.test")

    response = fake.sign_in(
        client, org, provider, claims={"email": "anna.berg@orebro.test", "email_verified": False}
    )

    assert _user_id(client) is None
    assert User.objects.count() == 0
    assert fake.messages_of(response) == [
        "Din organisations inloggning har inte bekräftat din e-postadress och kan därför inte "
        "logga in dig här. Logga in med ditt lösenord eller fråga din IT-support."
    ]


def test_a_login_held_in_another_organisation_is_never_taken_over(
    client, org, other_org, connected, provider, outsider, django_capture_on_commit_callbacks
):
    """Örebro's provider says it is the other organisation's HR: not linked, not signed in."""
    PersonFactory(organisation=org, email="hr@vastmanland.test")
    before = User.objects.values().get(pk=outsider.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = fake.sign_in(
            client, org, provider,
            claims={"email": "hr@vastmanland.test", "email_verified": True},
        )  # fmt: skip

    assert _user_id(client) is None
    assert User.objects.values().get(pk=outsider.pk) == before
    assert Person.objects.filter(user=outsider).count() == 0
    assert fake.messages_of(response) == [
        "Det finns redan en inloggning med din e-postadress. Vi har skickat en länk till den "
        "adressen: öppna den för att koppla inloggningen till Örebro kommun och logga sedan in "
        "igen."
    ]
    assert [m.to for m in mail.outbox] == [["hr@vastmanland.test"]]
    assert LoginConfirmation.objects.get().user == outsider


def test_someone_the_organisation_does_not_know_is_refused(client, org, connected, provider):
    response = fake.sign_in(client, org, provider, claims=VERIFIED)

    assert _user_id(client) is None
    assert fake.messages_of(response) == [
        "Inloggningen hos Örebro kommun lyckades, men Örebro kommun har inte registrerat dig i "
        "den här tjänsten. Fråga din HR-samordnare."
    ]


def test_a_superuser_is_never_signed_in_by_an_organisation(client, org, connected, provider):
    root = UserFactory(email="root@svc.test", is_staff=True, is_superuser=True)
    MembershipFactory(user=root, organisation=org, role=Role.HR)

    fake.sign_in(client, org, provider, claims={"email": "root@svc.test", "email_verified": True})

    assert _user_id(client) is None


def test_employee_number_matching_needs_no_e_mail_claim(client, org, provider):
    fake.connect(org, match_on=IdentityProvider.MatchOn.EMPLOYEE_NUMBER)
    person = PersonFactory(organisation=org, employee_number="E1001", email="anna@orebro.test")

    fake.sign_in(client, org, provider, claims={"employee_number": "E1001"})

    person.refresh_from_db()
    assert _user_id(client) == str(person.user_id)
    assert person.user.email == "anna@orebro.test"


def test_employee_number_matching_does_not_link_an_existing_login_by_itself(
    client, org, provider, hr_user
):
    fake.connect(org, match_on=IdentityProvider.MatchOn.EMPLOYEE_NUMBER)
    stranger = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, employee_number="E1001", email="anna@orebro.test")

    fake.sign_in(client, org, provider, claims={"employee_number": "E1001"})

    person.refresh_from_db()
    assert (person.user_id, _user_id(client)) == (None, None)
    assert LoginConfirmation.objects.get().user == stranger


# --- Tampered or stray answers ---------------------------------------------------------------


REFUSALS = {
    "bad signature": (
        lambda p, nonce: p.id_token(
            nonce=nonce, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ),
        "Signaturen på svaret från inloggningen är inte giltig.",
    ),
    "unknown key id": (
        lambda p, nonce: p.id_token(nonce=nonce, kid="key-2"),
        "Signaturen på svaret från inloggningen är inte giltig.",
    ),
    "wrong audience": (
        lambda p, nonce: p.id_token(nonce=nonce, aud="another-service"),
        "Svaret från inloggningen var avsett för en annan tjänst.",
    ),
    "expired": (
        lambda p, nonce: p.id_token(nonce=nonce, iat=1_000_000_000, exp=1_000_000_300),
        "Svaret från inloggningen hade gått ut. Logga in igen.",
    ),
    "nonce of another sign-in (replayed token)": (
        lambda p, nonce: p.id_token(nonce="an-old-nonce"),
        "Svaret från inloggningen hör till ett annat inloggningsförsök. Logga in igen.",
    ),
    "wrong issuer": (
        lambda p, nonce: p.id_token(nonce=nonce, iss="https://evil.example.test"),
        "Svaret från inloggningen kom från en annan identitetsleverantör än den som är inställd.",
    ),
    "no expiry": (
        lambda p, nonce: p.id_token(nonce=nonce, exp=None),
        "Svaret från inloggningen var ingen giltig token.",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_tampered_token_is_refused_with_a_clear_message(client, org, connected, provider, case):
    token, message = REFUSALS[case]
    person = PersonFactory(organisation=org, email="anna.berg@orebro.test")

    response = fake.sign_in(
        client, org, provider, claims=VERIFIED, token=lambda nonce: token(provider, nonce)
    )

    assert _user_id(client) is None
    person.refresh_from_db()
    assert person.user_id is None
    assert response.redirect_chain[-1][0] == reverse("organisation_login", kwargs={"org": org.slug})
    assert fake.messages_of(response) == [message]


def test_a_callback_is_answered_once(client, org, connected, provider):
    PersonFactory(organisation=org, email="anna.berg@orebro.test")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        state, nonce = fake.start(client, org)
        provider.answer(
            mock, id_token=provider.id_token(nonce=nonce), userinfo={"sub": "person-1", **VERIFIED}
        )
        fake.finish(client, state)
        client.logout()
        again = fake.finish(client, state)

    assert _user_id(client) is None
    assert fake.messages_of(again) == [
        "Inloggningen kunde inte slutföras: den startades i ett annat fönster, har redan "
        "använts eller är för gammal. Logga in igen."
    ]


def test_userinfo_for_another_subject_is_refused(client, org, connected, provider):
    PersonFactory(organisation=org, email="anna.berg@orebro.test")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        state, nonce = fake.start(client, org)
        provider.answer(
            mock, id_token=provider.id_token(nonce=nonce), userinfo={"sub": "other", **VERIFIED}
        )
        response = fake.finish(client, state)

    assert _user_id(client) is None
    assert fake.messages_of(response) == ["Svaret från inloggningen var ingen giltig token."]


def test_the_provider_saying_no_is_a_message_not_an_error(client, org, connected, provider):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        state, _nonce = fake.start(client, org)
        response = client.get(
            reverse("oidc_callback"), {"state": state, "error": "access_denied"}, follow=True
        )

    assert fake.messages_of(response) == [
        "Inloggningen hos Örebro kommun avbröts eller nekades. Inget ändrades."
    ]


def test_a_provider_that_does_not_answer_is_a_message(client, org, connected):
    with responses.RequestsMock() as mock:
        mock.get(f"{fake.ISSUER}/.well-known/openid-configuration", status=503)
        response = client.get(reverse("oidc_start", kwargs={"org": org.slug}), follow=True)

    assert fake.messages_of(response) == [
        "Inloggningen hos Örebro kommun går inte att nå just nu. Identitetsleverantören svarade "
        f"inte på {fake.ISSUER}/.well-known/openid-configuration."
    ]


def test_start_sends_state_nonce_and_pkce(client, org, connected, provider):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        response = client.get(reverse("oidc_start", kwargs={"org": org.slug}))

    location = response["Location"]
    assert location.startswith(f"{fake.ISSUER}/auth?")
    for part in (
        "response_type=code", f"client_id={fake.CLIENT_ID}", "code_challenge_method=S256",
        "scope=openid+email+profile+employee", "redirect_uri=http%3A%2F%2Ftestserver%2Flogga-in"
        "%2Foidc%2Fklar%2F",
    ):  # fmt: skip
        assert part in location


# --- What the sign-in opens -------------------------------------------------------------------


def test_sign_in_through_one_organisation_opens_only_that_organisation(
    client, org, other_org, connected, provider
):
    """A consultant for two organisations, signed in by Örebro's provider, reaches Örebro only."""
    user = UserFactory(email="konsult@konsult.test")
    ConsultantFactory(user=user, email=user.email, organisations=[org, other_org])

    fake.sign_in(client, org, provider, claims={"email": user.email, "email_verified": True})

    ours = client.get(reverse("svc:process_leader_start", kwargs={"org": org.slug}))
    theirs = client.get(reverse("svc:process_leader_start", kwargs={"org": other_org.slug}))
    assert ours.status_code == 200
    assert theirs.status_code == 302
    assert theirs["Location"] == (
        reverse("organisation_login", kwargs={"org": other_org.slug})
        + "?next=%2Fo%2Fvastmanland%2Fprocessledare%2F"
    )


def test_with_password_login_off_a_password_session_must_sign_in_again(client, org, hr_user):
    fake.connect(org, password_login=False)
    client.force_login(hr_user)

    response = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisation_login", kwargs={"org": org.slug}))


def test_with_password_login_off_the_password_form_says_what_to_use(client, org, hr_user):
    fake.connect(org, password_login=False)

    response = client.post(
        reverse("login"), {"username": "hr@orebro.test", "password": "correct-horse-battery"}
    )

    assert _user_id(client) is None
    assert response.context["form"].non_field_errors() == [
        "Örebro kommun loggar bara in sina användare med sin egen inloggning. Använd knappen "
        "”Logga in med Örebro kommun” på dess inloggningssida."
    ]


def test_login_page_offers_the_organisation_a_page_of_it_asked_for(client, org, connected):
    page = client.get(reverse("login"), {"next": "/o/orebro/hr/"}).content.decode()

    start = reverse("oidc_start", kwargs={"org": "orebro"})
    assert f'href="{start}?next=/o/orebro/hr/"' in page
    assert "Logga in med Örebro kommun" in page


def test_logout_ends_the_providers_session_too(client, org, connected, provider, hr_user):
    fake.sign_in(client, org, provider, claims={"email": hr_user.email, "email_verified": True})

    response = client.post(reverse("logout"))

    assert _user_id(client) is None
    location = response["Location"]
    assert location.startswith(f"{fake.ISSUER}/session/end?id_token_hint=")
    assert f"client_id={fake.CLIENT_ID}" in location
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogga-in%2F" in location


def test_pages_of_a_provider_session_let_the_logout_form_reach_the_provider(
    client, org, connected, provider, hr_user
):
    fake.sign_in(client, org, provider, claims={"email": hr_user.email, "email_verified": True})

    response = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://login.example.test" in policy


# --- HR sets it up ----------------------------------------------------------------------------


def _settings_url(org):
    return reverse("participants:identity_provider", kwargs={"org": org.slug})


def test_hr_connects_the_provider_after_its_discovery_document_checks_out(
    client, org, hr_user, provider
):
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": fake.ISSUER, "client_id": "abc", "client_secret": "s3cret",
        "match_on": "email", "employee_number_claim": "employee_number",
        "scopes": "openid  email", "password_login": "on",
    }  # fmt: skip
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        response = client.post(_settings_url(org), data, follow=True)

    saved = IdentityProvider.objects.get(organisation=org)
    assert (saved.enabled, saved.issuer, saved.client_id, saved.client_secret, saved.scopes) == (
        True, fake.ISSUER, "abc", "s3cret", "openid email",
    )  # fmt: skip
    page = response.content.decode()
    assert "Inställningarna för inloggning sparades." in page
    assert "s3cret" not in page
    assert "http://testserver/logga-in/oidc/klar/" in page


def test_hr_keeps_the_secret_by_leaving_it_empty(client, org, hr_user, provider):
    fake.connect(org)
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": fake.ISSUER, "client_id": fake.CLIENT_ID, "client_secret": "",
        "match_on": "email", "employee_number_claim": "employee_number",
        "scopes": "openid email", "password_login": "on",
    }  # fmt: skip
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        client.post(_settings_url(org), data)

    saved = IdentityProvider.objects.get(organisation=org)
    assert (saved.scopes, saved.client_secret) == ("openid email", fake.CLIENT_SECRET)


def test_a_new_client_id_or_issuer_needs_the_secret_again(client, org, hr_user, provider):
    """The saved secret never goes to a provider or client it was not saved for."""
    fake.connect(org)
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": fake.ISSUER, "client_id": "new-id", "client_secret": "",
        "match_on": "email", "employee_number_claim": "employee_number",
        "scopes": "openid email", "password_login": "on",
    }  # fmt: skip
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        response = client.post(_settings_url(org), data)

    assert response.context["form"].errors == {
        "client_secret": ["Fyll i klienthemligheten från leverantören."]
    }
    assert IdentityProvider.objects.get(organisation=org).client_id == fake.CLIENT_ID


def test_a_wrong_issuer_is_refused_on_the_field_and_nothing_is_lost(client, org, hr_user, provider):
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": "https://login.example.test/other", "client_id": "abc",
        "client_secret": "s3cret", "match_on": "email",
        "employee_number_claim": "employee_number", "scopes": "openid", "password_login": "",
    }  # fmt: skip
    with responses.RequestsMock() as mock:
        mock.get(
            "https://login.example.test/other/.well-known/openid-configuration",
            json=provider.metadata(),
        )
        response = client.post(_settings_url(org), data)

    form = response.context["form"]
    assert form.errors == {
        "issuer": [
            "Identitetsleverantören på https://login.example.test/other/.well-known/"
            "openid-configuration kallar sig inte https://login.example.test/other."
        ],
    }
    assert form["client_id"].value() == "abc"
    assert not IdentityProvider.objects.exists()
    org.refresh_from_db()
    assert org.password_login is True


def test_password_login_cannot_be_turned_off_without_the_organisations_sign_in(
    client, org, hr_user
):
    client.force_login(hr_user)
    data = {
        "issuer": fake.ISSUER, "client_id": "abc", "client_secret": "s3cret", "match_on": "email",
        "employee_number_claim": "employee_number", "scopes": "openid",
    }  # fmt: skip

    response = client.post(_settings_url(org), data)

    assert response.context["form"].errors == {
        "password_login": [
            "Slå på organisationens egen inloggning innan du stänger av ”Tillåt inloggning med "
            "e-postadress och lösenord”."
        ]
    }


def test_plain_http_issuers_are_refused_outside_this_machine(client, org, hr_user, settings):
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": "http://login.example.test", "client_id": "abc",
        "client_secret": "s3cret", "match_on": "email",
        "employee_number_claim": "employee_number", "scopes": "openid", "password_login": "on",
    }  # fmt: skip

    response = client.post(_settings_url(org), data)

    assert response.context["form"].errors == {
        "issuer": ["Utfärdaren måste ha en https://-adress."]
    }


def test_hr_start_page_links_the_sign_in_settings(client, org, hr_user):
    client.force_login(hr_user)

    page = client.get(reverse("svc:hr_start", kwargs={"org": org.slug})).content.decode()

    assert f'href="{_settings_url(org)}"' in page


# --- What a provider's word does not prove (review findings) ----------------------------------


def test_a_login_that_holds_nothing_is_not_linked_by_the_providers_word(
    client, org, connected, provider, django_capture_on_commit_callbacks
):
    dormant = UserFactory(email="anna.berg@orebro.test")
    person = PersonFactory(organisation=org, email="anna.berg@orebro.test")

    with django_capture_on_commit_callbacks(execute=True):
        fake.sign_in(client, org, provider, claims=VERIFIED)

    person.refresh_from_db()
    assert (person.user_id, _user_id(client)) == (None, None)
    assert LoginConfirmation.objects.get().user == dormant
    assert [m.to for m in mail.outbox] == [["anna.berg@orebro.test"]]


def test_a_provider_session_confirms_nothing_for_the_login(
    client, org, other_org, connected, provider
):
    """The provider vouches for people of its organisation, not for control of an address."""
    user = UserFactory(email="anna.berg@orebro.test")
    PersonFactory(organisation=org, user=user, email=user.email)
    theirs = PersonFactory(organisation=other_org, email=user.email)
    from participants.accounts import send_login_links

    send_login_links(people=[theirs])
    confirmation = LoginConfirmation.objects.get()
    fake.sign_in(client, org, provider, claims=VERIFIED)

    home = client.get(reverse("home")).content.decode()
    response = client.post(
        reverse("confirm_login_here", kwargs={"pk": confirmation.pk}), follow=True
    )

    assert "Region Västmanland" not in home
    theirs.refresh_from_db()
    assert theirs.user_id is None
    assert fake.messages_of(response) == [
        "Logga in med ditt lösenord för att ändra inloggningens adress."
    ]


def test_a_provider_session_may_add_the_password(client, org, other_org, connected, provider):
    user = UserFactory(email="anna.berg@orebro.test")
    PersonFactory(organisation=org, user=user, email=user.email)
    fake.sign_in(client, org, provider, claims=VERIFIED)

    response = client.post(
        reverse("login"), {"username": user.email, "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    from participants.signin import SESSION_KEY

    assert client.session[SESSION_KEY]["password"] is True
    assert client.session[SESSION_KEY]["organisations"] == [org.pk]


def test_an_issuer_inside_our_network_is_refused(client, org, hr_user, monkeypatch):
    import socket

    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: (
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))]
            if host == "intranet.example.test"
            else real(host, *a, **k)
        ),
    )
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": "https://intranet.example.test", "client_id": "abc",
        "client_secret": "s3cret", "match_on": "email",
        "employee_number_claim": "employee_number", "scopes": "openid", "password_login": "on",
    }  # fmt: skip

    with responses.RequestsMock() as mock:  # any request would fail the test
        response = client.post(_settings_url(org), data)
        assert len(mock.calls) == 0

    assert response.context["form"].errors == {
        "issuer": ["Utfärdaren måste ha en https://-adress."]
    }


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://login.example.test; script-src * 'unsafe-inline'/end",
        "http://login.example.test/end",
        "https://user:pass@login.example.test/end",
    ],
)
def test_a_discovery_document_with_a_bad_endpoint_is_refused(
    client, org, hr_user, provider, endpoint
):
    client.force_login(hr_user)
    metadata = {**provider.metadata(), "end_session_endpoint": endpoint}
    data = {
        "enabled": "on", "issuer": fake.ISSUER, "client_id": "abc", "client_secret": "s3cret",
        "match_on": "email", "employee_number_claim": "employee_number", "scopes": "openid",
        "password_login": "on",
    }  # fmt: skip
    with responses.RequestsMock() as mock:
        mock.get(f"{fake.ISSUER}/.well-known/openid-configuration", json=metadata)
        response = client.post(_settings_url(org), data)

    assert response.context["form"].errors == {
        "issuer": [
            "Leverantörens beskrivning (discovery document) anger adresser som inte är "
            "tillåtna: end_session_endpoint."
        ]
    }


def test_discovery_does_not_follow_redirects(client, org, hr_user):
    client.force_login(hr_user)
    data = {
        "enabled": "on", "issuer": fake.ISSUER, "client_id": "abc", "client_secret": "s3cret",
        "match_on": "email", "employee_number_claim": "employee_number", "scopes": "openid",
        "password_login": "on",
    }  # fmt: skip
    with responses.RequestsMock() as mock:
        mock.get(
            f"{fake.ISSUER}/.well-known/openid-configuration",
            status=302,
            headers={"Location": "http://169.254.169.254/latest/meta-data/"},
        )
        response = client.post(_settings_url(org), data)
        assert [c.request.url for c in mock.calls] == [
            f"{fake.ISSUER}/.well-known/openid-configuration"
        ]

    assert list(response.context["form"].errors) == ["issuer"]


def test_an_answer_naming_another_issuer_is_refused(client, org, connected, provider):
    PersonFactory(organisation=org, email="anna.berg@orebro.test")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        state, _nonce = fake.start(client, org)
        response = client.get(
            reverse("oidc_callback"),
            {"state": state, "code": "c", "iss": "https://evil.example.test"},
            follow=True,
        )

    assert _user_id(client) is None
    assert fake.messages_of(response) == [
        "Svaret från inloggningen kom från en annan identitetsleverantör än den som är inställd."
    ]


def test_a_sign_in_started_long_ago_is_not_finished(client, org, connected, provider):
    PersonFactory(organisation=org, email="anna.berg@orebro.test")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        provider.install(mock)
        state, nonce = fake.start(client, org)
        session = client.session
        session["oidc_states"][state]["added_on"] -= 16 * 60
        session.save()
        provider.answer(
            mock, id_token=provider.id_token(nonce=nonce), userinfo={"sub": "person-1", **VERIFIED}
        )
        fake.finish(client, state)

    assert _user_id(client) is None


def test_several_audiences_need_us_as_the_authorised_party(client, org, connected, provider):
    PersonFactory(organisation=org, email="anna.berg@orebro.test")

    fake.sign_in(
        client, org, provider, claims=VERIFIED,
        token=lambda nonce: provider.id_token(nonce=nonce, aud=[fake.CLIENT_ID, "other"]),
    )  # fmt: skip

    assert _user_id(client) is None
