"""What only a login's holder may confirm, and each organisation's own sign-in.

A login (``User``) is one human with one e-mail address, who may hold roles in
several organisations. HR of one organisation never changes it: linking a
manager or consultant record to an existing login, and a new address for a
login, wait in a ``LoginConfirmation`` until the holder confirms (see
``participants.accounts``).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import STORED_ROLES, Consultant, Organisation, Person, User


class LoginConfirmation(models.Model):
    """A change to a login that waits for its holder.

    The e-mail carries a signed token naming this row (``accounts.confirmation_token``);
    the row holds no secret, so reading the table gives nobody a working link.
    """

    class Kind(models.TextChoices):
        LINK_PERSON = "link_person", _("Connect a manager record to the login")
        LINK_CONSULTANT = "link_consultant", _("Connect a consultant record to the login")
        EMAIL = "email", _("New e-mail address for the login")
        # A stored role in the organisation (the platform operator inviting its HR
        # coordinator): given only when the login's holder confirms.
        MEMBERSHIP = "membership", _("Give the login a role in the organisation")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="confirmations")
    # The organisation whose records or data asked for the change, and the record
    # (for a new address: the record whose address changed).
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    consultant = models.ForeignKey(
        Consultant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    new_email = models.EmailField(blank=True)
    # For a role in the organisation: which one.
    role = models.CharField(
        max_length=20, choices=[(r.value, r.label) for r in STORED_ROLES], blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login confirmation")
        verbose_name_plural = _("login confirmations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="link_person", person__isnull=False, consultant__isnull=True)
                    | models.Q(
                        kind="link_consultant", consultant__isnull=False, person__isnull=True
                    )
                    | (
                        models.Q(kind="email")
                        & ~models.Q(new_email="")
                        & ~models.Q(person__isnull=False, consultant__isnull=False)
                    )
                    | (
                        models.Q(
                            kind="membership",
                            person__isnull=True,
                            consultant__isnull=True,
                            new_email="",
                        )
                        & ~models.Q(role="")
                    )
                ),
                name="login_confirmation_kind_fields",
            ),
        ]
        indexes = [models.Index(fields=["user", "state"], name="login_confirmation_user")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user}"


class LoginLinkRequest(models.Model):
    """A login link asked for (by HR's invitations or login links), apart from the outbox
    row that delivers it: "was one asked for a moment ago?" is read here."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_link_requests")
    outbox = models.OneToOneField(
        "core.OutboxTask", on_delete=models.CASCADE, related_name="login_link_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="login_link_request_user")]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class IdentityProvider(models.Model):
    """An organisation's own OpenID Connect sign-in (its identity provider)."""

    class MatchOn(models.TextChoices):
        EMAIL = "email", _("E-mail address (must be verified by the provider)")
        EMPLOYEE_NUMBER = "employee_number", _("Employee number")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    enabled = models.BooleanField(_("in use"), default=False)
    issuer = models.URLField(_("issuer"), max_length=500)
    client_id = models.CharField(_("client id"), max_length=255)
    client_secret = models.CharField(_("client secret"), max_length=500)
    match_on = models.CharField(
        _("the claim that names the person"),
        max_length=20,
        choices=MatchOn.choices,
        default=MatchOn.EMAIL,
    )
    employee_number_claim = models.CharField(
        _("name of the employee-number claim"), max_length=100, default="employee_number"
    )
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self):
        return self.issuer
