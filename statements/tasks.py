"""The statements app's tasks, registered at start-up by core.apps (looked up by name)."""

from .mail_accessibility import send_accessibility_report

__all__ = ["send_accessibility_report"]
