"""A logged-in user's language: chosen with the language button, kept on the login, applied
at every login (password, the organisation's own sign-in, the activation link).

The language cookie stays the visitor's memory in one browser; the browser's
Accept-Language is never read (core/tests/test_i18n.py).
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from participants import accounts
from participants.models import User
from participants.tests import oidc_fakes as fake
from participants.tests.factories import PersonFactory

PASSWORD = "correct-horse-battery"  # UserFactory's


def _lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def _log_in(client, user):
    return client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, follow=True
    )


def _switch(client, language):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_switching_while_logged_in_keeps_the_choice_on_the_login(client, hr_user):
    client.force_login(hr_user)

    response = _switch(client, "en")

    assert response.status_code == 302
    assert User.objects.get(pk=hr_user.pk).language == "en"


def test_switching_as_a_visitor_changes_no_login(client, hr_user):
    _switch(client, "en")

    assert User.objects.get(pk=hr_user.pk).language == ""


def test_the_choice_follows_the_user_to_a_fresh_login_in_a_new_browser(client, hr_user, org):
    _log_in(client, hr_user)
    _switch(client, "en")
    client.post(reverse("logout"))
    assert _lang(client.get(reverse("login"))) == "en"  # this browser's cookie

    browser = Client(HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9")
    assert _lang(browser.get(reverse("login"))) == "sv"
    start = _log_in(browser, hr_user)

    assert start.redirect_chain[-1][0] == reverse("svc:hr_start", kwargs={"org": org.slug})
    assert _lang(start) == "en"
    assert "<h1>Program administration</h1>" in start.content.decode()
    browser.post(reverse("logout"))
    assert _lang(browser.get(reverse("login"))) == "sv"  # the visitor never chose


def test_the_users_choice_goes_before_the_browsers_cookie(client, hr_user, org):
    User.objects.filter(pk=hr_user.pk).update(language="sv")
    _switch(client, "en")  # as a visitor, before logging in

    start = _log_in(client, hr_user)

    assert _lang(start) == "sv"
    client.post(reverse("logout"))
    assert _lang(client.get(reverse("login"))) == "en"


def test_a_user_who_never_chose_follows_the_browsers_cookie(client, hr_user):
    _switch(client, "en")

    start = _log_in(client, hr_user)

    assert _lang(start) == "en"
    assert User.objects.get(pk=hr_user.pk).language == ""


def test_the_organisations_own_sign_in_applies_the_users_language(client, org, monkeypatch):
    fake.public_dns(monkeypatch)
    fake.connect(org)
    person = PersonFactory(organisation=org, email="anna.berg@orebro.test")
    PersonFactory(organisation=org, line_manager=person)
    user = accounts.ensure_login(person=person)
    User.objects.filter(pk=user.pk).update(language="en")

    response = fake.sign_in(
        client,
        org,
        fake.FakeProvider(),
        claims={"email": "anna.berg@orebro.test", "email_verified": True},
    )

    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.redirect_chain[-1][0] == reverse(
        "svc:line_manager_start", kwargs={"org": org.slug}
    )
    assert _lang(response) == "en"


def test_the_activation_link_welcomes_in_the_users_language(client, hr_user):
    User.objects.filter(pk=hr_user.pk).update(language="en")
    link = client.get(accounts.activation_url(user=hr_user))

    response = client.post(
        link["Location"],
        {"new_password1": "a-new-long-password-1", "new_password2": "a-new-long-password-1"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Your password is set. Welcome!",
        # The first sign-in also links the privacy notice (statements/tests/test_privacy_links).
        "Before you start, you can read how Örebro kommun handles your personal data: "
        '<a class="alert-link" href="/o/orebro/dataskydd/">the privacy notice</a>',
    ]
    assert _lang(response) == "en"


def test_only_a_language_of_the_site_is_kept(hr_user):
    with pytest.raises(ValidationError):
        accounts.user_language_set(user=hr_user, language="de")

    assert User.objects.get(pk=hr_user.pk).language == ""
