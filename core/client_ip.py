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
    candidate = _without_port(forwarded[-count])
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _without_port(entry: str) -> str:
    """``203.0.113.7:5678`` and ``[2001:db8::1]:443`` as some proxies write them."""
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    if entry.count(":") == 1:
        return entry.split(":", 1)[0]
    return entry


def ratelimit_ip(group, request) -> str:
    """django-ratelimit's key: the client's address; IPv6 by its /64 (one household)."""
    address = ipaddress.ip_address(client_ip(request) or "0.0.0.0")  # noqa: S104 - a key only
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
