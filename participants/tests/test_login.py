"""Logging in with e-mail and password, lockout after failed tries, session timeout."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from participants.models import Role

LOGIN_URL = "/logga-in/"


def _post_login(client, email, password):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_with_email_and_password_reaches_the_role_start_page(client, hr_user, org):
    response = _post_login(client, "hr@orebro.test", "correct-horse-battery")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    follow = client.get(response["Location"])
    assert follow["Location"] == reverse("svc:hr_start", kwargs={"org": org.slug})


def test_login_email_is_case_insensitive(client, hr_user):
    response = _post_login(client, "  HR@Orebro.TEST ", "correct-horse-battery")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(hr_user.pk)


def test_login_wrong_password_shows_swedish_error_and_keeps_email(client, hr_user):
    response = _post_login(client, "hr@orebro.test", "wrong")

    assert response.status_code == 200
    page = response.content.decode()
    assert "E-postadressen eller lösenordet är fel. Kontrollera båda och försök igen." in page
    assert 'value="hr@orebro.test"' in page
    assert (
        "<li>E-postadressen eller lösenordet är fel. Kontrollera båda och försök igen.</li>" in page
    )


def test_login_field_error_is_linked_from_the_summary_and_described_on_the_field(client, db):
    response = client.post(LOGIN_URL, {"username": "inte-en-adress", "password": "x"})

    page = response.content.decode()
    assert "data-error-summary" in page
    assert '<a class="alert-link" href="#id_username">Fyll i en giltig e-postadress.</a>' in page
    field = page.split('name="username"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_username_error"' in field
    assert 'id="id_username_error"' in page


def test_ten_failed_logins_lock_the_account_and_refuse_the_right_password(client, hr_user):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _post_login(client, "hr@orebro.test", f"wrong-{attempt}")
        assert response.status_code == 200

    tenth = _post_login(client, "hr@orebro.test", "wrong-last")
    assert tenth.status_code == 429

    right = _post_login(client, "hr@orebro.test", "correct-horse-battery")
    assert right.status_code == 429
    page = right.content.decode()
    assert "Kontot är låst" in page
    assert "För många misslyckade inloggningsförsök." in page
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_and_address(client, hr_user, steering_user):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "hr@orebro.test", f"wrong-{attempt}")

    response = _post_login(client, "styrgrupp@orebro.test", "correct-horse-battery")

    assert response.status_code == 302


def test_inactive_user_cannot_log_in(client, hr_user):
    hr_user.is_active = False
    hr_user.save()

    response = _post_login(client, "hr@orebro.test", "correct-horse-battery")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, hr_user, org):
    client.force_login(hr_user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    after = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN_URL)


def test_session_expires_after_the_idle_timeout(client, hr_user, org, settings):
    client.force_login(hr_user)
    url = reverse("svc:hr_start", kwargs={"org": org.slug})
    assert client.get(url).status_code == 200

    session = client.session
    key = session.session_key
    from django.contrib.sessions.models import Session

    stored = Session.objects.get(session_key=key)
    stored.expire_date = timezone.now() - dt.timedelta(seconds=1)
    stored.save()

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_session_cookie_age_follows_the_idle_setting():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    # Sliding is done by core.middleware.SlidingSessionMiddleware, at most once a minute.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 60


def _stored_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


class Clock:
    """django.utils.timezone.now, held still and moved by hand (the one thing mocked)."""

    def __init__(self, monkeypatch):
        self.start = self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, **after_start):
        self.now = self.start + dt.timedelta(**after_start)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_requests_slide_the_idle_timeout_at_most_once_a_minute(client, hr_user, org, clock):
    """A request 59 s after the last slide writes nothing; at 60 s the session is saved
    again and expires 30 minutes after that request."""
    start = clock.start
    client.force_login(hr_user)
    url = reverse("svc:hr_start", kwargs={"org": org.slug})

    assert client.get(url).status_code == 200
    assert _stored_expiry(client) == start + dt.timedelta(minutes=30)

    clock.set(seconds=59)
    assert client.get(url).status_code == 200
    assert _stored_expiry(client) == start + dt.timedelta(minutes=30)

    clock.set(seconds=60)
    assert client.get(url).status_code == 200
    assert _stored_expiry(client) == start + dt.timedelta(minutes=31)

    # 29 min 59 s after the last slide: still logged in, and the window slides again.
    clock.set(minutes=30, seconds=59)
    assert client.get(url).status_code == 200
    assert _stored_expiry(client) == start + dt.timedelta(minutes=60, seconds=59)


def test_a_session_idle_for_the_timeout_after_its_last_slide_is_logged_out(
    client, hr_user, org, clock
):
    client.force_login(hr_user)
    url = reverse("svc:hr_start", kwargs={"org": org.slug})
    assert client.get(url).status_code == 200

    clock.set(minutes=30, seconds=1)
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.parametrize("role", [Role.HR, Role.STEERING, Role.PROCESS_LEADER])
def test_home_redirects_each_role_to_its_start_page(client, make_member, org, role):
    user = make_member(role, org)
    client.force_login(user)
    expected = {
        Role.HR: "svc:hr_start",
        Role.STEERING: "svc:steering_start",
        Role.PROCESS_LEADER: "svc:process_leader_start",
    }[role]

    response = client.get(reverse("home"))

    assert response["Location"] == reverse(expected, kwargs={"org": org.slug})
