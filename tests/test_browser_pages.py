"""In Chromium, with axe on every page: the HR coordinator's program pages, the start pages of
the derived roles, and the login and error pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Level
from participants.tests.factories import (
    ConsultantFactory,
    DepartmentFactory,
    PersonFactory,
    UserFactory,
)
from programs.models import Attendance, Enrollment
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def program_data(org):
    """A program with four modules, two rounds and one full group with sessions and attendance."""
    program = ProgramFactory(organisation=org, name="Sveriges viktigaste chefsjobb")
    modules = [
        ModuleFactory(
            program=program,
            order=order,
            name=name,
            duration_days=Decimal(days),
            responsible_consultant=ConsultantFactory(name=f"Konsult {order}", organisations=[org]),
        )
        for order, name, days in [
            (1, "Del av en helhet", "1.5"),
            (2, "Klar ledare", "2"),
            (3, "Säker chef", "1"),
            (4, "Initiativrik utvecklare", "1.5"),
        ]
    ]
    round_1 = RoundFactory(program=program, number=1)
    RoundFactory(
        program=program, number=2, starts_on=dt.date(2016, 1, 1), ends_on=dt.date(2016, 12, 31)
    )
    group = GroupFactory(round=round_1, number=1, name="Kommunledningen")
    GroupFactory(round=round_1, number=2)
    departments = [
        DepartmentFactory(organisation=org, name=name)
        for name in ["Socialförvaltningen", "Tekniska förvaltningen", "Förskoleförvaltningen"]
    ]
    enrollments = [
        EnrollmentFactory(
            group=group,
            person=PersonFactory(
                organisation=org, department=departments[i % 3], level=Level.DEPARTMENT_HEAD
            ),
        )
        for i in range(6)
    ]
    EnrollmentFactory(group=group, status=Enrollment.Status.WITHDRAWN, person__organisation=org)
    start = timezone.make_aware(dt.datetime(2015, 3, 2, 9, 0))
    for module in modules[:2]:
        offset = dt.timedelta(days=40 * (module.order - 1))
        session = SessionFactory(
            group=group,
            module=module,
            starts_at=start + offset,
            ends_at=start + offset + dt.timedelta(hours=8),
        )
        for n, enrollment in enumerate(enrollments):
            status = Attendance.Status.ABSENT if n == 0 else Attendance.Status.PRESENT
            AttendanceFactory(session=session, enrollment=enrollment, status=status)
    return {"program": program, "group": group}


def test_hr_walks_from_start_page_to_group_detail(
    page, live_server, axe, login_as, hr_user, org, program_data
):
    login_as(page, hr_user)

    page.goto(live_server.url + reverse("svc:hr_start", kwargs={"org": org.slug}))
    axe(page, context="HR start page")

    page.get_by_role("main").get_by_role("link", name="Sveriges viktigaste chefsjobb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sveriges viktigaste chefsjobb")
    expect(page.locator("#modules tbody tr")).to_have_count(4)
    axe(page, context="program overview")

    page.get_by_role("link", name="Kommunledningen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunledningen")
    expect(page.locator("#members tbody tr")).to_have_count(6)
    expect(page.locator("#attendance tbody tr")).to_have_count(6)
    axe(page, context="group detail")


def test_a_large_program_overview_shows_one_round_at_a_time(
    page, live_server, axe, login_as, hr_user, org
):
    program = ProgramFactory(organisation=org, name="Stora programmet")
    first, second = (RoundFactory(program=program, number=n) for n in (1, 2))
    for number in range(1, 62):
        GroupFactory(round=first if number <= 30 else second, number=number)
    login_as(page, hr_user)

    page.goto(
        live_server.url
        + reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})
    )
    expect(page.locator(".round-tabs .nav-link.active")).to_have_text("Omgång 1 (30 grupper)")
    axe(page, context="program overview, one round at a time")
    page.get_by_role("link", name="Omgång 2 (31 grupper)").click()

    expect(page.locator(f"#round-{second.pk}-groups tbody tr")).to_have_count(31)
    expect(page.locator(f"#round-{first.pk}-groups")).to_have_count(0)


def test_program_list_is_accessible(page, live_server, axe, login_as, hr_user, org, program_data):
    login_as(page, hr_user)

    page.goto(live_server.url + reverse("programs:program_list", kwargs={"org": org.slug}))

    expect(page.locator("#programs tbody tr")).to_have_count(1)
    axe(page, context="program list")


def test_empty_program_list_is_accessible(page, live_server, axe, login_as, hr_user, org):
    login_as(page, hr_user)

    page.goto(live_server.url + reverse("programs:program_list", kwargs={"org": org.slug}))

    expect(page.locator(".empty-state")).to_be_visible()
    axe(page, context="empty program list")


def test_participant_and_line_manager_start_pages_are_accessible(
    page, live_server, axe, login_as, org, program_data
):
    line_manager_user = UserFactory(email="chef@orebro.test")
    line_manager = PersonFactory(organisation=org, user=line_manager_user)
    participant_user = UserFactory(email="deltagare@orebro.test")
    participant = PersonFactory(organisation=org, user=participant_user, line_manager=line_manager)
    EnrollmentFactory(group=program_data["group"], person=participant)

    login_as(page, participant_user)
    page.goto(live_server.url + reverse("home"))
    expect(page).to_have_url(
        live_server.url + reverse("svc:participant_start", kwargs={"org": org.slug})
    )
    expect(page.get_by_role("main")).to_contain_text("Kommunledningen")
    axe(page, context="participant start page")

    page.context.clear_cookies()
    login_as(page, line_manager_user)
    page.goto(live_server.url + reverse("home"))
    expect(page).to_have_url(
        live_server.url + reverse("svc:line_manager_start", kwargs={"org": org.slug})
    )
    axe(page, context="line manager start page")


def test_login_page_is_accessible(page, live_server, axe, db):
    page.goto(live_server.url + reverse("login"))

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page, context="login")


def test_404_page_is_accessible(page, live_server, axe, login_as, hr_user, org):
    login_as(page, hr_user)

    response = page.goto(
        live_server.url
        + reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": 999999})
    )

    assert response.status == 404
    axe(page, context="404")


def test_403_page_is_accessible(page, live_server, axe, login_as, hr_user, org):
    login_as(page, hr_user)

    response = page.goto(
        live_server.url + reverse("svc:participant_start", kwargs={"org": org.slug})
    )

    assert response.status == 403
    axe(page, context="403")
