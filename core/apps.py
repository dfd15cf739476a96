from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Common")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the deployment checks
        from .middleware import slide_on_login

        user_logged_in.connect(slide_on_login, dispatch_uid="core.slide_on_login")

        from django.db.backends.signals import connection_created

        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="core.collation")

        # Register every app's tasks in the web process too, so the outbox can
        # look tasks up by name (the worker does this itself at start-up).
        import importlib.util

        from django.apps import apps

        for config in apps.get_app_configs():
            name = f"{config.name}.tasks"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
