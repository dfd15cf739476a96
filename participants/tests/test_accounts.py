"""Logins for people from the HR data: created on demand, activated with a personal link."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from participants.accounts import ensure_login, send_login_links
from participants.models import LoginConfirmation, User
from participants.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://127\.0\.0\.1:8000(/aktivera/[^/\s]+/[^/\s]+/)")


def _link_from(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_send_login_links_creates_missing_logins_and_mails_a_personal_link(org):
    person = PersonFactory(organisation=org, email="Anna.Ek@Orebro.se", first_name="Anna")

    count = send_login_links(people=[person])

    person.refresh_from_db()
    assert count == 1
    assert person.user.email == "anna.ek@orebro.se"
    assert person.user.has_usable_password() is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna.ek@orebro.se"]
    assert message.subject == "Din inloggning till Sveriges viktigaste chefsjobb"
    assert "Länken fungerar en gång och i 7 dagar." in message.body
    assert message.alternatives[0][1] == "text/html"
    assert _link_from(message) in message.alternatives[0][0]


def test_an_existing_login_is_not_linked_but_asked_to_confirm_regardless_of_case(org):
    user = UserFactory(email="bo@orebro.se")
    person = PersonFactory(organisation=org, email="BO@orebro.se")

    assert ensure_login(person=person) is None
    assert send_login_links(people=[person]) == 1

    person.refresh_from_db()
    assert person.user_id is None
    assert User.objects.filter(email__iexact="bo@orebro.se").count() == 1
    confirmation = LoginConfirmation.objects.get()
    assert (confirmation.kind, confirmation.user, confirmation.person) == (
        "link_person", user, person
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["bo@orebro.se"]]
    assert mail.outbox[0].subject == "Bekräfta din inloggning till Örebro kommun"


def test_people_without_email_or_no_longer_active_get_no_login(org):
    no_email = PersonFactory(organisation=org, email="")
    gone = PersonFactory(organisation=org, email="gone@orebro.se", active=False)

    assert send_login_links(people=[no_email, gone]) == 0
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_activation_link_sets_the_password_logs_in_and_works_only_once(client, org):
    person = PersonFactory(organisation=org, email="cia@orebro.se")
    send_login_links(people=[person])
    link = _link_from(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert "<h1>Välj ditt lösenord</h1>" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "ett-långt-lösenord-2015", "new_password2": "ett-långt-lösenord-2015"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(person.user_id)
    person.user.refresh_from_db()
    assert person.user.check_password("ett-långt-lösenord-2015")

    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "<h1>Länken fungerar inte</h1>" in again
    assert "Länken har redan använts eller är äldre än 7 dagar." in again


def test_activation_link_older_than_seven_days_is_refused(client, org):
    person = PersonFactory(organisation=org, email="dan@orebro.se")
    send_login_links(people=[person])
    link = _link_from(mail.outbox[0])

    later = dt.datetime.now() + dt.timedelta(days=7, minutes=1)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        page = client.get(link, follow=True).content.decode()

    assert "<h1>Länken fungerar inte</h1>" in page


def test_activation_of_a_deactivated_login_is_refused(client, org):
    person = PersonFactory(organisation=org, email="eva@orebro.se")
    send_login_links(people=[person])
    link = _link_from(mail.outbox[0])
    User.objects.filter(pk=person.user_id).update(is_active=False)

    page = client.get(link, follow=True).content.decode()

    assert "<h1>Länken fungerar inte</h1>" in page


def test_forgot_password_mails_a_link_to_a_known_address_only(client, org):
    UserFactory(email="fia@orebro.se")

    known = client.post(reverse("forgot_password"), {"email": "FIA@orebro.se"})
    unknown = client.post(reverse("forgot_password"), {"email": "okand@orebro.se"})

    assert known["Location"] == unknown["Location"] == reverse("forgot_password_sent")
    assert [m.to for m in mail.outbox] == [["fia@orebro.se"]]


def test_forgot_password_with_a_bad_address_shows_the_error_summary(client, db):
    page = client.post(reverse("forgot_password"), {"email": "inte en adress"}).content.decode()

    assert '<a class="alert-link" href="#id_email">Fyll i en giltig e-postadress.</a>' in page
    assert mail.outbox == []
