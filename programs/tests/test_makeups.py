"""Make-up sessions (uppsamling) and the completion rule: booking, attendance, what each page says.

The world: one round, three groups of the same program. Anna (group 1) was absent
from module 2; groups 2 and 3 still have their sessions of module 2 ahead. Group 1's
module 4 is at the same time as group 2's module 2.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from icalendar import Calendar

from core.tests import html
from evaluations.selectors.answering import AnswerState, answer_state, open_evaluations_for
from participants.tests.factories import PersonFactory, UserFactory
from programs import completion, scheduling
from programs.makeups import rules, selectors, services
from programs.models import Attendance, Enrollment, MakeUpBooking, SessionReminder
from programs.tests.factories import (
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def days(n: int) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


class World:
    pass


@pytest.fixture
def world(org, hr_user):
    w = World()
    w.org, w.hr = org, hr_user
    w.program = ProgramFactory(organisation=org)
    w.modules = [
        ModuleFactory(program=w.program, order=n, name=f"Modul {n}", duration_days=Decimal("1"))
        for n in (1, 2, 3, 4)
    ]
    round_ = RoundFactory(program=w.program, number=1)
    w.round = round_
    starts = {1: (-120, -90, -60, 20), 2: (-100, 20, 50, 80), 3: (-110, 5, 35, 65)}
    w.groups, w.sessions, w.members = {}, {}, {}
    for number, offsets in starts.items():
        group = GroupFactory(round=round_, number=number)
        w.groups[number] = group
        w.members[number] = [
            EnrollmentFactory(
                group=group,
                person=PersonFactory(organisation=org, first_name=f"G{number}", last_name=f"M{i}"),
            )
            for i in range(2)
        ]
        for module, offset in zip(w.modules, offsets, strict=True):
            w.sessions[number, module.order] = SessionFactory(
                group=group,
                module=module,
                starts_at=days(offset),
                ends_at=days(offset) + dt.timedelta(hours=7),
            )
    w.anna = EnrollmentFactory(
        group=w.groups[1],
        person=PersonFactory(
            organisation=org, first_name="Anna", last_name="Ek", user=UserFactory()
        ),
    )
    for order, status in ((1, "present"), (2, "absent"), (3, "present")):
        Attendance.objects.create(enrollment=w.anna, session=w.sessions[1, order], status=status)
    for number, orders in ((1, (1, 2, 3)), (2, (1,)), (3, (1,))):
        for member in w.members[number]:
            for order in orders:
                Attendance.objects.create(
                    enrollment=member, session=w.sessions[number, order], status="present"
                )
    return w


def _book(w, session, **kwargs):
    return services.make_up_book(enrollment=w.anna, session=session, booked_by=w.hr, **kwargs)


def _register(session, statuses):
    return scheduling.attendance_register(
        session=session, statuses=statuses, today=timezone.localdate(session.starts_at)
    )


# --- Who lacks which module -------------------------------------------------------------------


def test_round_make_ups_lists_anna_lacking_module_2_with_the_sessions_she_could_take(world):
    lines = selectors.round_make_ups(round_=world.round, now=NOW)

    assert [(line.enrollment, line.module.order, line.own_status) for line in lines] == [
        (world.anna, 2, "absent")
    ]
    assert [(h.session, h.places, h.free) for h in lines[0].hosts] == [
        (world.sessions[3, 2], 2, 23),
        (world.sessions[2, 2], 2, 23),
    ]


def test_a_module_still_ahead_is_not_lacking_but_an_excused_absence_is(world):
    Attendance.objects.create(enrollment=world.anna, session=world.sessions[1, 4], status="excused")

    lines = selectors.round_make_ups(round_=world.round, now=NOW)

    assert [(line.module.order, line.own_status) for line in lines] == [
        (2, "absent"),
        (4, "excused"),
    ]


# --- Booking ------------------------------------------------------------------------------------


def test_booking_stores_who_and_which_session(world):
    booking = _book(world, world.sessions[3, 2])

    assert (booking.enrollment, booking.session, booking.booked_by) == (
        world.anna,
        world.sessions[3, 2],
        world.hr,
    )
    assert set(rules.session_places(world.sessions[3, 2])) == {*world.members[3], world.anna}


def test_booking_a_session_at_the_time_of_her_own_groups_session_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _book(world, world.sessions[2, 2])

    assert exc.value.messages == [
        "Anna Ek är redan bokad då: Grupp 1, modul 4, "
        f"{scheduling.when_text(world.sessions[1, 4].starts_at)}–"
        f"{scheduling.when_text(world.sessions[1, 4].ends_at)}. Välj ett annat modultillfälle."
    ]
    assert MakeUpBooking.objects.count() == 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("own_group", "Anna Ek är med i Grupp 1: där behövs ingen uppsamlingsplats."),
        ("attended", "Anna Ek har redan varit närvarande vid modul 1."),
        ("ended", "Modultillfället har redan avslutats. Välj ett senare."),
        (
            "full",
            "Modultillfället är fullt: Grupp 3 har redan 2 platser, så många som en grupp får ha.",
        ),
    ],
)
def test_booking_is_refused_with_one_message_per_rule(world, case, message):
    session, now = world.sessions[3, 2], None
    if case == "own_group":
        session = world.sessions[1, 4]
    elif case == "attended":
        session = world.sessions[3, 1]
        now = session.starts_at - dt.timedelta(days=1)
    elif case == "ended":
        now = session.ends_at
    elif case == "full":
        world.program.min_group_size = world.program.max_group_size = 2
        world.program.save()

    with pytest.raises(ValidationError) as exc:
        _book(world, session, now=now)

    assert exc.value.messages == [message]
    assert MakeUpBooking.objects.count() == 0


def test_a_second_booking_for_the_same_module_is_refused_until_the_first_was_missed(world):
    _book(world, world.sessions[3, 2])
    later = SessionFactory(
        group=GroupFactory(round=world.round, number=4),
        module=world.modules[1],
        starts_at=days(40),
        ends_at=days(40) + dt.timedelta(hours=7),
    )

    with pytest.raises(ValidationError) as exc:
        _book(world, later)
    _register(world.sessions[3, 2], {world.anna.pk: "absent"})
    _book(world, later)

    assert exc.value.messages == [
        "Anna Ek är redan bokad för modul 2: Grupp 3, "
        f"{scheduling.when_text(world.sessions[3, 2].starts_at)}."
    ]
    assert MakeUpBooking.objects.filter(enrollment=world.anna).count() == 2


def test_cancelling_a_booking_removes_it_but_not_once_attendance_is_registered(world):
    first = _book(world, world.sessions[3, 2])
    services.make_up_cancel(booking=first)
    second = _book(world, world.sessions[3, 2])
    _register(world.sessions[3, 2], {world.anna.pk: "present"})

    with pytest.raises(ValidationError) as exc:
        services.make_up_cancel(booking=second)

    assert list(MakeUpBooking.objects.values_list("pk", flat=True)) == [second.pk]
    assert exc.value.messages == [
        "Närvaron är redan registrerad för uppsamlingsplatsen, så den kan inte avbokas. "
        "Ändra närvaron i stället."
    ]


# --- Attendance at the host session and completion ---------------------------------------------


def test_the_host_sessions_attendance_lists_the_guest_after_its_members(world):
    _book(world, world.sessions[3, 2])

    rows = scheduling.attendance_rows(session=world.sessions[3, 2])

    assert [(row.enrollment, row.guest) for row in rows] == [
        *((m, False) for m in world.members[3]),
        (world.anna, True),
    ]


def test_attendance_at_a_make_up_session_completes_the_place_in_her_own_group(world):
    _book(world, world.sessions[3, 2])
    _register(world.sessions[1, 4], {world.anna.pk: "present"})

    result = _register(world.sessions[3, 2], {world.anna.pk: "present"})

    world.anna.refresh_from_db()
    own = scheduling.group_progress(group=world.groups[1])
    host = scheduling.group_progress(group=world.groups[3])
    assert (result.completed, world.anna.status) == (1, Enrollment.Status.COMPLETED)
    assert (own.rates.members, own.rates.completed) == (3, 1)
    assert (host.rates.members, host.rates.completed) == (2, 0)
    assert [(s.members, s.present, s.not_recorded) for s in host.sessions] == [
        (2, 2, 0),
        (3, 1, 2),
        (2, 0, 2),
        (2, 0, 2),
    ]


def test_the_forms_of_the_completion_rule_agree(world):
    _book(world, world.sessions[3, 2])
    _register(world.sessions[1, 4], {world.anna.pk: "present"})
    _register(world.sessions[3, 2], {world.anna.pk: "present"})
    places = Enrollment.objects.filter(program=world.program)

    by_query = set(completion.completed_enrollments(places))
    by_object = {e for e in places if completion.enrollment_is_complete(e)}
    stored = set(places.filter(status=Enrollment.Status.COMPLETED))
    before_make_up = set(
        completion.completed_enrollments(
            places, as_of=world.sessions[3, 2].starts_at - dt.timedelta(days=1)
        )
    )

    assert by_query == by_object == stored == {world.anna}
    assert before_make_up == set()


def test_saving_the_same_attendance_again_changes_nothing(world):
    _book(world, world.sessions[3, 2])
    _register(world.sessions[1, 4], {world.anna.pk: "present"})
    statuses = {world.anna.pk: "present", world.members[3][0].pk: "absent"}
    _register(world.sessions[3, 2], statuses)
    before = list(Enrollment.objects.order_by("pk").values_list("pk", "status"))

    again = _register(world.sessions[3, 2], statuses)

    assert again.completed == 0
    assert list(Enrollment.objects.order_by("pk").values_list("pk", "status")) == before


def test_the_forms_of_taking_part_in_a_session_agree(world):
    _book(world, world.sessions[3, 2])
    session = world.sessions[3, 2]
    for enrollment in [*world.members[3], world.anna, world.members[1][0]]:
        Attendance.objects.create(enrollment=enrollment, session=session, status="present")

    by_query = set(rules.session_places(session))
    by_object = {e for e in Enrollment.objects.all() if rules.takes_part(e, session)}
    by_attendance = {
        a.enrollment
        for a in Attendance.objects.filter(rules.attendance_takes_part_q(), session=session)
    }

    assert by_query == by_object == by_attendance == {*world.members[3], world.anna}


# --- The guest's own pages: evaluation, calendar, Mitt program -------------------------------


def test_a_guest_present_at_the_host_session_may_answer_its_evaluation(world):
    session = world.sessions[3, 2]
    _book(world, session)
    _register(session, {world.anna.pk: "present"})
    after = session.ends_at + dt.timedelta(hours=1)

    opened = open_evaluations_for(person=world.anna.person, now=after)

    assert [e.session for e in opened] == [session]
    assert answer_state(enrollment=world.anna, session=session, now=after) == AnswerState.OPEN


def test_a_member_of_another_group_who_is_not_booked_may_not_answer(world):
    session = world.sessions[3, 2]
    outsider = world.members[1][0]
    Attendance.objects.create(enrollment=outsider, session=session, status="present")
    after = session.ends_at + dt.timedelta(hours=1)

    assert open_evaluations_for(person=outsider.person, now=after) == []
    assert answer_state(enrollment=outsider, session=session, now=after) == AnswerState.NOT_ATTENDED


def test_the_guests_calendar_and_mitt_program_hold_the_make_up_session(client, world):
    session = world.sessions[3, 2]
    _book(world, session)
    client.force_login(world.anna.person.user)

    ics = Calendar.from_ical(
        client.get(reverse("programs:my_calendar", kwargs={"org": "orebro"})).content
    )
    page = html.parse(client.get(reverse("svc:participant_start", kwargs={"org": "orebro"})))

    assert f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}" in [
        str(e["uid"]) for e in ics.walk("VEVENT")
    ]
    assert "Uppsamling, med Grupp 3" in page.texts("#my-sessions li p")


# --- The HR page ----------------------------------------------------------------------------


def _url(w):
    return reverse("programs:round_makeups", kwargs={"org": "orebro", "round_id": w.round.pk})


def test_hr_sees_who_lacks_which_module_and_books_with_one_action(client, world):
    client.force_login(world.hr)

    page = html.parse(client.get(_url(world)))
    response = client.post(
        _url(world),
        {"row": f"{world.anna.pk}-{world.modules[1].pk}", "session": world.sessions[3, 2].pk},
    )
    after = html.parse(client.get(_url(world)))

    assert page.rows("makeups")[1][:5] == ["Anna Ek", "Grupp 1", "2. Modul 2", "Frånvarande", "—"]
    assert response.status_code == 302
    assert MakeUpBooking.objects.get().session == world.sessions[3, 2]
    assert after.texts(".alert-success") == ["Anna Ek är bokad i Grupp 3 för modul 2."]
    assert after.rows("makeups")[1][4:] == [
        f"Grupp 3, {world.sessions[3, 2].starts_at:%-d} "
        f"{_month(world.sessions[3, 2].starts_at)} {world.sessions[3, 2].starts_at:%Y}: "
        "bokad Avboka den uppsamlingsplats som Anna Ek har",
        "Bokad",
    ]


def _month(moment):
    return formats.date_format(timezone.localtime(moment), "F").lower()


def test_a_refused_booking_is_shown_with_its_reason_at_the_field(client, world):
    client.force_login(world.hr)

    response = client.post(
        _url(world),
        {"row": f"{world.anna.pk}-{world.modules[1].pk}", "session": world.sessions[2, 2].pk},
    )

    page = html.parse(response)
    key = f"{world.anna.pk}-{world.modules[1].pk}"
    assert response.status_code == 200
    assert page.texts(f"#id_{key}_session_error")[0].startswith(
        "Anna Ek är redan bokad då: Grupp 1, modul 4,"
    )
    assert page.texts("[data-error-summary] li a") == page.texts(f"#id_{key}_session_error")
    assert MakeUpBooking.objects.count() == 0


def test_hr_cancels_a_booking_from_the_page(client, world):
    booking = _book(world, world.sessions[3, 2])
    client.force_login(world.hr)

    response = client.post(_url(world), {"cancel": booking.pk})

    assert response.status_code == 302
    assert MakeUpBooking.objects.count() == 0


def _grow(w, n):
    """n more members of group 1, each absent from module 2."""
    for i in range(n):
        e = EnrollmentFactory(group=w.groups[1], person=PersonFactory(organisation=w.org))
        for order, status in ((1, "present"), (2, "absent"), (3, "present")):
            Attendance.objects.create(enrollment=e, session=w.sessions[1, order], status=status)
        if i % 2:
            services.make_up_book(enrollment=e, session=w.sessions[3, 2], booked_by=w.hr)


def test_the_hr_page_makes_as_many_queries_for_many_as_for_few(client, world):
    client.force_login(world.hr)
    _grow(world, 2)
    client.get(_url(world))

    with CaptureQueriesContext(connection) as few:
        client.get(_url(world))
    _grow(world, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(world))

    assert len(html.parse(response).rows("makeups")) == 1 + 11
    assert len(many) == len(few)


def test_the_guest_gets_the_calendar_entry_by_e_mail(world, django_capture_on_commit_callbacks):
    session = world.sessions[3, 2]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _book(world, session)

    [message] = mail.outbox
    [(filename, ics, kind)] = message.attachments
    assert message.to == [world.anna.person.user.email]
    assert message.subject == (
        f"Uppsamling: modul 2, Modul 2, {session.starts_at:%-d} {_month(session.starts_at)}"
    )
    assert "Du är bokad på modul 2, Modul 2, med Grupp 3:" in message.body
    assert (filename, kind) == ("uppsamling-modul-2.ics", "text/calendar")
    assert [str(e["uid"]) for e in Calendar.from_ical(ics).walk("VEVENT")] == [
        f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"
    ]


def test_the_guest_is_reminded_of_the_make_up_session_like_its_members(world):
    session = world.sessions[3, 2]
    _book(world, session)
    mail.outbox.clear()

    queued = scheduling.reminders_queue(now=session.starts_at - dt.timedelta(days=2))

    assert queued == 3
    assert SessionReminder.objects.filter(session=session, enrollment=world.anna).count() == 1
    assert scheduling.reminder_deliver(
        session_id=session.pk,
        enrollment_id=world.anna.pk,
        now=session.starts_at - dt.timedelta(days=2),
    ) == {"sent": True}
    assert mail.outbox[-1].to == [world.anna.person.user.email]
