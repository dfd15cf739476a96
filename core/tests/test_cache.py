"""The default cache on Redis (core.cache): shared between processes, and a Redis that cannot
be reached reads as empty instead of failing the page."""

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_cache():
    location = f"redis://127.0.0.1:{_dead_port()}/0"
    backend = {"BACKEND": "core.cache.RedisCache", "LOCATION": location}
    with override_settings(CACHES={**settings.CACHES, "default": backend}):
        yield caches["default"]


def test_an_unreachable_redis_is_a_miss_and_takes_no_write(unreachable_cache, caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")

    unreachable_cache.set("charts:a", "<svg/>", 60)
    unreachable_cache.set_many({"b": 1, "c": 2})

    assert unreachable_cache.get("charts:a") is None
    assert unreachable_cache.get("charts:a", "saknas") == "saknas"
    assert unreachable_cache.get_many(["b", "c"]) == {}
    assert unreachable_cache.has_key("b") is False
    assert unreachable_cache.add("d", 1) is False
    assert unreachable_cache.delete("b") is False
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "Cache set skipped",
        "Cache set_many skipped",
        "Cache get skipped",
        "Cache get skipped",
        "Cache get_many skipped",
        "Cache has_key skipped",
        "Cache add skipped",
        "Cache delete skipped",
    ]


def test_the_evaluation_form_fragment_renders_with_the_cache_unreachable(unreachable_cache):
    from django.template import Context, Template

    template = Template("{% load cache %}{% cache 60 fragment key %}{{ text }}{% endcache %}")

    first = template.render(Context({"key": "k", "text": "Hur väl passade dagen dig?"}))
    second = template.render(Context({"key": "k", "text": "Ny fråga"}))

    assert (first, second) == ("Hur väl passade dagen dig?", "Ny fråga")


def test_what_one_process_caches_another_reads():
    if not settings.REDIS_URL:
        pytest.fail("Needs the Redis of `make test` (REDIS_URL).")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.cache import cache; "
            "cache.set('shared:figures', {'enrolled': 17}, 60)",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "svc.settings.test"},
        check=True,
        timeout=60,
    )

    assert type(caches["default"]).__module__ == "core.cache"
    assert caches["default"].get("shared:figures") == {"enrolled": 17}
