"""Health checks for the load balancer; the kernel's only views."""

from django.db import connection
from django.http import HttpResponse


def health(request):
    """Liveness for the load balancer: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


def health_db(request):
    """Readiness: one query against the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok db", content_type="text/plain")
