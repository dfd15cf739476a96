"""Links that leave the site, in e-mail: the path joined to the address people reach us at."""

from django.conf import settings


def site_url(path: str) -> str:
    """``SITE_URL`` + an absolute path, e.g. ``site_url(reverse(...))``."""
    return settings.SITE_URL.rstrip("/") + path
