"""Program templates: a program's design, as JSON (``designs.schema``), with no people in it.

A template belongs to an organisation (saved from one of its programs, seen only there), or
to the platform (``organisation`` empty): the built-in templates every installation ships
(``designs.builtin``), which every organisation may start a program from.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation

from .schema import DESIGN_VERSION


class ProgramTemplate(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="program_templates",
        verbose_name=_("organisation"),
        help_text=_("Empty: the platform's template, which every organisation may use."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    built_in = models.BooleanField(_("built in"), default=False)
    # Which built-in template this is (designs.builtin), so shipping it again updates it.
    builtin_key = models.SlugField(max_length=40, blank=True, editable=False)
    # The version of the design's format (designs.schema.DESIGN_VERSION).
    version = models.PositiveSmallIntegerField(_("version"), default=DESIGN_VERSION)
    design = models.JSONField(_("design"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("program template")
        verbose_name_plural = _("program templates")
        ordering = ["-built_in", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(built_in=False) | models.Q(organisation__isnull=True),
                name="programtemplate_built_in_is_the_platforms",
            ),
            models.UniqueConstraint(
                fields=["builtin_key"],
                condition=models.Q(built_in=True),
                name="programtemplate_unique_builtin_key",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="programtemplate_unique_name_in_organisation",
                violation_error_message=_("The organisation already has a template by this name."),
            ),
        ]

    def __str__(self):
        return self.name
