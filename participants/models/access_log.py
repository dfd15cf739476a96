"""Who opened whose personal data: the access log (GDPR art. 5(2), 32).

A row says who (a login), did what (an action), to whom (a manager record, or
nobody for a list) and when. It holds no other personal data: no names, no
addresses, no content of what was seen. The retention kind ``access_log``
removes old rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Organisation, Person


class PersonalDataAccess(models.Model):
    class Action(models.TextChoices):
        EXTRACT = "extract", _("Opened a register extract")
        EXTRACT_EXPORT = "extract_export", _("Downloaded a register extract")
        LIST_EXPORT = "list_export", _("Exported a list of people")
        PERSON_VIEWED = "person_viewed", _("Viewed a person's page")
        ERASURE = "erasure", _("Erased or pseudonymised a person")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    # Who: kept as the login, not as a name; a removed login leaves the row without it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Whom: empty for a list of people.
    subject = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # Which list or which form (a fixed name such as "person_export"), never content.
    what = models.CharField(_("what"), max_length=100, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "at"], name="access_log_org_at")]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"
