"""Where the privacy notice is linked: the activation e-mail, and the first start page after
a login's first sign-in."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from core.tests.html import parse
from participants.accounts import login_link_message, send_login_links
from participants.models import Role
from participants.tests import oidc_fakes as fake
from participants.tests.factories import MembershipFactory, PersonFactory
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://127\.0\.0\.1:8000(/aktivera/[^/\s]+/[^/\s]+/)")
WELCOME = (
    "Innan du börjar kan du läsa hur Örebro kommun behandlar dina personuppgifter: "
    "dataskyddsinformationen"
)


def test_activation_email_links_the_organisations_privacy_notice(org):
    person = PersonFactory(organisation=org, email="anna.ek@orebro.se")

    send_login_links(people=[person])

    message = mail.outbox[0]
    line = (
        "Så behandlar Örebro kommun dina personuppgifter: http://127.0.0.1:8000/o/orebro/dataskydd/"
    )
    assert line in message.body.splitlines()
    html = message.alternatives[0][0]
    assert (
        "<p>Så behandlar Örebro kommun dina personuppgifter: "
        '<a href="http://127.0.0.1:8000/o/orebro/dataskydd/">'
        "http://127.0.0.1:8000/o/orebro/dataskydd/</a></p>"
    ) in html


def test_activation_email_of_a_login_in_two_organisations_links_both_notices(org, other_org):
    person = PersonFactory(organisation=org, email="bo@orebro.se")
    send_login_links(people=[person])
    MembershipFactory(user=person.user, organisation=other_org, role=Role.STEERING)
    mail.outbox.clear()

    message = login_link_message(user=person.user, base_url="https://svc.example.se/")

    assert [line for line in message.body.splitlines() if line.startswith("Så behandlar")] == [
        "Så behandlar Region Västmanland dina personuppgifter: "
        "https://svc.example.se/o/vastmanland/dataskydd/",
        "Så behandlar Örebro kommun dina personuppgifter: https://svc.example.se/o/orebro/dataskydd/",
    ]


def _messages(response) -> list[str]:
    return parse(response).texts(".messages .alert")


def test_first_login_with_a_password_shows_the_notice_once(client, org, hr_user):
    assert hr_user.last_login is None

    response = client.post(
        reverse("login"), {"username": "hr@orebro.test", "password": "correct-horse-battery"}
    )
    first = client.get(response["Location"], follow=True)

    start = reverse("svc:hr_start", kwargs={"org": org.slug})
    assert first.redirect_chain[-1][0] == start
    assert _messages(first) == [WELCOME]
    assert parse(first).one(".messages a").get("href") == reverse(
        "statements:privacy_notice", kwargs={"org": org.slug}
    )
    assert _messages(client.get(start)) == []


def test_a_later_login_shows_no_notice(client, org, hr_user):
    credentials = {"username": "hr@orebro.test", "password": "correct-horse-battery"}
    client.post(reverse("login"), credentials)
    client.post(reverse("logout"))

    client.post(reverse("login"), credentials)
    later = client.get(reverse("home"), follow=True)

    assert later.redirect_chain[-1][0] == reverse("svc:hr_start", kwargs={"org": org.slug})
    assert _messages(later) == []


def test_activation_is_a_first_login_and_the_participants_start_page_shows_the_notice(client, org):
    person = PersonFactory(organisation=org, email="cia@orebro.se")
    EnrollmentFactory(person=person)
    send_login_links(people=[person])
    link = LINK.search(mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "ett-långt-lösenord-2015", "new_password2": "ett-långt-lösenord-2015"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "svc:participant_start", kwargs={"org": org.slug}
    )
    assert _messages(response) == ["Ditt lösenord är sparat. Välkommen!", WELCOME]


def test_first_sign_in_through_the_organisations_provider_shows_the_notice(
    client, org, monkeypatch
):
    fake.public_dns(monkeypatch)
    cache.clear()
    fake.connect(org)
    provider = fake.FakeProvider()
    person = PersonFactory(organisation=org, email="anna.berg@orebro.test")
    PersonFactory(organisation=org, line_manager=person)
    claims = {"email": "anna.berg@orebro.test", "email_verified": True}

    first = fake.sign_in(client, org, provider, claims=claims)
    client.post(reverse("logout"))
    again = fake.sign_in(client, org, provider, claims=claims)

    start = reverse("svc:line_manager_start", kwargs={"org": org.slug})
    assert (first.redirect_chain[-1][0], _messages(first)) == (start, [WELCOME])
    assert (again.redirect_chain[-1][0], _messages(again)) == (start, [])
    cache.clear()
