"""Readiness for the load balancer: the database, Redis and the private storage, in bounded time.

``readiness()`` runs the three checks at once and waits at most
``READINESS_TIMEOUT_SECONDS`` for them. A check that has not answered by then counts as
failing, so a dependency that accepts the connection and never answers cannot hang the
endpoint (nor the gunicorn worker serving it). The clients get the same bound as their own
timeouts (Redis' socket timeouts, PostgreSQL's ``connect_timeout``), so the check's thread
ends soon after too. Each check has one thread of its own, reused from probe to probe: a
check still hung from an earlier probe holds up only its own later probes (cancelled when
they time out), never piles up threads.

What a check found goes to the log (host names and exception texts included); the answer
says only each check's name and ``ok``, ``failing`` or ``not configured``.

- ``database``: a new connection (proving one can be made) and ``SELECT 1``.
- ``redis``: ``PING`` on ``REDIS_URL``, the broker and the shared cache; ``not configured``
  when it is unset (``make run``), which does not fail readiness.
- ``storage``: a tiny object written to and deleted from ``storages["private"]``, whatever
  its backend (a folder, or the object store): that proves it is reachable and writable
  with two requests; the name is new each time (``health/probe-<random>.txt``).
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, wait

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"
NOT_CONFIGURED = "not configured"


class _NotConfigured(Exception):
    """The dependency is not part of this installation (no REDIS_URL)."""


def check_database(timeout: float) -> None:
    """``SELECT 1`` over a connection of its own, opened for the probe and closed after."""
    template = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**template.settings_dict}
    if template.vendor == "postgresql":
        # libpq counts whole seconds, and at least 2.
        connect_timeout = max(2, math.ceil(timeout))
        settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "connect_timeout": connect_timeout}
    probe = type(template)(settings_dict, DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        if row != (1,):
            raise RuntimeError(f"SELECT 1 returned {row!r}")
    finally:
        probe.close()


def check_redis(timeout: float) -> None:
    """``PING`` on ``REDIS_URL``, with a fresh client that gives up after ``timeout``."""
    if not settings.REDIS_URL:
        raise _NotConfigured
    # Imported here, on the first probe: not at every process's start.
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        if client.ping() is not True:
            raise RuntimeError("PING did not answer PONG")
    finally:
        client.close()


def check_storage(timeout: float) -> None:
    """Write a tiny object to the private storage and delete it."""
    storage = storages["private"]
    name = storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    storage.delete(name)


CHECKS: dict[str, Callable[[float], None]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
}


class _Runner:
    """One daemon thread that runs one check's probes in turn."""

    def __init__(self, name: str):
        self.name = name
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[], None]) -> Future:
        future: Future = Future()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name=f"readiness-{self.name}", daemon=True
                )
                self._thread.start()
        self._queue.put((future, fn))
        return future

    def _loop(self) -> None:
        while True:
            future, fn = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue  # its probe gave up waiting before it started
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001 - reported through the future
                future.set_exception(exc)
            else:
                future.set_result(None)


_runners: dict[str, _Runner] = {}
_runners_lock = threading.Lock()


def _runner(name: str) -> _Runner:
    with _runners_lock:
        return _runners.setdefault(name, _Runner(name))


def readiness() -> dict[str, str]:
    """Each check's name and ``ok``, ``failing`` or ``not configured``, within the bound."""
    timeout = settings.READINESS_TIMEOUT_SECONDS
    futures = {
        name: _runner(name).submit(lambda check=check: check(timeout))
        for name, check in CHECKS.items()
    }
    wait(futures.values(), timeout=timeout)
    results = {}
    for name, future in futures.items():
        if not future.done():
            future.cancel()  # not started yet (an earlier probe still hangs): drop it
            logger.warning("Readiness: %s did not answer within %g s", name, timeout)
            results[name] = FAILING
        elif isinstance(future.exception(), _NotConfigured):
            results[name] = NOT_CONFIGURED
        elif future.exception() is not None:
            logger.warning("Readiness: %s is failing", name, exc_info=future.exception())
            results[name] = FAILING
        else:
            results[name] = OK
    return results
