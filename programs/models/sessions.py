"""A group's sessions, the attendance registered at them, and the e-mail asked for about them.

``InvitationRequest`` and ``SessionReminder`` are the record of what was asked
for; the e-mail itself goes out through the outbox (``core.outbox``), whose
task row is only the delivery.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import OutboxTask
from participants.models import Consultant

from ..session_days import SessionDay, session_days
from .structure import Enrollment, Group, Module


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

    @property
    def days(self) -> list[SessionDay]:
        """The days it is held, each with its hours (the rule: ``programs.session_days``)."""
        return session_days(self.starts_at, self.ends_at)


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


class InvitationRequest(models.Model):
    """An HR coordinator asked for a group's invitations to be sent.

    The invitations page and the "already sent" rule read these rows. ``outbox``
    is the task that mails the members: its state says whether the request
    waits, is being sent, was sent (and to whom) or failed.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitation_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    send_again = models.BooleanField(default=False)
    outbox = models.OneToOneField(
        OutboxTask, on_delete=models.PROTECT, related_name="invitation_request"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["group", "-created_at"], name="invitation_request_group"),
        ]

    def __str__(self):
        return f"{self.group} · {self.created_at:%Y-%m-%d %H:%M}"


class SessionReminder(models.Model):
    """The reminder before a session was queued for a member: once per member and session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="session_reminder_once_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.session}"


class MakeUpBooking(models.Model):
    """An uppsamling: a participant booked into another group's session of a module they lack.

    The guest's attendance there is an ordinary ``Attendance`` row (their own
    enrollment × the host session), so it counts in the host session's
    attendance and, by ``programs.completion``, toward the completion of their
    place in their own group. Written by ``programs.makeups`` only.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="make_up_bookings"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="make_up_bookings")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("make-up booking")
        verbose_name_plural = _("make-up bookings")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"],
                name="make_up_once_per_session",
                violation_error_message=_("This participant is already booked into the session."),
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.session}"
