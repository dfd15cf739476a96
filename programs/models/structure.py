"""The program's structure: programs, modules, rounds, development groups, enrollments,
and the check-ins that follow a program's modules.

Rules that span rows (group size, module order, line-manager cycles) live in
``programs.services``; what a single row must satisfy lives here as database
constraints.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from participants.models import Consultant, Organisation, Person

from ..places import EnrollmentQuerySet, holding_place_q


class Program(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    motto = models.CharField(_("motto"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group"), default=20, validators=[MinValueValidator(1)]
    )
    max_group_size = models.PositiveSmallIntegerField(_("largest group"), default=25)
    # Every change HR makes on the program page (programs.editing); shown there.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=1)
                & models.Q(max_group_size__gte=models.F("min_group_size")),
                name="program_group_size_bounds",
            ),
        ]

    def __str__(self):
        return self.name


class Module(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    duration_days = models.DecimalField(
        _("days"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    responsible_consultant = models.ForeignKey(
        Consultant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_modules",
        verbose_name=_("module-responsible consultant"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="module_unique_order"),
            models.CheckConstraint(
                condition=models.Q(duration_days__gt=0), name="module_positive_duration"
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


class Round(models.Model):
    """An omgång: a wave of development groups that run in the same period."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))

    class Meta:
        verbose_name = pgettext_lazy("program round", "round")
        verbose_name_plural = pgettext_lazy("program round", "rounds")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="round_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
            ),
        ]

    def __str__(self):
        return _("Round %(number)s") % {"number": self.number}


class Group(models.Model):
    """An utvecklingsgrupp: 20–25 managers from different departments."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=200, blank=True)
    process_leaders = models.ManyToManyField(
        Consultant, blank=True, related_name="groups", verbose_name=_("process leaders")
    )
    # Who led the group when: one record per change of the process leaders
    # (programs.editing.group_process_leaders_set).
    history = HistoricalRecords(m2m_fields=[process_leaders])

    class Meta:
        verbose_name = _("development group")
        verbose_name_plural = _("development groups")
        ordering = ["round__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="group_unique_number"),
        ]

    def __str__(self):
        return self.name or str(_("Group %(number)s") % {"number": self.number})


class Enrollment(models.Model):
    """A person's place in a development group (deltagande)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MOVED = "moved", _("Moved")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="enrollments")
    # Denormalised from group.round.program so the database can enforce one
    # place per person and program; set by programs.services only.
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="enrollments", editable=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("moved from"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set only through programs.agreements.enrollment_set_reviewer, which logs
    # every change in ReviewerChange; None means the person's line manager.
    reviewer = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="reviewing_enrollments",
        verbose_name=_("reviewer of the agreements"),
    )

    # Which states hold the person's place in the program: programs.places.
    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "program"],
                condition=holding_place_q(),
                name="enrollment_one_place_per_program",
                violation_error_message=_("This manager is already enrolled in the program."),
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="enrollment_group_status")]

    def __str__(self):
        return f"{self.person} · {self.group}"


class CheckIn(models.Model):
    """An avstämning between the project leader and a module-responsible consultant."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="check_ins")
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=_("module"),
    )
    held_on = models.DateField(_("date"))
    project_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project leader"),
    )
    consultant = models.ForeignKey(
        Consultant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=_("consultant"),
    )
    observations = models.TextField(_("what was observed"), blank=True)
    corrections = models.TextField(_("corrections decided"), blank=True)
    follow_up = models.TextField(_("follow-up from the previous check-in"), blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.held_on} · {self.module or self.program}"
