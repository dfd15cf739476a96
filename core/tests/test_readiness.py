"""/healthz/ready/: the database, Redis and the private storage, named and ok or failing.

The failures are real: a port nothing listens on, and a loopback socket that listens
(the kernel completes the handshake) but never reads or answers, the way a hung Redis,
PostgreSQL or object store behaves. Against the latter the answer still comes, as 503
naming the check, because the checks are bounded by READINESS_TIMEOUT_SECONDS (set small
here). No assertion on time: speed lives in `make bench`.
"""

import json
import os
import socket
import threading
import time

import pytest
from botocore.config import Config
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.db import connections

from conftest import object_store_bucket

pytestmark = pytest.mark.django_db

URL = "/healthz/ready/"
ALL_OK = {"database": "ok", "redis": "ok", "storage": "ok"}


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HungServer:
    """A loopback port that takes connections, reads nothing and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            self.accepted.append(conn)

    def clients_that_gave_up(self) -> int:
        """Connections whose client has closed its end (timed out, or stopped)."""
        gave_up = 0
        for conn in self.accepted:
            conn.setblocking(False)
            try:
                while conn.recv(65536):
                    pass  # what the client sent; an empty read is its end closing
                gave_up += 1
            except BlockingIOError:
                pass  # still waiting for an answer
            except OSError:
                gave_up += 1  # reset
        return gave_up

    def wait_for_a_client(self) -> None:
        """Until something connected (a wait, not a measurement)."""
        deadline = time.monotonic() + 30
        while not self.accepted:
            assert time.monotonic() < deadline, "nothing connected to the hung server"
            time.sleep(0.05)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()  # the hung clients see the end and stop


@pytest.fixture
def hung():
    server = HungServer()
    yield server
    server.close()


@pytest.fixture
def small_bound(settings):
    settings.READINESS_TIMEOUT_SECONDS = 0.5


@pytest.fixture(autouse=True)
def _needs_redis():
    if not django_settings.REDIS_URL:
        pytest.fail("The readiness tests need REDIS_URL: run them with `make test`.")


def _answer(client):
    response = client.get(URL)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def _s3_storage(**options):
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "access_key": "test",
            "secret_key": "test",
            "region_name": "eu-north-1",
            **options,
        },
    }


def _with_private(settings, storage):
    settings.STORAGES = {**settings.STORAGES, "private": storage}


def test_all_up_is_200_with_each_check_ok_and_leaves_nothing_behind(client):
    status, body = _answer(client)

    assert status == 200
    assert body == {"status": "ready", "checks": ALL_OK}
    private = storages["private"]
    assert private.listdir("health") == ([], [])


def test_the_answer_is_never_cached(client):
    response = client.get(URL)

    assert "no-store" in response["Cache-Control"]


def test_only_get_and_head(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_with_the_object_store_up_storage_is_ok_and_the_probe_is_deleted(client, settings):
    bucket = object_store_bucket()
    _with_private(
        settings,
        _s3_storage(
            bucket_name=bucket,
            endpoint_url=os.environ["S3_ENDPOINT_URL"],
            access_key=os.environ["S3_ACCESS_KEY_ID"],
            secret_key=os.environ["S3_SECRET_ACCESS_KEY"],
            region_name=os.environ.get("S3_REGION_NAME", "eu-north-1"),
        ),
    )

    status, body = _answer(client)

    assert (status, body) == (200, {"status": "ready", "checks": ALL_OK})
    assert storages["private"].listdir("health") == ([], [])


def test_without_redis_url_redis_is_not_configured_and_does_not_fail(client, settings):
    settings.REDIS_URL = ""

    status, body = _answer(client)

    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not configured", "storage": "ok"},
    }


def test_redis_on_a_closed_port_is_503_naming_redis_and_no_address(client, settings, closed_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"

    response = client.get(URL)

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failing", "storage": "ok"},
    }
    text = response.content.decode()
    assert "127.0.0.1" not in text
    assert str(closed_port) not in text


def test_a_hung_redis_is_503_naming_redis(client, settings, hung, small_bound):
    # The Redis client's socket timeouts are the bound itself.
    settings.REDIS_URL = f"redis://127.0.0.1:{hung.port}/0"

    status, body = _answer(client)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failing", "storage": "ok"},
    }


def test_storage_in_an_unwritable_place_is_503_naming_storage(client, settings, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    _with_private(
        settings,
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_folder / "private")},
        },
    )

    response = client.get(URL)

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "ok", "storage": "failing"},
    }
    assert str(tmp_path) not in response.content.decode()


def test_an_object_store_on_a_closed_port_is_503_naming_storage(client, settings, closed_port):
    _with_private(
        settings,
        _s3_storage(
            bucket_name="svc-private",
            endpoint_url=f"http://127.0.0.1:{closed_port}",
            client_config=Config(retries={"total_max_attempts": 1}),
        ),
    )

    status, body = _answer(client)

    assert status == 503
    assert body["checks"] == {"database": "ok", "redis": "ok", "storage": "failing"}


def test_a_hung_object_store_is_503_naming_storage_before_its_client_gives_up(
    client, settings, hung, small_bound
):
    # The store's client would wait a minute for an answer; the bound answers first.
    _with_private(
        settings,
        _s3_storage(
            bucket_name="svc-private",
            endpoint_url=f"http://127.0.0.1:{hung.port}",
            client_config=Config(read_timeout=60, retries={"total_max_attempts": 1}),
        ),
    )

    status, body = _answer(client)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "ok", "storage": "failing"},
    }
    # The answer came first: the client is still waiting (or, on a busy machine, has not
    # even connected yet), it did not give up.
    assert hung.clients_that_gave_up() == 0
    hung.wait_for_a_client()  # and it was this server the check was waiting for


def test_a_database_on_a_closed_port_is_503_naming_the_database(client, monkeypatch, closed_port):
    # The probe opens a connection of its own from these settings; the test's stays open.
    monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(closed_port))

    status, body = _answer(client)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "failing", "redis": "ok", "storage": "ok"},
    }


def test_a_hung_database_is_503_naming_the_database_before_its_client_gives_up(
    client, monkeypatch, hung, small_bound
):
    # libpq's connect_timeout is whole seconds, at least 2; the bound answers first.
    monkeypatch.setitem(connections["default"].settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(hung.port))

    status, body = _answer(client)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "failing", "redis": "ok", "storage": "ok"},
    }
    # The answer came first: the client is still waiting (or, on a busy machine, has not
    # even connected yet), it did not give up.
    assert hung.clients_that_gave_up() == 0
    hung.wait_for_a_client()  # and it was this server the check was waiting for


def test_everything_down_names_every_check(client, settings, monkeypatch, closed_port, tmp_path):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    (tmp_path / "a-file").write_text("")
    _with_private(
        settings,
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "a-file" / "private")},
        },
    )
    monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(closed_port))

    status, body = _answer(client)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "failing", "redis": "failing", "storage": "failing"},
    }


def test_liveness_stays_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")

    assert (response.status_code, response.content) == (200, b"ok")
