"""In Chromium, with axe on every page and state: scheduling, invitations (also with Redis
stopped), attendance, progress, the month view and the process leader's pages."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.models import OutboxTask
from core.outbox import flush_pending
from participants.tests.factories import ConsultantFactory, PersonFactory, UserFactory
from programs.models import Attendance, Session
from programs.tests.factories import EnrollmentFactory, GroupFactory
from programs.tests.test_scheduling import make_group, make_program, schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAYS = ["2015-03-02", "2015-03-30", "2015-04-27", "2015-05-25"]


@pytest.fixture
def data(org, process_leader_user):
    program, modules = make_program(org)
    pia = ConsultantFactory(name="Pia Lindqvist", firm="", user=process_leader_user,
                            organisations=[org])  # fmt: skip
    olle = ConsultantFactory(name="Olle Ek", firm="", organisations=[org])
    group, enrollments = make_group(program, number=1, members=0, name="Kommunledningen")
    for first, last in [("Åsa", "Öberg"), ("Bo", "Berg"), ("Cia", "Carlsson")]:
        enrollments.append(
            EnrollmentFactory(
                group=group,
                person=PersonFactory(organisation=org, first_name=first, last_name=last),
            )
        )
    sessions = schedule(group, modules, DAYS, leader=pia)
    new_group = GroupFactory(round=group.round, number=2)
    EnrollmentFactory(group=new_group, person=PersonFactory(organisation=org))
    return {
        "program": program,
        "group": group,
        "new_group": new_group,
        "sessions": sessions,
        "enrollments": enrollments,
        "pia": pia,
        "olle": olle,
    }


def url(name, **kwargs):
    return reverse(f"programs:{name}", kwargs=kwargs)


def test_hr_sees_the_sessions_summaries_on_the_program_and_group_pages(
    page, live_server, axe, login_as, hr_user, org, data
):
    login_as(page, hr_user)

    page.goto(
        live_server.url + url("program_overview", org=org.slug, program_id=data["program"].pk)
    )
    expect(page.locator("#round-progress-table tbody tr")).to_have_count(1)
    axe(page, context="program overview with the round summary")

    page.get_by_role("link", name="Närvaro och genomförande", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Närvaro och genomförande: Sveriges viktigaste chefsjobb"
    )
    axe(page, context="program progress")

    page.goto(live_server.url + url("group_detail", org=org.slug, group_id=data["group"].pk))
    expect(page.locator("#group-progress")).to_contain_text("Ingen närvaro registrerad ännu")
    axe(page, context="group detail with the group summary")

    page.get_by_role("link", name="Närvaro och genomförande", exact=True).click()
    expect(page.locator("#progress-sessions tbody tr")).to_have_count(4)
    axe(page, context="group progress")


def test_hr_schedules_a_group_refused_double_booking_then_saved(
    page, live_server, axe, login_as, hr_user, org, data
):
    login_as(page, hr_user)
    page.goto(live_server.url + url("group_schedule", org=org.slug, group_id=data["new_group"].pk))
    axe(page, context="empty schedule form")

    page.locator("#id_m1_starts_at").fill("2015-03-02T13:00")
    page.locator("#id_m1_ends_at").fill("2015-03-03T12:00")
    page.locator("#id_m1_venue").fill("Conventum")
    page.locator("#id_m1_process_leader").select_option(label="Pia Lindqvist")
    page.locator("#id_m2_starts_at").fill("2015-03-03T09:00")
    page.locator("#id_m2_ends_at").fill("2015-03-04T16:00")
    page.get_by_role("button", name="Spara modultillfällena").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Pia Lindqvist är redan bokad då: Kommunledningen, modul 1")
    expect(summary).to_contain_text(
        "Modul 2 kan inte börja innan modul 1 har slutat (2015-03-03 12:00)."
    )
    expect(page.locator("#id_m1_venue")).to_have_value("Conventum")
    axe(page, context="schedule form with errors")

    page.locator("#id_m1_process_leader").select_option(label="Olle Ek")
    page.locator("#id_m2_starts_at").fill("2015-03-30T09:00")
    page.locator("#id_m2_ends_at").fill("2015-03-31T16:00")
    page.get_by_role("button", name="Spara modultillfällena").click()

    expect(page.locator(".messages")).to_contain_text("Modultillfällena för Grupp 2 är sparade.")
    expect(page.locator("#sessions tbody tr")).to_have_count(2)
    assert Session.objects.filter(group=data["new_group"]).count() == 2


def test_hr_sends_invitations_and_a_second_send_needs_send_again(
    page, live_server, axe, login_as, hr_user, org, data
):
    login_as(page, hr_user)
    page.goto(live_server.url + url("group_invitations", org=org.slug, group_id=data["group"].pk))
    expect(page.locator("#invitation-members tbody tr")).to_have_count(3)
    axe(page, context="invitations before sending")

    page.get_by_role("button", name="Skicka inbjudningar").click()
    expect(page.locator(".messages")).to_contain_text(
        "Inbjudningarna till Kommunledningen är registrerade: 3 deltagare får dem med e-post."
    )
    expect(page.locator("#invitation-requests tbody tr td").nth(2)).to_have_text(
        "Skickad till 3 deltagare."
    )
    axe(page, context="invitations sent")

    page.get_by_role("button", name="Skicka inbjudningar").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Inbjudningarna till gruppen är redan skickade."
    )
    axe(page, context="invitations: second send refused")

    page.get_by_label("Skicka igen: alla får inbjudan en gång till").check()
    page.get_by_role("button", name="Skicka inbjudningar").click()
    expect(page.locator("#invitation-requests tbody tr")).to_have_count(2)
    assert len([m for m in mail.outbox if m.subject.startswith("Inbjudan")]) == 6

    page.get_by_role(
        "button", name="Skicka inloggningslänkar till dem som inte kan logga in"
    ).click()
    expect(page.locator(".messages")).to_contain_text(
        "3 personer fick en länk för några minuter sedan och får ingen till."
    )
    axe(page, context="login links")


def test_a_long_line_manager_address_wraps_on_the_invitations_page_at_320_pixels(
    page, live_server, axe, login_as, hr_user, org, data
):
    # Found by crawling the demo at 320 px: "Paulina Alexandersson
    # (paulina.alexandersson@orebro.example)" widened the page to 379 px.
    boss = PersonFactory(
        organisation=org,
        first_name="Paulina",
        last_name="Alexandersson",
        email="paulina.alexandersson.vastradistriktet@orebro.example",
    )
    member = data["enrollments"][0].person
    member.line_manager = boss
    member.save(update_fields=["line_manager"])
    login_as(page, hr_user)

    page.goto(live_server.url + url("group_invitations", org=org.slug, group_id=data["group"].pk))

    expect(page.locator("#line-managers li")).to_have_text(
        ["Paulina Alexandersson (paulina.alexandersson.vastradistriktet@orebro.example)"]
    )
    axe(page, context="invitations with a long line-manager address")  # and 320 px reflow


def test_invitation_waits_while_redis_is_down_and_goes_out_once_it_is_back(
    page, live_server, axe, login_as, hr_user, org, data, redis_stopped
):
    from svc.celery import app

    login_as(page, hr_user)
    page.goto(live_server.url + url("group_invitations", org=org.slug, group_id=data["group"].pk))

    page.get_by_role("button", name="Skicka inbjudningar").click()

    expect(page.locator("#invitation-requests tbody tr td").nth(2)).to_have_text(
        "Väntar: begäran är sparad och går iväg så snart e-postkön fungerar igen."
    )
    axe(page, context="invitation waiting for the queue")
    assert mail.outbox == []

    redis_stopped.start()
    app.conf.task_always_eager = True
    assert flush_pending(older_than_seconds=0) == 1
    expect(page.locator("#invitation-requests tbody tr td").nth(2)).to_have_text(
        "Skickad till 3 deltagare.", timeout=10_000
    )
    assert OutboxTask.objects.get().state == OutboxTask.State.DONE
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.person.email for e in data["enrollments"]
    )


def test_process_leader_registers_attendance_from_the_group_page(
    page, live_server, axe, login_as, process_leader_user, org, data
):
    login_as(page, process_leader_user)
    page.goto(live_server.url + reverse("svc:process_leader_start", kwargs={"org": org.slug}))
    axe(page, context="process leader start page")

    page.goto(live_server.url + url("group_progress", org=org.slug, group_id=data["group"].pk))
    axe(page, context="group progress for the process leader")
    page.get_by_role("link", name="Registrera närvaro för modul 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Närvaro: 1. Del av en helhet")
    axe(page, context="attendance form")

    page.get_by_role("link", name="Markera alla som inte är registrerade som närvarande").click()
    page.get_by_role("group", name="Bo Berg").get_by_label("Frånvarande").check()
    page.get_by_role("button", name="Spara närvaron").click()

    expect(page.locator(".messages")).to_contain_text("Närvaron är sparad för 3 deltagare.")
    axe(page, context="attendance saved")
    assert sorted(Attendance.objects.values_list("enrollment__person__first_name", "status")) == [
        ("Bo", "absent"),
        ("Cia", "present"),
        ("Åsa", "present"),
    ]


def test_attendance_of_a_future_session_shows_the_error_for_present(
    page, live_server, axe, login_as, hr_user, org, data
):
    session = data["sessions"][3]
    start = timezone.now() + dt.timedelta(days=14)
    Session.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=6)
    )
    login_as(page, hr_user)
    page.goto(live_server.url + url("session_attendance", org=org.slug, session_id=session.pk))
    axe(page, context="attendance before the session")

    page.get_by_role("group", name="Åsa Öberg").get_by_label("Närvarande").check()
    page.get_by_role("group", name="Bo Berg").get_by_label("Anmäld frånvaro").check()
    page.get_by_role("button", name="Spara närvaron").click()

    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Åsa Öberg: närvarande eller frånvarande kan registreras från"
    )
    expect(
        page.get_by_role("group", name="Bo Berg").get_by_label("Anmäld frånvaro")
    ).to_be_checked()
    axe(page, context="attendance with an error")
    assert Attendance.objects.count() == 0


def test_month_view_with_sessions_empty_and_a_bad_month(
    page, live_server, axe, login_as, hr_user, org, data
):
    login_as(page, hr_user)
    month_url = live_server.url + url("session_month", org=org.slug)

    page.goto(month_url + "?month=2015-03")
    expect(page.locator("#month-sessions tbody tr")).to_have_count(2)
    axe(page, context="month with sessions")

    page.get_by_role("link", name="Nästa månad (april 2015)").click()
    expect(page.locator("#month-sessions tbody tr")).to_have_count(1)

    page.goto(month_url + "?month=2014-01")
    expect(page.locator(".empty-state")).to_contain_text("Inga modultillfällen i januari 2014.")
    axe(page, context="empty month")

    page.goto(month_url + "?month=mars")
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Ange månaden som år och månad, till exempel 2015-03."
    )
    axe(page, context="month view with an unreadable month")


def test_participant_downloads_their_calendar(page, live_server, login_as, org, data):
    user = UserFactory(email="deltagare@orebro.test")
    person = data["enrollments"][0].person
    person.user = user
    person.save()
    login_as(page, user)

    response = page.request.get(live_server.url + url("my_calendar", org=org.slug))

    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.text().count("BEGIN:VEVENT") == 4
