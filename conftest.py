"""Test harness for every app: role users, browser with axe, query counts, a real worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import Role
from participants.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.page_checks import (
    MINIMUM_CONTRAST,
    NARROW_WIDTH,
    assert_no_horizontal_scroll,
    assert_non_text_contrast,
)

# Playwright keeps an event loop running; Django must allow sync calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What the run proved, printed at the end (see pytest_terminal_summary).
EVIDENCE = {
    "axe_pages": 0,
    "narrow_pages": 0,
    "english_pages": 0,
    "control_borders": 0,
    "focus_indicators": 0,
    "worker_pids": set(),
    "oidc_sign_ins": 0,
}


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST', '')}:{db.get('PORT', '')}",
        f"celery broker: {settings.REDIS_URL or 'none (tasks run in-process)'}",
        "browser: /usr/bin/chromium (Playwright) with axe-core, WCAG 2.1 A/AA",
    ]


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    name = connection.settings_dict["NAME"]
    write(f"Tests ran against {connection.display_name} (test database of {name}).")
    # The order is random (pytest-randomly); a failure that depends on it repeats with this seed.
    config = terminalreporter.config
    if config.pluginmanager.has_plugin("randomly"):
        seed = config.getoption("randomly_seed")
        write(f"Tests ran in random order: repeat it with -p randomly --randomly-seed={seed}.")
    else:
        write("Tests ran in file order (pytest-randomly is off).")
    if EVIDENCE["worker_pids"]:
        pids = ", ".join(str(p) for p in sorted(EVIDENCE["worker_pids"]))
        write(f"Real `celery worker` process(es) consumed from Redis: pid {pids}.")
    if EVIDENCE["oidc_sign_ins"]:
        write(
            f"Real OpenID provider {os.environ.get('OIDC_TEST_PROVIDER', '?')} at "
            f"{os.environ.get('OIDC_TEST_ISSUER')}: {EVIDENCE['oidc_sign_ins']} sign-in(s) in "
            "Chromium went through it."
        )
    if EVIDENCE["axe_pages"]:
        write(
            f"axe-core checked {EVIDENCE['axe_pages']} page states in Chromium "
            "(WCAG 2.1 A/AA): 0 violations."
        )
    if EVIDENCE["english_pages"]:
        write(
            f"{EVIDENCE['english_pages']} pages and form posts answered in English "
            "(every access-matrix row, every form posted empty): no server error."
        )
    if EVIDENCE["narrow_pages"]:
        write(
            f"{EVIDENCE['narrow_pages']} page states checked at {NARROW_WIDTH} px wide: no "
            f"horizontal scroll; {EVIDENCE['focus_indicators']} focus indicators and "
            f"{EVIDENCE['control_borders']} form-control borders, all >= "
            f"{MINIMUM_CONTRAST:g}:1 against their background."
        )


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in English leaves English active in
    the thread, and code that renders outside a request (exports, e-mail) would inherit it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def evidence():
    """What the run proved, for the summary at the end."""
    return EVIDENCE


@pytest.fixture(autouse=True)
def _private_storage_in_tmp(settings, tmp_path):
    """Files a test writes to private storage go to its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture(autouse=True)
def _empty_default_cache():
    """Each test starts with an empty default cache. On Redis (`make test`) it would outlive
    the test and the process, and hold fragments and figures drawn from another test's rows."""
    from django.core.cache import cache

    cache.clear()


class ObjectStore:
    """The bucket of `make test`'s object store, read directly (boto3), under one prefix."""

    def __init__(self, bucket: str, prefix: str):
        import boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
            aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            region_name=os.environ.get("S3_REGION_NAME", "eu-north-1"),
        )

    def keys(self) -> list[str]:
        """Every object under the prefix, by its name in the storage (without the prefix)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/"
        )
        return sorted(
            item["Key"].removeprefix(f"{self.prefix}/")
            for page in pages
            for item in page.get("Contents", [])
        )

    def read(self, name: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=f"{self.prefix}/{name}")
        return answer["Body"].read()

    def empty(self):
        for name in self.keys():
            self.client.delete_object(Bucket=self.bucket, Key=f"{self.prefix}/{name}")


def object_store_bucket() -> str:
    """The bucket of `make test`; without it the object-store tests fail (never skip)."""
    bucket = os.environ.get("SVC_TEST_S3_BUCKET", "")
    if not bucket:
        reason = (
            "SVC_TEST_S3_BUCKET is not set: the object-store tests need the S3-compatible server "
            "that scripts/with-services.sh starts (make test)."
        )
        pytest.fail(reason)
    return bucket


@pytest.fixture
def object_store(settings):
    """Private storage on the real S3-compatible server (S3Storage, as production configures
    it from the S3_* variables), under a prefix of this test's own; emptied afterwards."""
    import uuid

    from svc.settings.base import s3_storage

    bucket = object_store_bucket()
    store = ObjectStore(bucket, f"test-{uuid.uuid4().hex}")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": s3_storage(bucket=bucket, location=store.prefix),
    }
    yield store
    store.empty()


# --- Organisations and the users of each role -------------------------------------


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Örebro kommun", slug="orebro")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Region Västmanland", slug="vastmanland")


@pytest.fixture
def make_member(db):
    def make(role, organisation, **user_kwargs):
        user = UserFactory(**user_kwargs)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def hr_user(make_member, org):
    return make_member(Role.HR, org, email="hr@orebro.test")


@pytest.fixture
def steering_user(make_member, org):
    return make_member(Role.STEERING, org, email="styrgrupp@orebro.test")


@pytest.fixture
def process_leader_user(make_member, org):
    return make_member(Role.PROCESS_LEADER, org, email="processledare@konsult.test")


@pytest.fixture
def outsider(make_member, other_org):
    """The HR coordinator of another organisation: must never see ours."""
    return make_member(Role.HR, other_org, email="hr@vastmanland.test")


# --- Query counts ------------------------------------------------------------------


class QueryCounter:
    """Counts the queries of one request, to compare the same page at two data sizes."""

    def count(self, client, url) -> tuple[int, object]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        return len(ctx.captured_queries), response

    def assert_flat(self, client, url, *, grow, min_queries=1):
        """GET url, call grow() to add data, GET again: the query count must not change."""
        small, _ = self.count(client, url)
        grow()
        large, response = self.count(client, url)
        assert small >= min_queries
        assert large == small, f"{url}: {small} queries before growing the data, {large} after"
        return response


@pytest.fixture
def queries():
    return QueryCounter()


# --- Browser and axe -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Swedish, and reduced motion: Bootstrap then drops its colour transitions, so axe never
    measures a button halfway into its hover colours (a page reloaded under the pointer after
    a click once measured 4.35:1 mid-transition; both end states are above 4.5:1)."""
    return {**browser_context_args, "locale": "sv-SE", "reduced_motion": "reduce"}


class AxeChecker:
    """Runs axe-core (WCAG 2.1 A/AA) on a page and fails on any violation; then checks what axe
    does not: the contrast of form-control borders and focus indicators (at the test's own
    viewport, where the top bar is expanded), and that the page does not scroll sideways at
    320 px (tests/page_checks.py)."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.pages_checked: list[str] = []

    def __call__(self, page, *, context: str = ""):
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        self.pages_checked.append(page.url)
        assert results.violations_count == 0, (
            f"axe found {results.violations_count} violation(s) on {page.url} {context}:\n"
            f"{results.generate_report()}"
        )
        EVIDENCE["axe_pages"] += 1
        contrast = assert_non_text_contrast(page, context=context)
        EVIDENCE["control_borders"] += contrast["borders"]
        EVIDENCE["focus_indicators"] += contrast["indicators"]
        assert_no_horizontal_scroll(page, context=context)
        EVIDENCE["narrow_pages"] += 1
        return results


@pytest.fixture
def axe():
    return AxeChecker()


@pytest.fixture
def login_as(live_server, client):
    """Log a user in the browser by handing it a real session cookie."""

    def login(page, user):
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                }
            ]
        )

    return login


# --- A real Celery worker --------------------------------------------------------------


def _test_database_url() -> str:
    """DATABASE_URL pointed at the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class WorkerProcess:
    """A `celery worker` subprocess consuming from the real Redis, on the test database.

    ``env`` adds to (or replaces) its environment, ``cwd`` is its working folder; with a
    ``REDIS_URL`` of its own in ``env`` it consumes from that broker, and is ready when its
    log says so (the ping would go to the suite's broker).
    """

    def __init__(self, logfile: Path, *, env=None, cwd=ROOT, hostname="test-worker@%h"):
        self.logfile = logfile
        self.extra_env = env or {}
        self.cwd = cwd
        self.hostname = hostname
        self.process: subprocess.Popen | None = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "svc.settings.test",
            "DATABASE_URL": _test_database_url(),
            "CONN_MAX_AGE": "0",
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "svc", "worker",
                "--loglevel", "INFO", "--concurrency", "1", "--pool", "prefork",
                "--without-gossip", "--without-mingle", "--hostname", self.hostname,
                "--logfile", str(self.logfile),
            ],
            cwd=self.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        from svc.celery import app

        own_broker = "REDIS_URL" in self.extra_env
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.logfile.read_text()}")
            if own_broker:  # not ours to ping: its log says when it consumes
                log = self.logfile.read_text() if self.logfile.exists() else ""
                answered = f"{self.hostname} ready." in log
                time.sleep(0 if answered else 0.2)
            else:
                answered = app.control.ping(timeout=0.5)
            if answered:
                EVIDENCE["worker_pids"].add(self.process.pid)
                return self
        self.kill()
        raise RuntimeError(f"celery worker did not answer ping:\n{self.logfile.read_text()}")

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self):
        self.kill(signal.SIGTERM)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Starts a real worker once per test session. Needs REDIS_URL (make test sets it)."""
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL and PostgreSQL: run them with `make test`.")
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (DATABASE_URL): run them with `make test`.")
    worker = WorkerProcess(tmp_path_factory.mktemp("worker") / "worker.log")
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def real_queue(celery_worker):
    """Publish tasks to Redis for the real worker instead of running them in-process."""
    from svc.celery import app

    app.conf.task_always_eager = False
    yield celery_worker
    app.conf.task_always_eager = True


# --- The throwaway Redis, stopped and started by tests of a dead broker ------------------


def _running(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 here does not reap)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


class RedisServer:
    """The Redis that scripts/with-services.sh started; tests may stop and restart it."""

    def __init__(self, url: str, run_dir: str):
        self.port = urlsplit(url).port
        self.run_dir = run_dir

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def _pid(self) -> int | None:
        try:
            return int(Path(self.run_dir, "redis.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self._pid()
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], check=False)
        deadline = time.monotonic() + 10
        while self.ping() and time.monotonic() < deadline:
            time.sleep(0.05)
        # Until the process is gone: a server still shutting down would close the
        # connections of the next test (seen once in random order).
        while pid is not None and _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def start(self):
        subprocess.run(
            [
                "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                "--daemonize", "yes", "--save", "", "--appendonly", "no",
                "--pidfile", f"{self.run_dir}/redis.pid", "--logfile", f"{self.run_dir}/redis.log",
                "--dir", self.run_dir,
            ],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline:
                raise RuntimeError("Redis did not come back")
            time.sleep(0.05)


@pytest.fixture
def redis_stopped():
    """Stops the real Redis for the test (the broker is dead) and restarts it afterwards.

    Yields the server so the test can bring it back itself with ``start()``.
    """
    from svc.celery import app

    if not settings.REDIS_URL or "SVC_SERVICES_DIR" not in os.environ:
        pytest.fail("Tests of a dead broker need the Redis of `make test`.")
    server = RedisServer(settings.REDIS_URL, os.environ["SVC_SERVICES_DIR"])
    app.conf.task_always_eager = False
    server.stop()
    yield server
    if not server.ping():
        server.start()
    app.conf.task_always_eager = True
