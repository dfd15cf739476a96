"""The error pages while PostgreSQL or the cache is down: the site's own page, in Swedish, and
nothing in rendering it that needs the database or the cache."""

import socket

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client, RequestFactory, override_settings
from django.utils.functional import SimpleLazyObject

from core.tests import html
from svc.views import error_500

pytestmark = pytest.mark.django_db

SWEDISH_TEXT = [
    "Ett oväntat fel inträffade och har loggats. Försök igen om en stund; kontakta din "
    "HR-samordnare om det händer igen.",
    "Gå till startsidan",
]


class DatabaseDown:
    """Every query fails as it does when PostgreSQL has stopped, except on the tables named
    in ``answering``; the failed attempts are kept."""

    def __init__(self, *answering: str):
        self.answering = answering
        self.attempts: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if any(f'"{table}"' in sql for table in self.answering):
            return execute(sql, params, many, context)
        self.attempts.append(sql)
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.fixture
def cache_down():
    """Every cache at a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    location = f"redis://127.0.0.1:{port}/0"
    backend = "django.core.cache.backends.redis.RedisCache"
    caches = {name: {"BACKEND": backend, "LOCATION": location} for name in settings.CACHES}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture
def logged_in(hr_user):
    client = Client(raise_request_exception=False)
    client.force_login(hr_user)
    return client


def test_logged_in_user_gets_the_swedish_500_page_with_the_database_down(logged_in, cache_down):
    down = DatabaseDown()

    with connection.execute_wrapper(down):
        response = logged_in.get("/")

    assert response.status_code == 500
    assert response["Content-Language"] == "sv"
    page = html.parse(response)
    assert page.one("html").get("lang") == "sv"
    assert page.text("title") == "Något gick fel · Sveriges viktigaste chefsjobb"
    assert page.texts("h1") == ["Något gick fel"]
    assert page.texts("main p") == SWEDISH_TEXT
    # The one attempt was the middleware loading the session; the page tried nothing more.
    assert len(down.attempts) == 1
    assert 'FROM "django_session"' in down.attempts[0]


def test_english_cookie_gives_the_english_500_page_with_the_database_down(logged_in, cache_down):
    logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with connection.execute_wrapper(DatabaseDown()):
        response = logged_in.get("/")

    assert response.status_code == 500
    page = html.parse(response)
    assert page.one("html").get("lang") == "en"
    assert page.texts("h1") == ["Something went wrong"]
    assert page.texts("main p")[0] == (
        "An unexpected error occurred and has been logged. Try again in a moment; if it "
        "happens again, contact your HR coordinator."
    )


def test_database_failing_inside_the_view_gets_the_swedish_500_page(logged_in, cache_down):
    # The session and the user still load; the view's own first query fails.
    down = DatabaseDown("django_session", "participants_user")

    with connection.execute_wrapper(down):
        response = logged_in.get("/")

    assert response.status_code == 500
    assert html.parse(response).texts("main p") == SWEDISH_TEXT
    assert len(down.attempts) == 1


def test_the_500_handler_reads_neither_the_database_nor_the_cache(
    hr_user, cache_down, django_assert_num_queries
):
    # A request as the middleware leaves it: a session and a user not yet loaded.
    store = SessionStore()
    store.create()
    request = RequestFactory().get("/", HTTP_COOKIE=f"sessionid={store.session_key}")
    request.session = SessionStore(session_key=store.session_key)
    request.user = SimpleLazyObject(lambda: get_user(request))
    down = DatabaseDown()

    with connection.execute_wrapper(down), django_assert_num_queries(0):
        response = error_500(request)

    assert response.status_code == 500
    assert html.parse(response).texts("h1") == ["Något gick fel"]
    assert down.attempts == []
    assert not request.session.accessed


def test_missing_page_for_a_visitor_is_the_swedish_404_with_the_database_down(cache_down):
    client = Client(raise_request_exception=False)
    down = DatabaseDown()

    with connection.execute_wrapper(down):
        response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert html.parse(response).texts("h1") == ["Sidan finns inte"]
    assert down.attempts == []


def test_missing_page_for_a_logged_in_user_is_the_500_page_with_the_database_down(
    logged_in, cache_down
):
    # Without the session the user is unknown, so the page cannot say whether it exists.
    with connection.execute_wrapper(DatabaseDown()):
        response = logged_in.get("/finns-inte/")

    assert response.status_code == 500
    assert html.parse(response).texts("h1") == ["Något gick fel"]
