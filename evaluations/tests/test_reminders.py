"""Reminders: to those who attended and have not answered, 3 days before the deadline, once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from evaluations.models import ReminderLog
from evaluations.tasks import send_reminders
from programs.models import Attendance, Session

from .factories import answer, make_group, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org, settings):
    settings.EVALUATION_WINDOW_DAYS = 14
    program = make_program(org)
    # Ended 12 days ago: the deadline is in 2 days, inside the 3-day reminder period.
    setup = make_group(program=program, size=4, ended_ago=dt.timedelta(days=12))
    return setup


def test_reminder_goes_to_attendees_who_have_not_answered(setup):
    answer(setup.enrollments[0], setup.sessions[1], text="Hemligt svar")
    Attendance.objects.filter(enrollment=setup.enrollments[1]).update(
        status=Attendance.Status.ABSENT
    )

    result = send_reminders.apply().get()

    expected = sorted(e.person.email for e in setup.enrollments[2:])
    assert result == {"sessions": 1, "emails": 2}
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert mail.outbox[0].subject == "Påminnelse: utvärdera Del av en helhet"
    assert "Hemligt svar" not in mail.outbox[0].body
    assert f"/o/orebro/utvardering/{setup.sessions[1].pk}/" in mail.outbox[0].body
    assert list(ReminderLog.objects.values_list("session_id", "recipients")) == [
        (setup.sessions[1].pk, 2)
    ]


def test_each_session_is_reminded_only_once(setup):
    send_reminders.apply()
    mail.outbox.clear()

    result = send_reminders.apply().get()

    assert result == {"sessions": 0, "emails": 0}
    assert mail.outbox == []


def test_no_reminder_before_the_reminder_day_or_after_the_deadline(setup):
    session = setup.sessions[1]
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        ends_at=now - dt.timedelta(days=5), starts_at=now - dt.timedelta(days=5, hours=8)
    )
    early = send_reminders.apply().get()
    Session.objects.filter(pk=session.pk).update(
        ends_at=now - dt.timedelta(days=15), starts_at=now - dt.timedelta(days=15, hours=8)
    )
    late = send_reminders.apply().get()

    assert (early, late) == ({"sessions": 0, "emails": 0}, {"sessions": 0, "emails": 0})
    assert mail.outbox == []
