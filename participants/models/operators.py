"""The platform operator: the consultancy's staff, a role above organisations.

An operator holds no membership in an organisation through this row: the
console shows every organisation's programs in aggregate (what the steering
group sees, and no more) and never an agreement text, a free-text answer or
anything under k. Operator pages live in ``console``; their access rule is
``participants.access.OperatorMixin``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlatformOperator(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="platform_operator",
        verbose_name=_("login"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("platform operator")
        verbose_name_plural = _("platform operators")

    def __str__(self):
        return str(self.user)
