"""People and organisations: login users, organisations and role memberships.

Stored roles (HR coordinator, process leader, steering group) come from a
``Membership``. The participant and line-manager roles are not stored: they
follow from the people data (see ``svc.roles``).
"""

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.collation import SWEDISH


class Role(models.TextChoices):
    HR = "hr", _("HR coordinator")
    PROCESS_LEADER = "process_leader", _("Process leader")
    STEERING = "steering", _("Steering group")
    # Derived from the people data, never stored in Membership.
    PARTICIPANT = "participant", _("Participant")
    LINE_MANAGER = "line_manager", _("Line manager")


STORED_ROLES = (Role.HR, Role.PROCESS_LEADER, Role.STEERING)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. The e-mail address is the username and is unique regardless of case."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The holder's own choice with the language button; empty: the site's language.
    # core.language reads it on every request of the logged-in user.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name()


class Organisation(models.Model):
    """A municipality or region. Organisations never see each other's data."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    # Off by default: HR sees response rates, never who is missing. An organisation
    # may let process leaders see who in their own groups has not answered yet.
    process_leaders_see_missing = models.BooleanField(
        _("process leaders may see who has not answered"), default=False
    )
    # Off: the organisation's pages open only after its own sign-in (IdentityProvider).
    password_login = models.BooleanField(_("password login allowed"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """Gives a user one stored role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in STORED_ROLES]),
                name="membership_stored_role_only",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Level(models.TextChoices):
    """Managerial level, from the top management team to first-line managers."""

    MUNICIPAL_MANAGEMENT = "kommunledning", _("Municipal management")
    DEPARTMENT_HEAD = "forvaltningschef", _("Head of department")
    DIVISION_HEAD = "avdelningschef", _("Head of division")
    FIRST_LINE = "enhetschef", _("First-line manager")


class Department(models.Model):
    """A förvaltning or verksamhet; departments form a tree inside one organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200, db_collation=SWEDISH)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(parent__isnull=True),
                name="department_unique_top_name",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=models.Q(parent__isnull=False),
                name="department_unique_child_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="department_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    """A manager in one organisation, from the HR system.

    The participant and line-manager roles follow from this row: a person
    with an active enrollment is a participant; a person with direct reports
    is a line manager.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    employee_number = models.CharField(_("employee number"), max_length=40)
    first_name = models.CharField(_("first name"), max_length=100, db_collation=SWEDISH)
    last_name = models.CharField(_("last name"), max_length=100, db_collation=SWEDISH)
    email = models.EmailField(_("e-mail address"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("department"),
    )
    level = models.CharField(
        _("managerial level"), max_length=20, choices=Level.choices, default=Level.FIRST_LINE
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("line manager"),
    )
    manager_since = models.DateField(_("manager since"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("login"),
    )

    class Meta:
        verbose_name = _("manager")
        verbose_name_plural = _("managers")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_number"], name="person_unique_employee_number"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="person_unique_user_per_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")),
                name="person_not_own_line_manager",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="person_name"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Consultant(models.Model):
    """An external process leader. May work for several organisations."""

    name = models.CharField(_("name"), max_length=200, db_collation=SWEDISH)
    firm = models.CharField(_("firm"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultant",
        verbose_name=_("login"),
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="consultants", verbose_name=_("organisations")
    )

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.firm})" if self.firm else self.name


class ManagerImport(models.Model):
    """One upload of an HR-system export, from preview to result.

    The file lives in private storage (never served by the web server) only
    between preview and confirmation, and is deleted once applied or dropped.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Imported")
        REFUSED = "refused", _("Refused")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="manager_imports"
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("manager import")
        verbose_name_plural = _("manager imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename
