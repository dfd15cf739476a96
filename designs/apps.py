"""Program templates: a program's design (modules, forms, questions, themes) without people."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ship_builtin_templates(sender, apps=None, **kwargs):
    """After ``migrate`` (and ``flush``), store the built-in templates, as Django stores its
    content types: every installation has them, and a changed file updates them."""
    if apps is not None:  # migrate passes the migrated state; flush passes none
        try:
            apps.get_model("designs", "ProgramTemplate")
        except LookupError:  # migrated back before the model existed
            return
    from .services import ensure_builtin_templates

    ensure_builtin_templates()


class DesignsConfig(AppConfig):
    name = "designs"
    verbose_name = _("Program templates")

    def ready(self):
        post_migrate.connect(
            _ship_builtin_templates, sender=self, dispatch_uid="designs_builtin_templates"
        )
