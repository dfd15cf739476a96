"""The kernel's own views: health checks for the load balancer, and the favicon."""

from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control


def health(request):
    """Liveness for the load balancer: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


def health_db(request):
    """Readiness: one query against the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok db", content_type="text/plain")


def favicon(request):
    """Browsers and tools that ask for /favicon.ico get the static icon pages link to.

    The redirect is kept a day, not forever: the static name changes with the icon.
    """
    response = HttpResponsePermanentRedirect(static("favicon.ico"))
    patch_cache_control(response, max_age=24 * 3600)
    return response
