"""Behind reverse proxies: the real client's address for the lockout and the rate limits;
and "Forgot your password?" limited, and telling nothing by what it does."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.client_ip import client_ip
from core.models import OutboxTask

pytestmark = pytest.mark.django_db

LOGIN_URL = "/logga-in/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def _request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy trusted: the header is the client's own words
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer hops than proxies: misconfigured
        (1, "not-an-address", "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "6.6.6.6, 203.0.113.7:5678", "203.0.113.7"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_client_address_is_the_entry_the_trusted_proxies_wrote(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(forwarded=forwarded)) == expected


def _login(client, email, password, address):
    return client.post(
        LOGIN_URL,
        {"username": email, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_a_proxy_bad_passwords_from_one_client_lock_only_that_client(
    client, hr_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "hr@orebro.test", f"fel-{attempt}", "198.51.100.66")

    attacker = _login(client, "hr@orebro.test", "correct-horse-battery", "198.51.100.66")
    colleague = _login(client, "hr@orebro.test", "correct-horse-battery", "203.0.113.7")

    assert attacker.status_code == 429
    assert colleague.status_code == 302
    assert client.session["_auth_user_id"] == str(hr_user.pk)


def _forgot(client, email, address="203.0.113.7"):
    return client.post(
        reverse("forgot_password"),
        {"email": email},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_forgot_password_is_limited_per_client_address(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORGOT_PASSWORD_RATE_PER_IP = "2/h"

    answers = [_forgot(client, f"person{i}@orebro.test").status_code for i in range(3)]
    elsewhere = _forgot(client, "person9@orebro.test", address="198.51.100.1")

    assert answers == [302, 302, 429]
    assert elsewhere.status_code == 302
    page = _forgot(client, "x@orebro.test").content.decode()
    assert "<h1>För många försök</h1>" in page
    assert OutboxTask.objects.count() == 3


def test_forgot_password_is_limited_per_address_without_saying_so(client, db, settings):
    settings.FORGOT_PASSWORD_RATE_PER_EMAIL = "2/h"

    answers = [
        _forgot(client, "Anna@orebro.test", address=f"198.51.100.{i}")["Location"] for i in range(4)
    ]

    assert answers == [reverse("forgot_password_sent")] * 4
    assert OutboxTask.objects.count() == 2


def _normalised(queries) -> list[str]:
    return [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries]


def test_forgot_password_does_the_same_work_for_known_and_unknown_addresses(client, hr_user):
    """Nothing in the answer, its time included, tells whether an address has a login."""
    with CaptureQueriesContext(connection) as known:
        known_answer = _forgot(client, "hr@orebro.test")
    with CaptureQueriesContext(connection) as unknown:
        unknown_answer = _forgot(client, "okand@orebro.test")

    assert known_answer["Location"] == unknown_answer["Location"]
    assert _normalised(known.captured_queries) == _normalised(unknown.captured_queries)
    assert list(OutboxTask.objects.order_by("created_at").values_list("task_name", "kwargs")) == [
        ("participants.send_login_link_to_address", {"email": "hr@orebro.test"}),
        ("participants.send_login_link_to_address", {"email": "okand@orebro.test"}),
    ]


def test_the_link_goes_only_to_a_known_active_address(client, hr_user, mailoutbox):
    from participants.accounts import send_login_link_to_address

    send_login_link_to_address(email="HR@orebro.test")
    send_login_link_to_address(email="okand@orebro.test")

    assert [m.to for m in mailoutbox] == [["hr@orebro.test"]]


@pytest.mark.worker
def test_forgot_password_works_with_the_rate_limit_store_down(client, db, settings, redis_stopped):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
        },
    }

    response = _forgot(client, "hr@orebro.test")

    assert response["Location"] == reverse("forgot_password_sent")
    assert OutboxTask.objects.get().state == OutboxTask.State.PENDING


def test_ipv6_clients_are_limited_per_64_network(settings):
    from core.client_ip import ratelimit_ip

    settings.TRUSTED_PROXY_COUNT = 1
    one = ratelimit_ip("g", _request(forwarded="2001:db8:1:2:aaaa::1"))
    other = ratelimit_ip("g", _request(forwarded="2001:db8:1:2:bbbb::9"))

    assert one == other == "2001:db8:1:2::/64"
