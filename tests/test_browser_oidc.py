"""Signing in with the municipality's own identity provider, end to end, in Chromium.

The provider is real: panva's oidc-provider (certified OpenID Connect), which
`make test` starts on loopback (scripts/oidc-provider). Each test registers
this live server as a client through the provider's dynamic registration.
axe checks every page, the provider's own pages included.
"""

import os

import pytest
import requests
from playwright.sync_api import expect

from participants.models import IdentityProvider, Person, Role
from participants.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDP_PASSWORD = "idp-password-1"  # scripts/oidc-provider/accounts.json


@pytest.fixture
def issuer():
    url = os.environ.get("OIDC_TEST_ISSUER")
    if not url:
        pytest.fail("The sign-in tests need the OpenID provider of `make test` (OIDC_TEST_ISSUER).")
    return url


@pytest.fixture
def connected(org, live_server, issuer):
    """Örebro's sign-in, registered with the provider as HR would, password login off."""
    registration = requests.post(
        f"{issuer}/reg",
        json={
            "client_name": "Sveriges viktigaste chefsjobb",
            "redirect_uris": [f"{live_server.url}/logga-in/oidc/klar/"],
            "post_logout_redirect_uris": [f"{live_server.url}/logga-in/"],
            "token_endpoint_auth_method": "client_secret_post",
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        },
        timeout=10,
    )
    registration.raise_for_status()
    client = registration.json()
    org.password_login = False
    org.save(update_fields=["password_login"])
    return IdentityProvider.objects.create(
        organisation=org,
        enabled=True,
        issuer=issuer,
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        scopes="openid email profile",
    )


def _sign_in_at_provider(page, axe, email, evidence):
    expect(page.get_by_role("heading", level=1)).to_have_text("Testkommunens inloggning")
    axe(page, context="the provider's login page")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    evidence["oidc_sign_ins"] += 1


def test_hr_signs_in_with_the_municipalitys_provider_and_out_again(
    page, live_server, axe, org, make_member, connected, evidence
):
    make_member(Role.HR, org, email="hr@orebro.test")

    page.goto(f"{live_server.url}/o/orebro/hr/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    axe(page, context="login page with the organisation's button")
    page.get_by_role("link", name="Logga in med Örebro kommun").click()
    _sign_in_at_provider(page, axe, "hr@orebro.test", evidence)

    expect(page.get_by_role("heading", level=1)).to_have_text("Programadministration")
    assert page.url == f"{live_server.url}/o/orebro/hr/"
    axe(page, context="HR start page after the provider's sign-in")

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Vill du logga ut?")).to_be_visible()
    axe(page, context="the provider's logout page")
    page.get_by_role("button", name="Logga ut").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    assert page.url.startswith(f"{live_server.url}/logga-in/")
    axe(page, context="login page after logging out at both")
    # The provider's session ended too: signing in again asks for the password.
    page.goto(f"{live_server.url}/o/orebro/logga-in/")
    page.get_by_role("link", name="Logga in med Örebro kommun").click()
    expect(page.get_by_label("Lösenord")).to_be_visible()


def test_a_manager_without_a_login_gets_one_by_signing_in(
    page, live_server, axe, org, connected, evidence
):
    boss = PersonFactory(organisation=org, email="chef@orebro.test", first_name="Cecilia")
    PersonFactory(organisation=org, line_manager=boss)

    page.goto(f"{live_server.url}/o/orebro/logga-in/")
    axe(page, context="the organisation's login page, password login off")
    expect(page.get_by_label("Lösenord")).to_have_count(0)
    page.get_by_role("link", name="Logga in med Örebro kommun").click()
    _sign_in_at_provider(page, axe, "chef@orebro.test", evidence)

    expect(page.get_by_role("heading", level=1)).to_have_text("Mina medarbetare i programmet")
    axe(page, context="line manager's start page")
    assert Person.objects.get(pk=boss.pk).user.email == "chef@orebro.test"


def test_the_provider_vouching_for_another_organisations_hr_is_refused(
    page, live_server, axe, org, make_member, other_org, connected, evidence
):
    outsider = make_member(Role.HR, other_org, email="hr@vastmanland.test")
    PersonFactory(organisation=org, email="hr@vastmanland.test")

    page.goto(f"{live_server.url}/o/orebro/logga-in/")
    page.get_by_role("link", name="Logga in med Örebro kommun").click()
    _sign_in_at_provider(page, axe, "hr@vastmanland.test", evidence)

    expect(page.get_by_role("status")).to_contain_text(
        "Det finns redan en inloggning med din e-postadress."
    )
    axe(page, context="refused sign-in")
    outsider.refresh_from_db()
    assert Person.objects.filter(user=outsider).count() == 0


def test_an_unverified_address_is_refused_in_plain_swedish(
    page, live_server, axe, org, connected, evidence
):
    PersonFactory(organisation=org, email="overifierad@orebro.test")

    page.goto(f"{live_server.url}/o/orebro/logga-in/")
    page.get_by_role("link", name="Logga in med Örebro kommun").click()
    _sign_in_at_provider(page, axe, "overifierad@orebro.test", evidence)

    expect(page.get_by_role("status")).to_contain_text(
        "Din organisations inloggning har inte bekräftat din e-postadress"
    )
    axe(page, context="unverified address")


def test_hr_sets_up_the_sign_in_in_the_app(page, live_server, axe, org, hr_user, login_as):
    login_as(page, hr_user)
    page.goto(f"{live_server.url}/o/orebro/hr/")
    page.get_by_role("link", name="Inloggning: organisationens egen identitetsleverantör").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggning")
    expect(page.get_by_text(f"{live_server.url}/logga-in/oidc/klar/")).to_be_visible()
    axe(page, context="sign-in settings")
    page.get_by_label("Använd organisationens egen inloggning").check()
    page.get_by_label("Tillåt inloggning med e-postadress och lösenord").uncheck()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe(page, context="sign-in settings with errors")
