"""Settings read from the environment, with safe embedded defaults for local use.

Every value a deployment may change comes from an environment variable
(django-environ). A value that cannot be parsed stops start-up with an
``ImproperlyConfigured`` that names the variable.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
import xstatic.pkg.bootstrap as xstatic_bootstrap
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _strict_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected one of {sorted(_TRUE | _FALSE - {''})}, got {value!r}")


def _env(name, cast, default):
    """Read one variable and turn any parse error into a clear start-up failure."""
    if cast is bool:
        cast = _strict_bool
    try:
        return env.get_value(name, cast=cast, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name} has an invalid value: {exc}"
        ) from exc


DEBUG = _env("DEBUG", bool, False)
SECRET_KEY = _env("SECRET_KEY", str, "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = _env("ALLOWED_HOSTS", list, ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = _env("CSRF_TRUSTED_ORIGINS", list, [])

# Demo logins are printed and seeded only where this is on (never in production).
DEMO_MODE = _env("DEMO_MODE", bool, False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "axes",
    "simple_history",
    "core",
    "participants",
    "programs",
    "evaluations",
    "reports",
    "designs",
    "retention",
    "privacy",
    "statements",
    "console",
    # The demo layer's commands (seed_demo, seed_scale) exist only where demo logins may.
    *(["demo"] if DEMO_MODE else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Instead of LocaleMiddleware: Swedish unless the user chose English (core.language).
    "core.middleware.LanguageMiddleware",
    "svc.middleware.OrganisationRolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "participants.middleware.ProviderLogoutCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "svc.urls"
WSGI_APPLICATION = "svc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.csp_nonce",
                "svc.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
_SUPPORTED_DATABASES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
try:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
    if DATABASES["default"]["ENGINE"] not in _SUPPORTED_DATABASES:
        raise ValueError("use postgres://user@host:port/name or sqlite:///path")
except (ValueError, KeyError, ImproperlyConfigured) as exc:
    raise ImproperlyConfigured(
        f"Environment variable DATABASE_URL has an invalid value: {exc}"
    ) from exc
_is_postgres = DATABASES["default"]["ENGINE"].endswith("postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = _env("CONN_MAX_AGE", int, 60 if _is_postgres else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = _is_postgres
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and login ------------------------------------------------------
AUTH_USER_MODEL = "participants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Reverse proxies in front of the app that append to X-Forwarded-For (core.client_ip).
# 0: REMOTE_ADDR is the client. The lockout and every rate limit use the real client.
TRUSTED_PROXY_COUNT = _env("TRUSTED_PROXY_COUNT", int, 0)
if not 0 <= TRUSTED_PROXY_COUNT <= 5:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be between 0 and 5.")

# django-axes: lock a username + IP pair after AXES_FAILURE_LIMIT failures.
AXES_FAILURE_LIMIT = _env("AXES_FAILURE_LIMIT", int, 10)
if not 1 <= AXES_FAILURE_LIMIT <= 10:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT must be between 1 and 10.")
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_TIME = _env("AXES_COOLOFF_HOURS", float, 1.0)  # hours
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "participants.forms.axes_username"

# django-ratelimit: "Forgot your password?" per client address and per e-mail address,
# counted in Redis (shared by every web node) where there is one. With Redis down the
# limit is skipped (participants.views), never the request.
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "core.client_ip.client_ip"
FORGOT_PASSWORD_RATE_PER_IP = _env("FORGOT_PASSWORD_RATE_PER_IP", str, "20/h")
FORGOT_PASSWORD_RATE_PER_EMAIL = _env("FORGOT_PASSWORD_RATE_PER_EMAIL", str, "3/h")
# Reports of accessibility problems (statements), per client address.
ACCESSIBILITY_REPORT_RATE_PER_IP = _env("ACCESSIBILITY_REPORT_RATE_PER_IP", str, "10/h")

# Sessions: logged out after SESSION_IDLE_MINUTES without a request, and at
# the latest when the browser closes. Requests slide the window; the session is
# written at most once per SESSION_REFRESH_SECONDS (core.middleware.SlidingSessionMiddleware).
SESSION_IDLE_MINUTES = _env("SESSION_IDLE_MINUTES", int, 30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 1.")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Django's database store, its sessions read by a query written once (core.sessions).
SESSION_ENGINE = "core.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# An organisation's own sign-in (OpenID Connect, participants.oidc). Issuers must be
# https://; plain http only to this machine, and only where this is on (tests, development).
OIDC_ALLOW_HTTP_LOOPBACK = _env("OIDC_ALLOW_HTTP_LOOPBACK", bool, False)
OIDC_TIMEOUT_SECONDS = _env("OIDC_TIMEOUT_SECONDS", int, 10)
if not 1 <= OIDC_TIMEOUT_SECONDS <= 60:
    raise ImproperlyConfigured("OIDC_TIMEOUT_SECONDS must be between 1 and 60.")

# Personal login links (activation and forgotten password) are valid 7 days and single use.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
# The address people reach the site at; used for links in e-mail.
SITE_URL = _env("SITE_URL", str, "http://127.0.0.1:8000")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured("SITE_URL must be an address such as https://svc.example.se.")
# The domain in calendar event UIDs (session-<id>@<domain>, programs.calendar), by default
# the host of SITE_URL: each installation (test, production) its own, so that their events
# never replace each other's in a calendar. Calendar programs match updates on the UID:
# changing it makes every invitation already sent a second event.
CALENDAR_UID_DOMAIN = _env("CALENDAR_UID_DOMAIN", str, _site.hostname)
if not CALENDAR_UID_DOMAIN or any(c.isspace() or c == "@" for c in CALENDAR_UID_DOMAIN):
    raise ImproperlyConfigured("CALENDAR_UID_DOMAIN must be a domain name, without spaces or @.")

# --- Languages -----------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
# English pages write times on the 24-hour clock (svc/formats/en/formats.py).
FORMAT_MODULE_PATH = ["svc.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language button's cookie remembers a visitor's choice for a year, not only until the
# browser closes (a logged-in user's choice is kept on the login, core.language).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic_bootstrap.BASE_DIR)]
# Generated files (status report PDFs, import uploads between preview and confirmation).
# Never under a URL the web server serves; only access-checked views hand them out.
# With S3_BUCKET: S3-compatible object storage, shared by every web node and worker.
# Without: the local folder PRIVATE_STORAGE_ROOT, the embedded default of `make run`
# (one machine only: svc.settings.production says so).
S3_BUCKET = _env("S3_BUCKET", str, "")


def s3_storage(*, bucket: str, location: str) -> dict:
    """The private storage on ``bucket`` under the prefix ``location``, from the S3_* variables.

    Also used by the tests, which point it at the object store of `make test`.
    """
    from botocore.config import Config

    addressing = _env("S3_ADDRESSING_STYLE", str, "")
    if addressing not in {"", "path", "virtual"}:
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be path or virtual (or empty).")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": location.strip("/"),
            "endpoint_url": _env("S3_ENDPOINT_URL", str, "") or None,
            # Empty: boto3's own chain (an instance role, the AWS_* variables).
            "access_key": _env("S3_ACCESS_KEY_ID", str, "") or None,
            "secret_key": _env("S3_SECRET_ACCESS_KEY", str, "") or None,
            "region_name": _env("S3_REGION_NAME", str, "") or "eu-north-1",
            "addressing_style": addressing or None,
            # Private objects (the bucket's own default, never public-read) and no signed
            # URLs: a file leaves only through a view that checked who asks.
            "default_acl": None,
            "querystring_auth": False,
            # A report's PDF is rendered again under its fixed name (reports.services): the
            # new one replaces the old. An import is saved under a fresh UUID.
            "file_overwrite": True,
            # A store that does not answer fails the request in seconds, not minutes.
            "client_config": Config(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }


if S3_BUCKET:
    # Several installations may share a bucket, each under its own prefix (S3_LOCATION).
    PRIVATE_STORAGE = s3_storage(bucket=S3_BUCKET, location=_env("S3_LOCATION", str, ""))
else:
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_env("PRIVATE_STORAGE_ROOT", str, str(BASE_DIR / "private")))},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# Composing a round posts one checkbox per manager in the pool (up to a few thousand).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# The manager import (participants.imports): the largest file and the most rows it reads.
IMPORT_MAX_BYTES = _env("IMPORT_MAX_BYTES", int, 5 * 1024 * 1024)
if IMPORT_MAX_BYTES < 1:
    raise ImproperlyConfigured("IMPORT_MAX_BYTES must be at least 1.")
IMPORT_MAX_ROWS = _env("IMPORT_MAX_ROWS", int, 20_000)
if IMPORT_MAX_ROWS < 1:
    raise ImproperlyConfigured("IMPORT_MAX_ROWS must be at least 1.")

# --- Forms -----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ----------------------------------------------------------------
try:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
except (ValueError, KeyError, ImproperlyConfigured) as exc:
    raise ImproperlyConfigured(
        f"Environment variable EMAIL_URL has an invalid value: {exc}"
    ) from exc
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", str, "SVC <noreply@svc.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------
# Without REDIS_URL, tasks run in-process (eagerly), so `make run` needs no
# broker. Visibility timeout > hard limit > soft limit, so a slow task is
# stopped before Redis hands it to a second worker.
REDIS_URL = _env("REDIS_URL", str, "")
# The default cache holds the evaluation form fragments and the charts (keyed by everything
# they are drawn from), the dashboard's live figures (a minute), the comparison's figures of
# the day and the OpenID providers' discovery documents (an hour). On Redis where there is
# one, so every web node and worker reads what another wrote; a Redis away for a moment
# reads as empty (core.cache). Without Redis (`make run`), in the process's memory.
_REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
CACHES = {
    "default": (
        {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": _REDIS_OPTIONS}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must not hang a request: publishing gives up fast and the
# outbox row stays pending for the sweeper.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "core.outbox_flush", "schedule": 60.0},
    "reports-recover-stalled": {"task": "reports.recover_stalled_reports", "schedule": 60.0},
    "session-reminders": {"task": "programs.queue_session_reminders", "schedule": 3600.0},
    # No later than a window's close, give or take five minutes; results pages fold too.
    "evaluation-fold-sealed": {"task": "evaluations.fold_sealed_answers", "schedule": 300.0},
    "evaluation-reminders": {
        "task": "evaluations.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "agreement-reminders": {
        "task": "programs.agreement_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # At night, when no one works in the program: the enabled retention rules (gallring).
    "retention-apply-rules": {
        "task": "retention.apply_rules",
        "schedule": crontab(hour=3, minute=15),
    },
}
# Pending outbox rows older than this are sent again by the sweeper.
OUTBOX_RETRY_AFTER_SECONDS = _env("OUTBOX_RETRY_AFTER_SECONDS", int, 30)

# /healthz/ready/ (core.readiness): the longest it waits for the database, Redis and the
# private storage, checked at once. Keep it below the load balancer's probe timeout.
READINESS_TIMEOUT_SECONDS = _env("READINESS_TIMEOUT_SECONDS", float, 3.0)
if not 0.1 <= READINESS_TIMEOUT_SECONDS <= 30:
    raise ImproperlyConfigured("READINESS_TIMEOUT_SECONDS must be between 0.1 and 30.")

# --- Security headers (strict by default; production adds HTTPS) ------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp 4 writes 'nonce-<value>' where it finds NONCE (a sentinel, not the word 'nonce').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", str, "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Program rules that a deployment may tune.
SESSION_REMINDER_DAYS = _env("SESSION_REMINDER_DAYS", int, 7)
AGREEMENT_REMINDER_DAYS = _env("AGREEMENT_REMINDER_DAYS", int, 14)
if SESSION_REMINDER_DAYS < 1:
    raise ImproperlyConfigured("SESSION_REMINDER_DAYS must be at least 1.")
if AGREEMENT_REMINDER_DAYS < 1:
    raise ImproperlyConfigured("AGREEMENT_REMINDER_DAYS must be at least 1.")
# k may be raised, never lowered: the floor is the evaluations app's rule, named there once.
from evaluations.rules import ABSOLUTE_MIN_RESPONSES  # noqa: E402

EVALUATION_MIN_RESPONSES = _env("EVALUATION_MIN_RESPONSES", int, ABSOLUTE_MIN_RESPONSES)
if EVALUATION_MIN_RESPONSES < ABSOLUTE_MIN_RESPONSES:
    raise ImproperlyConfigured(
        f"EVALUATION_MIN_RESPONSES must be at least {ABSOLUTE_MIN_RESPONSES}."
    )
EVALUATION_WINDOW_DAYS = _env("EVALUATION_WINDOW_DAYS", int, 14)
if EVALUATION_WINDOW_DAYS < 1:
    raise ImproperlyConfigured("EVALUATION_WINDOW_DAYS must be at least 1.")

# The key that seals evaluation answers until they are folded in (evaluations.sealing):
# urlsafe base64 of 32 random bytes, comma separated, newest first. The newest seals,
# every listed key opens. Unset here means the fixed development key; production
# refuses that (svc.settings.production).
from evaluations import sealing  # noqa: E402

_seal_keys_text = _env("EVALUATION_SEAL_KEYS", str, "") or sealing.DEV_KEY
try:
    sealing.check_canary(sealing.parse_keys(_seal_keys_text))
except (ValueError, sealing.SealError) as exc:
    raise ImproperlyConfigured(f"EVALUATION_SEAL_KEYS cannot seal and open: {exc}.") from exc
EVALUATION_SEAL_KEYS = [key.strip() for key in _seal_keys_text.split(",") if key.strip()]
