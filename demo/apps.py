from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo, scale and bench data. Installed only with DEMO_MODE (never in production)."""

    name = "demo"
    verbose_name = "Demo data"
