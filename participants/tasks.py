"""Celery tasks of this app. The task bodies live next to their services."""

from .accounts import send_login_link

__all__ = ["send_login_link"]
