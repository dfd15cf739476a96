"""Agreements between a participant and their line manager: the texts, the questions HR
set up, who reviews them, and the reminders before a module."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from participants.models import Person

from .sessions import Session
from .structure import Enrollment, Program


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
