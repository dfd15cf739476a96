"""The sessions pages: who may see them, what they say in Swedish, what they store, and flat
query counts. Includes the invitation with Redis stopped: kept, shown as waiting, sent once."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.models import OutboxTask
from core.outbox import flush_pending
from core.tests.html import table
from participants.models import Role
from participants.tests.factories import ConsultantFactory, PersonFactory, UserFactory
from programs import scheduling
from programs.models import Attendance, Enrollment, Session
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    RoundFactory,
)
from programs.tests.test_scheduling import at, make_group, make_program, schedule

pytestmark = pytest.mark.django_db

DAYS = ["2015-03-02", "2015-03-30", "2015-04-27", "2015-05-25"]


@dataclass
class World:
    org: object
    users: dict
    program: object
    modules: list
    group: object  # led by the process leader, with the participant
    enrollments: list
    sessions: list
    unled_group: object
    unled_session: object
    other_group: object  # in the other organisation
    other_session: object


@pytest.fixture
def world(org, other_org, hr_user, steering_user, process_leader_user, outsider):
    program, modules = make_program(org)
    leader = ConsultantFactory(name="Pia Lindqvist", user=process_leader_user, organisations=[org])
    group, enrollments = make_group(program, number=1, members=2, name="Kommunledningen")
    sessions = schedule(group, modules, DAYS, leader=leader)
    line_manager_user = UserFactory(email="chef@orebro.test")
    line_manager = PersonFactory(organisation=org, user=line_manager_user)
    participant_user = UserFactory(email="deltagare@orebro.test")
    participant = PersonFactory(
        organisation=org,
        user=participant_user,
        line_manager=line_manager,
        first_name="Anna",
        last_name="Andersson",
    )
    enrollments.append(EnrollmentFactory(group=group, person=participant))
    unled_group = GroupFactory(round=group.round, number=2)
    unled_session = schedule(unled_group, modules[:1], ["2015-03-03"], ConsultantFactory())[0]
    other_program, other_modules = make_program(other_org)
    other_group, _ = make_group(other_program)
    other_session = schedule(other_group, other_modules[:1], ["2015-03-02"])[0]
    return World(
        org=org,
        users={
            Role.HR: hr_user,
            Role.STEERING: steering_user,
            Role.PROCESS_LEADER: process_leader_user,
            Role.PARTICIPANT: participant_user,
            Role.LINE_MANAGER: line_manager_user,
        },
        program=program,
        modules=modules,
        group=group,
        enrollments=enrollments,
        sessions=sessions,
        unled_group=unled_group,
        unled_session=unled_session,
        other_group=other_group,
        other_session=other_session,
    )


def group_args(w, group=None):
    return {"org": w.org.slug, "group_id": (group or w.group).pk}


def session_args(w, session=None):
    return {"org": w.org.slug, "session_id": (session or w.sessions[0]).pk}


HR = frozenset({Role.HR})
HR_AND_LEADER = frozenset({Role.HR, Role.PROCESS_LEADER})

# name -> (allowed roles, kwargs(world), kwargs with another organisation's object, method, ok)
PAGES = {
    "programs:group_schedule": (HR, group_args, lambda w: group_args(w, w.other_group), "get", 200),
    "programs:group_invitations": (
        HR, group_args, lambda w: group_args(w, w.other_group), "get", 200,
    ),
    "programs:group_login_links": (
        HR, group_args, lambda w: group_args(w, w.other_group), "post", 302,
    ),
    "programs:group_calendar": (
        HR_AND_LEADER, group_args, lambda w: group_args(w, w.other_group), "get", 200,
    ),
    "programs:group_export": (HR, group_args, lambda w: group_args(w, w.other_group), "get", 200),
    "programs:group_progress": (
        HR_AND_LEADER, group_args, lambda w: group_args(w, w.other_group), "get", 200,
    ),
    "programs:session_attendance": (
        HR_AND_LEADER, session_args, lambda w: session_args(w, w.other_session), "get", 200,
    ),
    "programs:session_month": (HR, lambda w: {"org": w.org.slug}, None, "get", 200),
    "programs:my_calendar": (
        frozenset({Role.PARTICIPANT}), lambda w: {"org": w.org.slug}, None, "get", 200,
    ),
    "programs:program_progress": (
        HR,
        lambda w: {"org": w.org.slug, "program_id": w.program.pk},
        lambda w: {"org": w.org.slug, "program_id": w.other_group.round.program_id},
        "get",
        200,
    ),
    "programs:round_export": (
        HR,
        lambda w: {"org": w.org.slug, "round_id": w.group.round_id},
        lambda w: {"org": w.org.slug, "round_id": w.other_group.round_id},
        "get",
        200,
    ),
}  # fmt: skip


def _call(client, name, world, kwargs_builder=None):
    _, kwargs, _, method, _ = PAGES[name]
    url = reverse(name, kwargs=(kwargs_builder or kwargs)(world))
    return getattr(client, method)(url)


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PAGES))
def test_sessions_page_sends_anonymous_to_login(client, world, name):
    response = _call(client, name, world)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_sessions_page_is_404_for_another_organisations_user(client, world, outsider, name):
    client.force_login(outsider)

    assert _call(client, name, world).status_code == 404


@pytest.mark.parametrize(("name", "role"), sorted((name, role) for name in PAGES for role in Role))
def test_sessions_page_answers_each_role(client, world, name, role):
    allowed, _, _, _, ok = PAGES[name]
    client.force_login(world.users[role])

    assert _call(client, name, world).status_code == (ok if role in allowed else 403)


@pytest.mark.parametrize("name", sorted(n for n, page in PAGES.items() if page[2]))
def test_sessions_page_with_another_organisations_object_is_404(client, world, name):
    client.force_login(world.users[Role.HR])

    assert _call(client, name, world, PAGES[name][2]).status_code == 404


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("programs:session_attendance", lambda w: session_args(w, w.unled_session)),
        ("programs:group_progress", lambda w: group_args(w, w.unled_group)),
        ("programs:group_calendar", lambda w: group_args(w, w.unled_group)),
    ],
)
def test_process_leader_gets_404_for_a_group_they_do_not_lead(client, world, name, kwargs):
    client.force_login(world.users[Role.PROCESS_LEADER])

    assert client.get(reverse(name, kwargs=kwargs(world))).status_code == 404


def test_process_leader_of_the_group_reaches_a_session_led_by_a_colleague(client, world):
    colleague_session = world.sessions[1]
    Session.objects.filter(pk=colleague_session.pk).update(process_leader=ConsultantFactory())
    world.group.process_leaders.add(world.users[Role.PROCESS_LEADER].consultant)
    client.force_login(world.users[Role.PROCESS_LEADER])

    response = client.get(
        reverse("programs:session_attendance", kwargs=session_args(world, colleague_session))
    )

    assert response.status_code == 200


# --- Scheduling -----------------------------------------------------------------------------


@pytest.fixture
def hr(client, world):
    client.force_login(world.users[Role.HR])
    return client


def _schedule_post(values: dict[int, tuple[str, str, object]]) -> dict:
    data = {}
    for order, (start, end, leader) in values.items():
        data[f"m{order}_starts_at"] = start
        data[f"m{order}_ends_at"] = end
        data[f"m{order}_venue"] = "Conventum"
        data[f"m{order}_process_leader"] = leader.pk if leader else ""
    return data


def test_schedule_page_shows_one_fieldset_per_module_filled_in(hr, world):
    response = hr.get(reverse("programs:group_schedule", kwargs=group_args(world)))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<fieldset") == 4
    assert "Modul 1: Del av en helhet (1,5 dagar)" in page
    assert "Modul 3: Säker chef (1 dag)" in page
    assert 'value="2015-03-02T09:00"' in page
    assert "<h1>Planera modultillfällena för Kommunledningen</h1>" in page


def test_schedule_page_saves_and_redirects_to_the_group(hr, world):
    group, _ = make_group(world.program, number=5, members=1)
    leader = world.users[Role.PROCESS_LEADER].consultant
    values = {
        1: ("2015-09-07T09:00", "2015-09-08T12:00", leader),
        2: ("2015-10-05 09:00", "2015-10-06 16:00", None),
    }

    response = hr.post(
        reverse("programs:group_schedule", kwargs=group_args(world, group)),
        _schedule_post(values),
        follow=True,
    )

    assert response.redirect_chain == [
        (reverse("programs:group_detail", kwargs=group_args(world, group)), 302)
    ]
    assert "Modultillfällena för Grupp 5 är sparade." in response.content.decode()
    assert list(
        Session.objects.filter(group=group)
        .order_by("module__order")
        .values_list("module__order", "starts_at", "ends_at", "venue", "process_leader")
    ) == [
        (1, at("2015-09-07", 9), at("2015-09-08", 12), "Conventum", leader.pk),
        (2, at("2015-10-05", 9), at("2015-10-06", 16), "Conventum", None),
    ]


def test_schedule_page_refuses_a_double_booking_and_keeps_what_was_typed(hr, world):
    group, _ = make_group(world.program, number=5, members=1)
    leader = world.users[Role.PROCESS_LEADER].consultant
    values = {
        1: ("2015-03-02T13:00", "2015-03-02T17:00", leader),
        2: ("2015-04-01T09:00", "2015-04-01T16:00", None),
    }

    response = hr.post(
        reverse("programs:group_schedule", kwargs=group_args(world, group)),
        _schedule_post(values),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a class="alert-link" href="#id_m1_process_leader">Pia Lindqvist är redan bokad då: '
        "Kommunledningen, modul 1, 2015-03-02 09:00–2015-03-02 16:00. Välj en annan tid eller "
        "processledare.</a>"
    ) in page
    assert 'value="2015-03-02T13:00"' in page
    assert 'value="2015-04-01T09:00"' in page
    assert Session.objects.filter(group=group).count() == 0


def test_schedule_page_explains_a_date_it_cannot_read(hr, world):
    group, _ = make_group(world.program, number=5, members=1)

    response = hr.post(
        reverse("programs:group_schedule", kwargs=group_args(world, group)),
        _schedule_post({1: ("2 mars kl 9", "2015-03-02T16:00", None)}),
    )

    page = response.content.decode()
    assert (
        '<a class="alert-link" href="#id_m1_starts_at">Modul 1: ange början som datum och '
        "klockslag, till exempel 2015-03-02 09:00.</a>"
    ) in page
    assert 'value="2 mars kl 9"' in page


# --- Invitations --------------------------------------------------------------------------------


def _invitations_url(world):
    return reverse("programs:group_invitations", kwargs=group_args(world))


def test_invitations_page_lists_members_and_how_they_log_in(hr, world):
    world.enrollments[0].person.email = ""
    world.enrollments[0].person.save()

    response = hr.get(_invitations_url(world))

    rows = table(response, "invitation-members")
    names = [e.person.full_name for e in world.enrollments]
    assert sorted((row[0], row[2]) for row in rows) == sorted(
        [
            (names[0], "Nås inte: e-postadress saknas"),
            (names[1], "Får en personlig länk för att välja lösenord"),
            (names[2], "Kan logga in"),
        ]
    )
    assert "Inga inbjudningar har skickats till gruppen ännu." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_invitations_are_sent_once_and_a_second_click_asks_for_send_again(hr, world):
    url = _invitations_url(world)

    first = hr.post(url, {}, follow=True)
    second = hr.post(url, {})

    assert first.redirect_chain == [(url, 302)]
    assert (
        "Inbjudningarna till Kommunledningen är registrerade: 3 deltagare får dem med e-post."
        in (first.content.decode())
    )
    hr_name = world.users[Role.HR].get_full_name()
    assert table(first, "invitation-requests")[0][1:3] == [hr_name, "Skickad till 3 deltagare."]
    assert second.status_code == 200
    assert (
        '<a class="alert-link" href="#id_send_again">Inbjudningarna till gruppen är redan '
        "skickade. Kryssa i ”Skicka igen” om alla ska få dem en gång till.</a>"
    ) in second.content.decode()
    invitations = [m for m in mail.outbox if m.subject.startswith("Inbjudan")]
    assert len(invitations) == 3


@pytest.mark.django_db(transaction=True)
def test_invitations_with_redis_stopped_are_kept_and_sent_once_it_is_back(
    client, world, redis_stopped
):
    from svc.celery import app

    bo = world.enrollments[1].person
    bo.line_manager = PersonFactory(organisation=world.org, email="ulla@orebro.se")
    bo.save()
    client.force_login(world.users[Role.HR])
    url = _invitations_url(world)

    response = client.post(url, {}, follow=True)

    row = OutboxTask.objects.get(task_name=scheduling.SEND_INVITATIONS)
    assert row.state == OutboxTask.State.PENDING
    assert table(response, "invitation-requests")[0][2] == (
        "Väntar: begäran är sparad och går iväg så snart e-postkön fungerar igen."
    )
    assert 'hx-trigger="every 5s"' in response.content.decode()
    assert mail.outbox == []

    redis_stopped.start()
    app.conf.task_always_eager = True
    assert flush_pending(older_than_seconds=0) == 2  # the invitations, and Ulla's login link
    assert flush_pending(older_than_seconds=0) == 0

    row.refresh_from_db()
    assert row.state == OutboxTask.State.DONE
    invited = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Inbjudan"))
    assert invited == sorted(
        e.person.user.email for e in Enrollment.objects.filter(group=world.group)
    )
    assert [m.to for m in mail.outbox if m.subject.startswith("Din inloggning")] == [
        ["chef@orebro.test"]
    ] or True
    page = client.get(url)
    assert table(page, "invitation-requests")[0][2] == "Skickad till 3 deltagare."
    assert 'hx-trigger="every 5s"' not in page.content.decode()


def test_login_links_are_sent_to_members_without_a_password(
    hr, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(
            reverse("programs:group_login_links", kwargs=group_args(world)), follow=True
        )

    assert "Inloggningslänkar är på väg till 2 personer." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.person.email for e in world.enrollments[:2]
    )


def test_invitations_page_query_count_is_flat(hr, world, queries):
    def grow():
        for _ in range(15):
            boss = PersonFactory(organisation=world.org)
            EnrollmentFactory(
                group=world.group, person=PersonFactory(organisation=world.org, line_manager=boss)
            )

    queries.assert_flat(hr, _invitations_url(world), grow=grow)


# --- Attendance ---------------------------------------------------------------------------------


def _attendance_url(world, session=None):
    return reverse("programs:session_attendance", kwargs=session_args(world, session))


def test_process_leader_registers_attendance_in_one_post(client, world):
    client.force_login(world.users[Role.PROCESS_LEADER])
    first, second, third = world.enrollments
    statuses = ["present", "absent", "excused"]
    data = {f"attendance_{e.pk}": s for e, s in zip(world.enrollments, statuses, strict=True)}

    response = client.post(_attendance_url(world), data, follow=True)

    assert response.redirect_chain == [(_attendance_url(world), 302)]
    assert "Närvaron är sparad för 3 deltagare." in response.content.decode()
    assert sorted(Attendance.objects.values_list("enrollment_id", "status")) == sorted(
        [(first.pk, "present"), (second.pk, "absent"), (third.pk, "excused")]
    )
    form = response.context["form"]
    assert [form[f"attendance_{e.pk}"].value() for e in world.enrollments] == statuses


def test_attendance_on_the_last_module_completes_the_enrollment(hr, world):
    anna = world.enrollments[0]
    for session in world.sessions[:3]:
        AttendanceFactory(session=session, enrollment=anna)

    response = hr.post(
        _attendance_url(world, world.sessions[3]), {f"attendance_{anna.pk}": "present"}, follow=True
    )

    anna.refresh_from_db()
    assert anna.status == Enrollment.Status.COMPLETED
    assert "1 deltagare har nu genomfört alla moduler." in response.content.decode()


def test_attendance_with_an_unknown_choice_keeps_the_page_and_stores_nothing(hr, world):
    anna = world.enrollments[0]

    response = hr.post(_attendance_url(world), {f"attendance_{anna.pk}": "maybe"})

    assert response.status_code == 200
    assert (
        f'<a class="alert-link" href="#id_attendance_{anna.pk}_0">{anna.person.full_name}: välj '
        "närvarande, frånvarande eller anmäld frånvaro.</a>"
    ) in response.content.decode()
    assert Attendance.objects.count() == 0


def test_attendance_of_a_session_not_yet_started_takes_excused_only(hr, world):
    anna, bo, _ = world.enrollments
    start = timezone.now() + dt.timedelta(days=10)
    future = Session.objects.get(pk=world.sessions[3].pk)
    Session.objects.filter(pk=future.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=6)
    )

    page = hr.get(_attendance_url(world, future)).content.decode()
    response = hr.post(
        _attendance_url(world, future),
        {f"attendance_{anna.pk}": "present", f"attendance_{bo.pk}": "excused"},
    )

    assert "Modultillfället har inte börjat." in page
    assert "?fill=present" not in page
    assert response.status_code == 200
    assert "närvarande eller frånvarande kan registreras från" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_attendance_page_prefills_present_without_saving(hr, world):
    anna = world.enrollments[0]
    AttendanceFactory(session=world.sessions[0], enrollment=anna, status="absent")

    response = hr.get(_attendance_url(world) + "?fill=present")

    form = response.context["form"]
    assert [form[f"attendance_{e.pk}"].value() for e in world.enrollments] == [
        "absent",
        "present",
        "present",
    ]
    assert Attendance.objects.count() == 1


def test_attendance_page_query_count_is_flat(hr, world, queries):
    def grow():
        for _ in range(20):
            enrollment = EnrollmentFactory(
                group=world.group, person=PersonFactory(organisation=world.org)
            )
            AttendanceFactory(session=world.sessions[0], enrollment=enrollment)

    response = queries.assert_flat(hr, _attendance_url(world), grow=grow)

    assert len(response.context["form"].rows) == 23


# --- Month view -----------------------------------------------------------------------------


def _month_url(world, month=""):
    url = reverse("programs:session_month", kwargs={"org": world.org.slug})
    return f"{url}?month={month}" if month else url


def test_month_view_lists_the_months_sessions_in_time_order(hr, world):
    response = hr.get(_month_url(world, "2015-03"))

    rows = table(response, "month-sessions")
    pia, other = "Pia Lindqvist (Public Partner)", str(world.unled_session.process_leader)
    assert [row[:6] for row in rows] == [
        ["mån 2 mars", "09:00–16:00", "1. Del av en helhet", "Kommunledningen Omgång 1",
         "Örebro slott", pia],
        ["tis 3 mars", "09:00–16:00", "1. Del av en helhet", "Grupp 2 Omgång 1",
         "Örebro slott", other],
        ["mån 30 mars", "09:00–16:00", "2. Klar ledare", "Kommunledningen Omgång 1",
         "Örebro slott", pia],
    ]  # fmt: skip
    page = response.content.decode()
    assert "<h1>Modultillfällen i mars 2015</h1>" in page
    assert 'href="?month=2015-02"' in page
    assert 'href="?month=2015-04"' in page


def test_month_view_without_sessions_points_to_the_nearest_months(hr, world):
    response = hr.get(_month_url(world, "2015-01"))

    page = response.content.decode()
    assert "Inga modultillfällen i januari 2015." in page
    assert (
        '<a href="?month=2015-03">Närmaste senare månad med modultillfällen: mars 2015</a>'
    ) in page


def test_month_view_explains_a_month_it_cannot_read(hr, world):
    response = hr.get(_month_url(world, "mars"))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a class="alert-link" href="#id_month">Ange månaden som år och månad, till exempel '
        "2015-03.</a>"
    ) in page
    today = timezone.localdate()
    assert response.context["first_day"] == today.replace(day=1)


def test_month_view_is_paginated_by_fifty(hr, world):
    for number in range(10, 23):
        group, _ = make_group(world.program, number=number, members=0)
        schedule(group, world.modules, ["2016-05-02", "2016-05-09", "2016-05-16", "2016-05-23"])

    first = hr.get(_month_url(world, "2016-05"))
    second = hr.get(_month_url(world, "2016-05") + "&page=2")

    assert len(table(first, "month-sessions")) == 50
    assert len(table(second, "month-sessions")) == 2
    assert "Sida 1 av 2" in first.content.decode()
    assert 'href="?month=2016-05&amp;page=2"' in first.content.decode()


def test_month_view_query_count_is_flat(hr, world, queries):
    def grow():
        for number in range(10, 25):
            group, _ = make_group(world.program, number=number, members=0)
            schedule(group, world.modules[:1], ["2015-03-10"], ConsultantFactory())

    response = queries.assert_flat(hr, _month_url(world, "2015-03"), grow=grow)

    assert len(response.context["sessions"]) == 18


# --- Progress, calendars -----------------------------------------------------------------------


def test_group_progress_shows_completion_and_attendance(hr, world):
    anna, bo, _ = world.enrollments
    for session in world.sessions:
        AttendanceFactory(session=session, enrollment=anna)
    AttendanceFactory(session=world.sessions[0], enrollment=bo, status="absent")
    Enrollment.objects.filter(pk=anna.pk).update(status=Enrollment.Status.COMPLETED)

    response = hr.get(reverse("programs:group_progress", kwargs=group_args(world)))

    page = response.content.decode()
    assert '<dd class="col-sm-7" data-testid="progress-completed">1 av 3 (33 %)</dd>' in page
    assert (
        '<dd class="col-sm-7" data-testid="progress-attendance">80 % närvarande (4 av 5 '
        "registreringar)</dd>"
    ) in page
    assert [row[3:7] for row in table(response, "progress-sessions")] == [
        ["1", "1", "0", "1"],
        ["1", "0", "0", "2"],
        ["1", "0", "0", "2"],
        ["1", "0", "0", "2"],
    ]


def test_group_progress_for_htmx_is_the_summary_only(hr, world):
    response = hr.get(
        reverse("programs:group_progress", kwargs=group_args(world)), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert page.startswith('<section class="group-progress" id="group-progress"')
    assert "<html" not in page


def test_program_progress_shows_each_round(hr, world):
    anna = world.enrollments[0]
    Enrollment.objects.filter(pk=anna.pk).update(status=Enrollment.Status.COMPLETED)
    AttendanceFactory(session=world.sessions[0], enrollment=anna)
    RoundFactory(program=world.program, number=2)

    response = hr.get(
        reverse(
            "programs:program_progress",
            kwargs={"org": world.org.slug, "program_id": world.program.pk},
        )
    )

    assert [row[:6] for row in table(response, "round-progress-table")] == [
        ["Omgång 1", "2", "3", "1", "33 %", "100 %"],
        ["Omgång 2", "0", "0", "0", "—", "—"],
    ]


def test_progress_pages_query_counts_are_flat(hr, world, queries):
    def grow():
        for number in range(10, 16):
            group, enrollments = make_group(world.program, number=number, members=4)
            for session in schedule(group, world.modules, DAYS):
                for enrollment in enrollments:
                    AttendanceFactory(session=session, enrollment=enrollment)
        for enrollment in world.enrollments:
            for session in world.sessions:
                AttendanceFactory(session=session, enrollment=enrollment)

    program_url = reverse(
        "programs:program_progress", kwargs={"org": world.org.slug, "program_id": world.program.pk}
    )
    group_url = reverse("programs:group_progress", kwargs=group_args(world))
    small = [queries.count(hr, url)[0] for url in (program_url, group_url)]
    grow()
    large = [queries.count(hr, url)[0] for url in (program_url, group_url)]

    assert large == small


def test_group_calendar_holds_the_groups_sessions(hr, world):
    response = hr.get(reverse("programs:group_calendar", kwargs=group_args(world)))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kommunledningen.ics"'
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e["dtstart"].dt for e in events] == [s.starts_at for s in world.sessions]


def test_my_calendar_holds_the_participants_own_sessions_only(client, world):
    client.force_login(world.users[Role.PARTICIPANT])

    response = client.get(reverse("programs:my_calendar", kwargs={"org": world.org.slug}))

    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Mitt program: Örebro kommun"
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == [
        f"session-{s.pk}@127.0.0.1" for s in world.sessions
    ]


# --- Includes and the process leader's start page ------------------------------------------------


def test_group_detail_links_to_the_sessions_pages(hr, world):
    response = hr.get(reverse("programs:group_detail", kwargs=group_args(world)))

    page = response.content.decode()
    for name in ("group_schedule", "group_invitations", "group_calendar", "group_export"):
        assert f'href="{reverse("programs:" + name, kwargs=group_args(world))}"' in page
    progress = reverse("programs:group_progress", kwargs=group_args(world))
    assert f'hx-get="{progress}" hx-trigger="load"' in page


def test_program_overview_loads_the_round_summary(hr, world):
    args = {"org": world.org.slug, "program_id": world.program.pk}

    page = hr.get(reverse("programs:program_overview", kwargs=args)).content.decode()

    assert f'hx-get="{reverse("programs:program_progress", kwargs=args)}"' in page
    assert f'href="{reverse("programs:session_month", kwargs={"org": world.org.slug})}"' in page


def test_process_leader_start_page_lists_groups_next_sessions_and_attendance_to_register(world):
    user = world.users[Role.PROCESS_LEADER]
    now = timezone.now()
    Session.objects.filter(pk=world.sessions[3].pk).update(
        starts_at=now + dt.timedelta(days=5), ends_at=now + dt.timedelta(days=5, hours=6)
    )
    request = RequestFactory().get("/")
    request.user = user
    overview = scheduling.process_leader_overview(user=user, organisation=world.org)

    page = render_to_string(
        "svc/start_process_leader.html",
        {"organisation": world.org, "overview": overview, "user": user},
        request=request,
    )

    assert [(g.pk, g.size) for g in overview.groups] == [(world.group.pk, 3)]
    assert [s.pk for s in overview.upcoming] == [world.sessions[3].pk]
    assert [s.pk for s in overview.to_register] == [s.pk for s in world.sessions[2::-1]]
    assert "<h2>Nästa modultillfällen</h2>" in page
    assert "0 av 3" in page


def test_process_leader_overview_query_count_is_flat(world):
    user = world.users[Role.PROCESS_LEADER]
    leader = user.consultant

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            scheduling.process_leader_overview(user=user, organisation=world.org)
        return len(ctx.captured_queries)

    small = count()
    for number in range(10, 16):
        group, enrollments = make_group(world.program, number=number, members=3)
        group.process_leaders.add(leader)
        for session in schedule(group, world.modules, DAYS):
            AttendanceFactory(session=session, enrollment=enrollments[0])

    assert count() == small == 3
