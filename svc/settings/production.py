"""Production settings: HTTPS only, no debug, a real secret key required."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import _env, env

DEBUG = False
DEMO_MODE = False
OIDC_ALLOW_HTTP_LOOPBACK = False

SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only-"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )
if not env.list("ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
if not REDIS_URL:  # noqa: F405
    # Without a broker tasks run inside the request, which then takes as long as
    # the work: "Forgot your password?" would answer slower for a known address.
    raise ImproperlyConfigured("REDIS_URL must be set in production.")

# Private files (status report PDFs, import uploads between preview and confirmation):
# with S3_BUCKET in the object store every node shares. Without it they stay in the local
# folder PRIVATE_STORAGE_ROOT, which is right for one machine running the web process and
# the worker; with a second web node or a worker elsewhere, an import previewed on one
# node could not be confirmed on another and a PDF a worker rendered could not be served,
# so a multi-node installation must set S3_BUCKET. `check --deploy` says which it is
# (core.checks, svc.I001). The default cache is on REDIS_URL, required above.

from evaluations import sealing  # noqa: E402

if not env.str("EVALUATION_SEAL_KEYS", default="").strip():
    # Answers are sealed under this key until their window closes: without it they
    # would be unreadable, and with the development key anyone could read them.
    raise ImproperlyConfigured(
        "EVALUATION_SEAL_KEYS must be set in production (see the README: the seal key)."
    )
if sealing.DEV_KEY in EVALUATION_SEAL_KEYS:  # noqa: F405
    raise ImproperlyConfigured("EVALUATION_SEAL_KEYS must not contain the development key.")

SECURE_SSL_REDIRECT = _env("SECURE_SSL_REDIRECT", bool, True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer probes the nodes' health URLs over plain HTTP, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz/"]
SECURE_HSTS_SECONDS = _env("SECURE_HSTS_SECONDS", int, 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
