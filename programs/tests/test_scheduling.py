"""Scheduling, invitations, reminders, attendance and completion: the rules and what is sent."""

import datetime as dt
import re
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import formats, timezone, translation
from icalendar import Calendar

from core.models import OutboxTask
from core.outbox import flush_pending
from participants.models import Role
from participants.tests.factories import (
    ConsultantFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from programs import scheduling
from programs.models import Attendance, Enrollment, InvitationRequest, Session, SessionReminder
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

MODULES = [
    (1, "Del av en helhet", "1.5"),
    (2, "Klar ledare", "2"),
    (3, "Säker chef", "1"),
    (4, "Initiativrik utvecklare", "1.5"),
]


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def at(day: dt.date | str, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime in Swedish time."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_program(organisation):
    program = ProgramFactory(organisation=organisation, name="Sveriges viktigaste chefsjobb")
    modules = [
        ModuleFactory(program=program, order=order, name=name, duration_days=Decimal(days))
        for order, name, days in MODULES
    ]
    return program, modules


def make_group(program, *, number=1, members=3, name=""):
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=number, name=name)
    enrollments = [
        EnrollmentFactory(group=group, person=PersonFactory(organisation=program.organisation))
        for _ in range(members)
    ]
    return group, enrollments


def schedule(group, modules, starts, leader=None, venue="Örebro slott"):
    """Sessions for the modules, each starting at the given day at 09:00 and ending 16:00."""
    return [
        SessionFactory(
            group=group,
            module=module,
            starts_at=at(day, 9),
            ends_at=at(day, 16),
            venue=venue,
            process_leader=leader,
        )
        for module, day in zip(modules, starts, strict=False)
    ]


def plans_for(group, values):
    """Plans for every module; values maps module order → (start, end, leader)."""
    plans = scheduling.schedule_plans(group=group)
    for plan in plans:
        if plan.module.order in values:
            plan.starts_at, plan.ends_at, plan.process_leader = values[plan.module.order]
            plan.venue = "Örebro slott"
    return plans


@pytest.fixture
def program(org):
    return make_program(org)


@pytest.fixture
def leader(org):
    return ConsultantFactory(name="Pia Lindqvist", firm="", organisations=[org])


# --- Scheduling ---------------------------------------------------------------------------------


def test_group_schedule_save_stores_four_sessions_in_module_order(program, leader):
    group, _ = make_group(program[0])
    values = {
        1: (at("2015-03-02", 9), at("2015-03-03", 12), leader),
        2: (at("2015-03-30", 9), at("2015-03-31", 16), leader),
        3: (at("2015-04-27", 9), at("2015-04-27", 16), None),
        4: (at("2015-05-25", 9), at("2015-05-26", 12), leader),
    }

    result = scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    stored = [
        (s.module.order, s.starts_at, s.ends_at, s.venue, s.process_leader)
        for s in Session.objects.filter(group=group).order_by("module__order")
    ]
    assert result.changed == 4
    assert stored == [
        (order, *values[order][:2], "Örebro slott", values[order][2]) for order in values
    ]


def test_group_schedule_save_refuses_a_module_before_the_previous_has_ended(program):
    group, _ = make_group(program[0])
    values = {
        1: (at("2015-03-02", 9), at("2015-03-03", 12), None),
        2: (at("2015-03-03", 9), at("2015-03-04", 16), None),
    }

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert exc.value.message_dict == {
        "m2_starts_at": ["Modul 2 kan inte börja innan modul 1 har slutat (2015-03-03 12:00)."]
    }
    assert Session.objects.filter(group=group).count() == 0


def test_group_schedule_save_refuses_an_end_before_the_start_and_a_half_given_time(program):
    group, _ = make_group(program[0])
    plans = plans_for(group, {1: (at("2015-03-02", 9), at("2015-03-02", 8), None)})
    plans[1].starts_at = at("2015-04-01", 9)

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans)

    assert exc.value.message_dict == {
        "m1_ends_at": ["Modul 1 måste sluta efter att den börjar."],
        "m2_ends_at": ["Modul 2: ange också när den slutar."],
    }


def test_group_schedule_save_refuses_a_double_booked_process_leader(program, leader):
    other_group, _ = make_group(program[0], number=2, name="Kommunledningen")
    schedule(other_group, program[1][:1], ["2015-03-02"], leader=leader)
    group, _ = make_group(program[0], number=3)
    values = {1: (at("2015-03-02", 13), at("2015-03-03", 12), leader)}

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert exc.value.message_dict == {
        "m1_process_leader": [
            "Pia Lindqvist är redan bokad då: Kommunledningen, modul 1, "
            "2015-03-02 09:00–2015-03-02 16:00. Välj en annan tid eller processledare."
        ]
    }
    assert exc.value.error_dict["m1_process_leader"][0].code == "double_booked"


def test_group_schedule_save_names_no_details_of_another_organisations_booking(program, leader):
    elsewhere = OrganisationFactory(slug="region-x")
    leader.organisations.add(elsewhere)
    their_program, their_modules = make_program(elsewhere)
    their_group, _ = make_group(their_program, name="Hemlig grupp")
    schedule(their_group, their_modules[:1], ["2015-03-02"], leader=leader)
    group, _ = make_group(program[0], number=2)
    values = {1: (at("2015-03-02", 10), at("2015-03-02", 11), leader)}

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert exc.value.messages == [
        "Pia Lindqvist är redan bokad 2015-03-02 09:00–16:00 i ett annat uppdrag. Välj en "
        "annan tid eller processledare."
    ]


def test_group_schedule_save_allows_back_to_back_sessions_of_one_process_leader(program, leader):
    other_group, _ = make_group(program[0], number=2)
    schedule(other_group, program[1][:1], ["2015-03-02"], leader=leader)
    group, _ = make_group(program[0], number=3)
    values = {1: (at("2015-03-02", 16), at("2015-03-02", 20), leader)}

    result = scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert result.changed == 1


def test_group_schedule_save_lets_a_clash_already_stored_be_while_the_venue_changes(
    program, leader
):
    _, modules = program
    other_group, _ = make_group(program[0], number=2)
    schedule(other_group, modules[:1], ["2015-03-02"], leader=leader)
    group, _ = make_group(program[0], number=3)
    schedule(group, modules[:1], ["2015-03-02"], leader=leader)  # stored before the rule
    plans = scheduling.schedule_plans(group=group)
    plans[0].venue = "Conventum"

    result = scheduling.group_schedule_save(group=group, plans=plans)

    assert result.changed == 1
    assert Session.objects.get(group=group).venue == "Conventum"


def test_group_schedule_save_refuses_a_consultant_of_another_organisation(program):
    outsider = ConsultantFactory(name="Olle Ek", organisations=[OrganisationFactory(slug="x")])
    group, _ = make_group(program[0])

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(
            group=group,
            plans=plans_for(group, {1: (at("2015-03-02", 9), at("2015-03-02", 16), outsider)}),
        )

    assert exc.value.message_dict == {
        "m1_process_leader": ["Olle Ek arbetar inte för den här organisationen."]
    }


def test_group_schedule_save_moves_every_session_a_season_later_in_one_go(program):
    _, modules = program
    group, _ = make_group(program[0])
    schedule(group, modules, ["2015-03-02", "2015-03-30", "2015-04-27", "2015-05-25"])
    later = ["2015-09-07", "2015-10-05", "2015-11-02", "2015-11-30"]
    values = {order: (at(day, 9), at(day, 16), None) for order, day in enumerate(later, 1)}

    result = scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    starts = list(
        Session.objects.filter(group=group)
        .order_by("module__order")
        .values_list("starts_at", flat=True)
    )
    assert result.changed == 4
    assert starts == [at(day, 9) for day in later]


def test_group_schedule_save_moves_sessions_earlier_and_adds_a_new_one(program):
    _, modules = program
    group, _ = make_group(program[0])
    schedule(group, modules[:3], ["2015-09-07", "2015-10-05", "2015-11-02"])
    earlier = ["2015-02-02", "2015-03-02", "2015-04-06", "2015-05-04"]
    values = {order: (at(day, 9), at(day, 16), None) for order, day in enumerate(earlier, 1)}

    scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    starts = list(
        Session.objects.filter(group=group)
        .order_by("module__order")
        .values_list("starts_at", flat=True)
    )
    assert starts == [at(day, 9) for day in earlier]


def test_group_schedule_save_refuses_emptying_a_scheduled_module(program):
    _, modules = program
    group, _ = make_group(program[0])
    schedule(group, modules[:1], ["2015-03-02"])
    plans = scheduling.schedule_plans(group=group)
    plans[0].starts_at = plans[0].ends_at = None

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans)

    assert exc.value.message_dict == {
        "m1_starts_at": ["Modul 1 är redan planerad; ange när den börjar och slutar."]
    }


def test_group_schedule_save_twice_changes_nothing_the_second_time(program, leader):
    group, _ = make_group(program[0])
    values = {1: (at("2015-03-02", 9), at("2015-03-02", 16), leader)}
    scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    again = scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert again.changed == 0
    assert Session.objects.filter(group=group).count() == 1


# --- Invitations ----------------------------------------------------------------------------------


ACTIVATION = re.compile(r"http://127\.0\.0\.1:8000/aktivera/[^/\s]+/[^/\s]+/")


@pytest.fixture
def invited_group(org, program, leader):
    """Group 1 with four sessions and three members: one who can log in, two without a login."""
    _, modules = program
    group, enrollments = make_group(program[0], members=0, name="Grupp Ek")
    people = [
        PersonFactory(
            organisation=org, first_name=first, last_name=last, email=f"{first.lower()}@orebro.se"
        )
        for first, last in [("Anna", "Andersson"), ("Bo", "Berg"), ("Cia", "Carlsson")]
    ]
    people[0].user = UserFactory(email="anna@orebro.se")
    people[0].save()
    enrollments = [EnrollmentFactory(group=group, person=p) for p in people]
    schedule(group, modules, ["2015-03-02", "2015-03-30", "2015-04-27", "2015-05-25"], leader)
    return group, enrollments


def _send(group, **kwargs):
    with transaction.atomic():
        return scheduling.invitations_send(group=group, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_invitations_send_mails_each_member_with_the_groups_calendar(invited_group):
    group, enrollments = invited_group

    request = _send(group)

    request.row.refresh_from_db()
    assert request.members == 3
    assert request.row.state == OutboxTask.State.DONE
    assert sorted(request.row.result["sent"]) == sorted(e.pk for e in enrollments)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@orebro.se",
        "bo@orebro.se",
        "cia@orebro.se",
    ]
    message = next(m for m in mail.outbox if m.to == ["bo@orebro.se"])
    assert message.subject == "Inbjudan till Sveriges viktigaste chefsjobb: Grupp Ek"
    assert message.body.startswith("Hej Bo Berg!\n\nDu är inbjuden till Sveriges viktigaste")
    assert (
        "- 1. Del av en helhet: måndag 2 mars 2015 09:00–16:00, Örebro slott. "
        "Processledare: Pia Lindqvist\n"
    ) in message.body
    assert message.alternatives[0][1] == "text/html"
    (attachment,) = message.attachments
    assert (attachment[0], attachment[2]) == ("grupp-ek.ics", "text/calendar")
    events = Calendar.from_ical(attachment[1]).walk("VEVENT")
    sessions = list(Session.objects.filter(group=group).order_by("module__order"))
    assert [str(e["uid"]) for e in events] == [f"session-{s.pk}@127.0.0.1" for s in sessions]
    assert [e["dtstart"].dt for e in events] == [s.starts_at for s in sessions]
    assert str(events[1]["summary"]) == (
        "Sveriges viktigaste chefsjobb: modul 2 Klar ledare (Grupp Ek)"
    )


@pytest.mark.django_db(transaction=True)
def test_invitations_carry_an_activation_link_only_for_those_without_a_password(invited_group):
    group, _ = invited_group

    _send(group)

    links = {m.to[0]: ACTIVATION.findall(m.body) for m in mail.outbox}
    assert {address: len(found) for address, found in links.items()} == {
        "anna@orebro.se": 0,
        "bo@orebro.se": 1,
        "cia@orebro.se": 1,
    }
    bo = Enrollment.objects.get(person__email="bo@orebro.se").person
    assert bo.user.email == "bo@orebro.se"
    assert bo.user.has_usable_password() is False


@pytest.mark.django_db(transaction=True)
def test_invitations_send_again_is_refused_unless_asked_for(invited_group):
    group, _ = invited_group
    _send(group)

    with pytest.raises(ValidationError) as exc:
        _send(group)

    assert exc.value.message_dict == {
        "send_again": [
            "Inbjudningarna till gruppen är redan skickade. Kryssa i ”Skicka igen” om alla "
            "ska få dem en gång till."
        ]
    }
    assert len(mail.outbox) == 3
    _send(group, send_again=True)
    assert len(mail.outbox) == 6


def test_invitations_send_refuses_a_group_without_sessions(program):
    group, _ = make_group(program[0])

    with pytest.raises(ValidationError) as exc:
        scheduling.invitations_send(group=group)

    assert exc.value.messages == [
        "Planera gruppens modultillfällen först: inbjudan räknar upp dem."
    ]
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_invitations_send_login_links_to_line_managers_outside_the_program(org, invited_group):
    group, enrollments = invited_group
    outside = PersonFactory(organisation=org, first_name="Ulla", email="ulla@orebro.se")
    inside = enrollments[0].person
    with_password = PersonFactory(
        organisation=org, email="vera@orebro.se", user=UserFactory(email="vera@orebro.se")
    )
    for person, boss in zip(enrollments, [outside, inside, with_password], strict=True):
        person.person.line_manager = boss
        person.person.save()

    request = _send(group)

    assert request.line_managers == 1
    login_links = [m.to for m in mail.outbox if m.subject.startswith("Din inloggning")]
    assert login_links == [["ulla@orebro.se"]]
    outside.refresh_from_db()
    assert outside.user.has_usable_password() is False


@pytest.mark.django_db(transaction=True)
def test_invitation_task_run_again_with_its_row_mails_nobody_twice(invited_group):
    from programs.tasks import send_group_invitations

    group, _ = invited_group
    request = _send(group)

    again = send_group_invitations.apply(
        kwargs={"group_id": group.pk, "outbox_id": str(request.row.pk)}
    ).get()

    assert len(mail.outbox) == 3
    assert len(again["sent"]) == 3


@pytest.mark.django_db(transaction=True)
def test_invitation_task_continues_after_smtp_trouble_without_repeating(invited_group):
    """SMTP fails at the second e-mail: the row keeps who got one, and the next run goes on."""
    group, _ = invited_group
    real_send = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages[0].to[0])
        if len(calls) == 2:
            raise ConnectionRefusedError("SMTP server not answering")
        return real_send(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        request = _send(group)
        request.row.refresh_from_db()
        assert request.row.state == OutboxTask.State.PENDING
        assert len(request.row.result["sent"]) == 1
        assert flush_pending(older_than_seconds=0) == 1

    request.row.refresh_from_db()
    assert request.row.state == OutboxTask.State.DONE
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@orebro.se",
        "bo@orebro.se",
        "cia@orebro.se",
    ]
    assert len(calls) == 4


@pytest.mark.django_db(transaction=True)
def test_invitation_task_after_its_last_try_marks_the_request_failed(invited_group):
    from programs.tasks import MAX_RETRIES, send_group_invitations

    group, _ = invited_group

    def refused(self, messages):
        raise ConnectionRefusedError("SMTP server not answering")

    with mock.patch.object(EmailBackend, "send_messages", refused):
        request = _send(group)
        last = send_group_invitations.apply(
            kwargs={"group_id": group.pk, "outbox_id": str(request.row.pk)},
            retries=MAX_RETRIES,
            throw=False,
        )

    request.row.refresh_from_db()
    assert last.state == "FAILURE"
    assert (request.row.state, request.row.error) == (
        OutboxTask.State.FAILED,
        "SMTP server not answering",
    )
    assert scheduling.invitation_state_label(request.row) == (
        "Misslyckades: e-posten kunde inte skickas. Försök igen senare."
    )


def test_invitation_overview_says_who_can_be_reached(org, invited_group):
    group, enrollments = invited_group
    enrollments[2].person.email = ""
    enrollments[2].person.save()

    overview = scheduling.invitation_overview(group=group)

    assert [
        (m.person.first_name, m.reachable, m.gets_activation_link) for m in overview.members
    ] == [("Anna", True, False), ("Bo", True, True), ("Cia", False, False)]
    assert overview.asked_before is False


@pytest.mark.django_db(transaction=True)
def test_group_login_links_send_skips_a_second_click(invited_group):
    group, _ = invited_group

    with transaction.atomic():
        first = scheduling.group_login_links_send(group=group)
    with transaction.atomic():
        second = scheduling.group_login_links_send(group=group)

    assert (first.sent, first.recently_sent) == (2, 0)
    assert (second.sent, second.recently_sent) == (0, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@orebro.se", "cia@orebro.se"]


@pytest.mark.django_db(transaction=True)
def test_login_links_right_after_the_invitations_skip_the_members(invited_group):
    group, _ = invited_group
    _send(group)

    with transaction.atomic():
        result = scheduling.group_login_links_send(group=group)

    assert (result.sent, result.recently_sent) == (0, 2)
    assert [m for m in mail.outbox if m.subject.startswith("Din inloggning")] == []


@pytest.mark.django_db(transaction=True)
def test_invitations_send_records_who_asked_and_whether_again(invited_group):
    group, _ = invited_group
    asker = UserFactory(full_name="Hanna Holm")

    first = _send(group, requested_by=asker)
    second = _send(group, send_again=True)

    assert list(
        InvitationRequest.objects.order_by("created_at").values_list(
            "group", "requested_by", "send_again", "outbox"
        )
    ) == [
        (group.pk, asker.pk, False, first.row.pk),
        (group.pk, None, True, second.row.pk),
    ]
    assert [r.requested_by for r in scheduling.invitation_requests(group=group)] == [
        "",
        "Hanna Holm",
    ]


def test_invitations_asked_for_agrees_with_each_request(program):
    group, _ = make_group(program[0])
    for state in OutboxTask.State.values:
        row = OutboxTask.objects.create(task_name=scheduling.SEND_INVITATIONS, state=state)
        InvitationRequest.objects.create(group=group, outbox=row)

    asked_for = set(scheduling.invitations_asked_for(group=group).values_list("outbox", flat=True))

    requests = scheduling.invitation_requests(group=group)
    assert len(requests) == 4
    assert {r.row.pk for r in requests if r.asked_for} == asked_for
    assert sorted(OutboxTask.objects.filter(pk__in=asked_for).values_list("state", flat=True)) == [
        "done",
        "pending",
        "queued",
    ]


# --- Reminders ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reminders_go_out_once_per_member_and_session_within_the_window(
    org, program, leader, settings
):
    settings.SESSION_REMINDER_DAYS = 3
    _, modules = program
    group, enrollments = make_group(program[0], members=2, name="Grupp Ek")
    now = timezone.now()
    soon = SessionFactory(
        group=group,
        module=modules[0],
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=7),
        process_leader=leader,
    )
    SessionFactory(
        group=group,
        module=modules[1],
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=7),
    )

    first = scheduling.reminders_queue()
    second = scheduling.reminders_queue()

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.person.email for e in enrollments)
    date = formats.date_format(timezone.localtime(soon.starts_at), "l j F")
    assert mail.outbox[0].subject == f"Påminnelse: modul 1, Del av en helhet, börjar {date}"
    assert "Om 2 dagar börjar modul 1, Del av en helhet, för Grupp Ek:" in mail.outbox[0].body
    events = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"session-{soon.pk}@127.0.0.1"]


def test_reminders_queue_records_each_member_and_session(org, program):
    _, modules = program
    group, enrollments = make_group(program[0], members=2)
    now = timezone.now()
    session = SessionFactory(
        group=group,
        module=modules[0],
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=7),
    )

    queued = scheduling.reminders_queue()

    assert queued == 2
    assert sorted(SessionReminder.objects.values_list("session", "enrollment")) == sorted(
        (session.pk, e.pk) for e in enrollments
    )


@pytest.mark.django_db(transaction=True)
def test_a_member_who_joins_later_still_gets_the_reminder(org, program):
    _, modules = program
    group, _ = make_group(program[0], members=1)
    now = timezone.now()
    SessionFactory(
        group=group,
        module=modules[0],
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=7),
    )
    scheduling.reminders_queue()
    EnrollmentFactory(group=group, person=PersonFactory(organisation=org, email="ny@orebro.se"))

    assert scheduling.reminders_queue() == 1
    assert [m.to for m in mail.outbox][-1] == ["ny@orebro.se"]


# --- Attendance and completion ---------------------------------------------------------------


@pytest.fixture
def held_group(program):
    """A group of two whose four sessions were all held in 2015."""
    _, modules = program
    group, enrollments = make_group(program[0], members=2)
    sessions = schedule(group, modules, ["2015-03-02", "2015-03-30", "2015-04-27", "2015-05-25"])
    return group, enrollments, sessions


def test_attendance_register_completes_an_enrollment_present_at_every_module(held_group):
    _, (anna, bo), sessions = held_group
    for session in sessions[:3]:
        scheduling.attendance_register(
            session=session, statuses={anna.pk: "present", bo.pk: "present"}
        )

    result = scheduling.attendance_register(
        session=sessions[3], statuses={anna.pk: "present", bo.pk: "excused"}
    )

    anna.refresh_from_db()
    bo.refresh_from_db()
    assert (result.saved, result.completed) == (2, 1)
    assert (anna.status, bo.status) == (Enrollment.Status.COMPLETED, Enrollment.Status.ACTIVE)


def test_attendance_changed_to_absent_takes_completion_back(held_group):
    _, (anna, _), sessions = held_group
    for session in sessions:
        scheduling.attendance_register(session=session, statuses={anna.pk: "present"})

    scheduling.attendance_register(session=sessions[1], statuses={anna.pk: "absent"})

    anna.refresh_from_db()
    assert anna.status == Enrollment.Status.ACTIVE
    assert Attendance.objects.get(enrollment=anna, session=sessions[1]).status == "absent"


def test_attendance_makes_a_planned_enrollment_active(held_group):
    _, (anna, _), sessions = held_group
    Enrollment.objects.filter(pk=anna.pk).update(status=Enrollment.Status.PLANNED)

    scheduling.attendance_register(session=sessions[0], statuses={anna.pk: "excused"})

    anna.refresh_from_db()
    assert anna.status == Enrollment.Status.ACTIVE


def test_attendance_saved_twice_keeps_one_row_per_member(held_group):
    _, (anna, bo), sessions = held_group
    statuses = {anna.pk: "present", bo.pk: "absent"}

    scheduling.attendance_register(session=sessions[0], statuses=statuses)
    scheduling.attendance_register(session=sessions[0], statuses=statuses)

    assert sorted(
        Attendance.objects.filter(session=sessions[0]).values_list("enrollment_id", "status")
    ) == sorted(statuses.items())


def test_attendance_before_the_session_allows_excused_only(program):
    _, modules = program
    group, (anna, bo, _) = make_group(program[0])
    session = SessionFactory(
        group=group, module=modules[0], starts_at=at("2015-03-02", 9), ends_at=at("2015-03-02", 16)
    )

    with pytest.raises(ValidationError) as exc:
        scheduling.attendance_register(
            session=session,
            statuses={anna.pk: "present", bo.pk: "excused"},
            today=dt.date(2015, 3, 1),
        )

    assert exc.value.message_dict == {
        f"attendance_{anna.pk}": [
            f"{anna.person.full_name}: närvarande eller frånvarande kan registreras från "
            "2 mars 2015, när modultillfället börjar. Anmäld frånvaro kan registreras redan nu."
        ]
    }
    assert Attendance.objects.count() == 0
    scheduling.attendance_register(
        session=session, statuses={bo.pk: "excused"}, today=dt.date(2015, 3, 1)
    )
    assert Attendance.objects.get().status == "excused"


def test_attendance_for_someone_outside_the_group_is_refused(held_group, program):
    _, _, sessions = held_group
    stranger, _ = make_group(program[0], number=2, members=1)
    outsider = stranger.enrollments.get()

    with pytest.raises(ValidationError) as exc:
        scheduling.attendance_register(session=sessions[0], statuses={outsider.pk: "present"})

    assert exc.value.messages == [
        "Personen är varken med i gruppen eller bokad på modultillfället."
    ]


# --- Rates, month, process leader ----------------------------------------------------------------


def test_group_and_program_progress_count_completion_and_attendance(program, held_group):
    group, (anna, bo), sessions = held_group
    for session in sessions:
        scheduling.attendance_register(session=session, statuses={anna.pk: "present"})
    scheduling.attendance_register(session=sessions[0], statuses={bo.pk: "absent"})
    EnrollmentFactory(group=group, status=Enrollment.Status.WITHDRAWN)
    other, _ = make_group(program[0], number=2, members=1)

    progress = scheduling.group_progress(group=group)
    rounds = scheduling.program_progress(program=program[0])

    rates = progress.rates
    assert (rates.members, rates.completed, rates.present, rates.absent) == (2, 1, 4, 1)
    assert (rates.completion_percent, rates.attendance_percent) == (50, 80)
    assert [(r.present, r.absent, r.not_recorded) for r in progress.sessions] == [
        (1, 1, 0),
        (1, 0, 1),
        (1, 0, 1),
        (1, 0, 1),
    ]
    (round_1,) = rounds
    assert [(g.pk, r.members, r.completed) for g, r in round_1.groups] == [
        (group.pk, 2, 1),
        (other.pk, 1, 0),
    ]
    assert (round_1.rates.members, round_1.rates.completion_percent) == (3, 33)


def test_month_sessions_and_the_nearest_months_with_sessions(org, program):
    _, modules = program
    group, _ = make_group(program[0])
    schedule(group, modules[:2], ["2015-03-31", "2015-06-01"])

    march = scheduling.month_sessions(organisation=org, first_day=dt.date(2015, 3, 1))
    nearest = scheduling.nearest_session_months(organisation=org, first_day=dt.date(2015, 4, 1))

    assert [s.module.order for s in march] == [1]
    assert nearest == (dt.date(2015, 3, 1), dt.date(2015, 6, 1))


def test_process_leader_overview_lists_my_groups_next_sessions_and_missing_attendance(
    org, program, process_leader_user
):
    _, modules = program
    me = ConsultantFactory(user=process_leader_user, organisations=[org])
    mine, (anna, _, _) = make_group(program[0], number=1)
    led_by_me, _ = make_group(program[0], number=2)
    led_by_me.process_leaders.add(me)
    not_mine, _ = make_group(program[0], number=3)
    now = timezone.now()
    held = SessionFactory(
        group=mine,
        module=modules[0],
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=3) + dt.timedelta(hours=6),
        process_leader=me,
    )
    AttendanceFactory(session=held, enrollment=anna)
    coming = SessionFactory(
        group=mine,
        module=modules[1],
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=20, hours=6),
        process_leader=me,
    )
    SessionFactory(group=not_mine, module=modules[0], process_leader=ConsultantFactory())

    overview = scheduling.process_leader_overview(user=process_leader_user, organisation=org)

    assert [(g.number, g.size, g.next_start) for g in overview.groups] == [
        (1, 3, coming.starts_at),
        (2, 3, None),
    ]
    assert overview.upcoming == [coming]
    assert [(s, s.recorded, s.members) for s in overview.to_register] == [(held, 1, 3)]


def test_sessions_visible_to_a_process_leader_are_those_they_lead(
    org, program, process_leader_user
):
    _, modules = program
    me = ConsultantFactory(user=process_leader_user, organisations=[org])
    mine, _ = make_group(program[0], number=1)
    co_led, _ = make_group(program[0], number=2)
    co_led.process_leaders.add(me)
    other, _ = make_group(program[0], number=3)
    led = SessionFactory(group=mine, module=modules[0], process_leader=me)
    of_co_led_group = SessionFactory(group=co_led, module=modules[0], process_leader=None)
    SessionFactory(group=other, module=modules[0], process_leader=ConsultantFactory())

    visible = scheduling.sessions_visible_to(
        user=process_leader_user, organisation=org, roles={Role.PROCESS_LEADER}
    )

    assert sorted(visible.values_list("pk", flat=True)) == sorted([led.pk, of_co_led_group.pk])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_invitations_kept_while_redis_is_down_reach_the_real_worker_once_it_is_back(
    invited_group, real_queue, redis_stopped
):
    group, enrollments = invited_group
    request = _send(group)
    request.row.refresh_from_db()
    assert request.row.state == OutboxTask.State.PENDING

    redis_stopped.start()
    assert flush_pending(older_than_seconds=0) == 1

    deadline = time.monotonic() + 30
    while request.row.state != OutboxTask.State.DONE and time.monotonic() < deadline:
        time.sleep(0.1)
        request.row.refresh_from_db()
    assert request.row.state == OutboxTask.State.DONE
    assert sorted(request.row.result["sent"]) == sorted(e.pk for e in enrollments)
    assert flush_pending(older_than_seconds=0) == 0


@pytest.mark.django_db(transaction=True)
def test_send_again_while_the_first_request_waits_sends_each_member_one_e_mail(
    invited_group, redis_stopped
):
    from svc.celery import app

    group, _ = invited_group
    first = _send(group)
    second = _send(group, send_again=True)

    redis_stopped.start()
    app.conf.task_always_eager = True
    sent = flush_pending(older_than_seconds=0)

    first.row.refresh_from_db()
    second.row.refresh_from_db()
    assert sent == 1
    assert (first.row.state, second.row.state) == (
        OutboxTask.State.FAILED,
        OutboxTask.State.DONE,
    )
    assert scheduling.invitation_state_label(first.row) == (
        "Ersatt av en nyare begäran; inget skickades."
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@orebro.se",
        "bo@orebro.se",
        "cia@orebro.se",
    ]
