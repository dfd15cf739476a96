"""The client's real address, behind as many reverse proxies as the deployment trusts.

Each trusted proxy appends the address it received the request from to
``X-Forwarded-For``. With N trusted proxies the client is the N-th entry from
the right; everything left of it was written by the client and proves nothing.
With none (the default), ``REMOTE_ADDR`` is the client.
The lockout (django-axes) and every rate limit (django-ratelimit) use this.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer hops than proxies: misconfigured, or the request skipped a proxy.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def ratelimit_ip(group, request) -> str:
    """django-ratelimit's key function form of ``client_ip``."""
    return client_ip(request)
