"""The kernel's own views: health checks for the load balancer, and the favicon."""

from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .readiness import FAILING, readiness


def health(request):
    """Liveness for the load balancer: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


def health_db(request):
    """Readiness: one query against the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok db", content_type="text/plain")


@never_cache
@require_safe
def health_ready(request):
    """Readiness for the load balancer: the database, Redis and the private storage.

    200 when every check is ok (Redis may be "not configured"), else 503; the body names
    each check and its state, nothing more (``core.readiness``). Bounded in time by
    ``READINESS_TIMEOUT_SECONDS``.
    """
    checks = readiness()
    ready = FAILING not in checks.values()
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def favicon(request):
    """Browsers and tools that ask for /favicon.ico get the static icon pages link to.

    The redirect is kept a day, not forever: the static name changes with the icon.
    """
    response = HttpResponsePermanentRedirect(static("favicon.ico"))
    patch_cache_control(response, max_age=24 * 3600)
    return response
