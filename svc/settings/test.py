"""Test settings: fast hashing, plain static storage, locmem mail."""

from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
DEMO_MODE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# live_server cannot serve files from the manifest storage.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Tests run tasks in-process unless they ask for the real worker (fixture `real_queue`).
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files from the finders (no collectstatic needed before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
OIDC_ALLOW_HTTP_LOOPBACK = True
# Rate-limit counters per test process; tests clear them (a shared Redis would be the broker).
# The default cache is on Redis as in production, but in database 1: tests empty it
# (conftest), and clear() empties the whole database, where db 0 holds the broker's queue.
CACHES = {
    **CACHES,  # noqa: F405
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"},
}
if REDIS_URL:  # noqa: F405
    CACHES["default"] = {
        **CACHES["default"],
        "LOCATION": urlunsplit(urlsplit(REDIS_URL)._replace(path="/1")),  # noqa: F405
    }
# base.py read DEMO_MODE from the environment before this file turned it on.
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
