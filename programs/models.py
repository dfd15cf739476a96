"""The program's structure: modules, rounds, development groups, enrollments,
sessions, attendance, agreements and check-ins.

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

from .places import EnrollmentQuerySet


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
                condition=~models.Q(status__in=["withdrawn", "moved"]),
                name="enrollment_one_place_per_program",
                violation_error_message=_("This manager is already enrolled in the program."),
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="enrollment_group_status")]

    def __str__(self):
        return f"{self.person} · {self.group}"


class Session(models.Model):
    """A modultillfälle: one group's occasion of one module."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    process_leader = models.ForeignKey(
        Consultant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("process leader"),
    )
    # The calendar event's SEQUENCE (RFC 5545): raised each time the time, venue or
    # process leader changes, so calendar programs replace the entry they hold.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "module"],
                name="session_one_per_group_and_module",
                violation_error_message=_("This group already has a session of this module."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.group} · {self.module}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.person} · {self.session} · {self.get_status_display()}"


class Agreement(models.Model):
    """Överenskommelse mellan mig och min chef, one per enrollment and stage.

    The texts are keyed by field name (the fields are configurable per
    program). Only the participant and their line manager (or the reviewer HR
    named) may read them.
    """

    class Stage(models.TextChoices):
        BEFORE_1 = "before_1", _("Before module 1")
        BETWEEN_1_2 = "between_1_2", _("Between modules 1 and 2")
        BETWEEN_2_3 = "between_2_3", _("Between modules 2 and 3")
        BETWEEN_3_4 = "between_3_4", _("Between modules 3 and 4")
        ROADMAP = "roadmap", _("Roadmap after module 4")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the line manager")
        RETURNED = "returned", _("Sent back")
        AGREED = "agreed", _("Agreed")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="agreements")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    return_comment = models.TextField(_("comment from the line manager"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed by"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "stage"], name="agreement_one_per_stage"),
            models.CheckConstraint(
                condition=~models.Q(status="agreed") | models.Q(agreed_at__isnull=False),
                name="agreement_agreed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.person} · {self.get_stage_display()}"


class AgreementField(models.Model):
    """One question of the agreement form, as HR set it up for a program.

    A program without rows uses the default questions of
    ``programs.agreements.rules.DEFAULT_FIELDS``. Answers are stored in
    ``Agreement.texts`` under ``key``, which never changes once created, so a
    renamed question keeps its answers. Questions are switched off, never
    deleted.
    """

    class Part(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Follow-up (between modules only)")
        PLAN = "plan", _("Plan (before module 1 and between modules)")
        ROADMAP = "roadmap", _("Roadmap (after module 4)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="agreement_fields")
    part = models.CharField(_("part"), max_length=12, choices=Part.choices)
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    multiline = models.BooleanField(_("several lines"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("agreement question")
        verbose_name_plural = _("agreement questions")
        ordering = ["program", "part", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="agreement_field_unique_key"),
        ]

    def __str__(self):
        return self.label


class ReviewerChange(models.Model):
    """HR named (or removed) a reviewer for an enrollment's agreements: the history of
    ``Enrollment.reviewer``."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="reviewer_changes"
    )
    # None: the agreements go back to the person's line manager.
    reviewer = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer change")
        verbose_name_plural = _("reviewer changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.enrollment} → {self.reviewer or '-'}"


class AgreementReminder(models.Model):
    """A reminder that a stage is due before a session; one per enrollment and stage."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="agreement_reminders"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Agreement.Stage.choices)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agreement reminder")
        verbose_name_plural = _("agreement reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "stage"], name="agreement_reminder_once_per_stage"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.get_stage_display()}"


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
