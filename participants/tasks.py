"""Celery tasks of this app. The task bodies live next to their services."""

from .accounts import send_login_confirmation, send_login_link, send_login_link_to_address

__all__ = ["send_login_confirmation", "send_login_link", "send_login_link_to_address"]
