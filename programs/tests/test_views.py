"""The HR coordinator's read-only program pages: what they say, and a flat query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.tests.html import parse, table
from participants.models import Level, Role
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
from svc.views import start_url_for

pytestmark = pytest.mark.django_db


def sv(msgid: str) -> str:
    """What the page shows for a label in Swedish (the English msgid until the catalogue has it)."""
    with translation.override("sv"):
        return translation.gettext(msgid)


# --- Data ------------------------------------------------------------------------------------


@pytest.fixture
def program(org):
    return ProgramFactory(organisation=org, name="Sveriges viktigaste chefsjobb")


@pytest.fixture
def departments(org):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    return {
        "social": social,
        # A unit inside Socialförvaltningen: counts as Socialförvaltningen in the mix.
        "social_unit": DepartmentFactory(organisation=org, name="Äldreomsorg", parent=social),
        "technical": DepartmentFactory(organisation=org, name="Tekniska förvaltningen"),
        "school": DepartmentFactory(organisation=org, name="Förskoleförvaltningen"),
    }


def _enroll(group, department, n, **kwargs):
    return [
        EnrollmentFactory(
            group=group,
            person=PersonFactory(
                organisation=group.round.program.organisation, department=department
            ),
            **kwargs,
        )
        for _ in range(n)
    ]


def _grow_program(program, departments, *, groups, members_per_group):
    """Add groups (in a second round too) with members of several departments and sessions."""
    round_2 = RoundFactory(program=program, number=2)
    module = ModuleFactory(program=program, order=1)
    for i in range(groups):
        group = GroupFactory(round=round_2, number=100 + i)
        for n, key in enumerate(["social", "social_unit", "technical", "school"]):
            _enroll(group, departments[key], members_per_group // 4 + (n == 0))
        SessionFactory(group=group, module=module, process_leader=ConsultantFactory())


# --- Program list -----------------------------------------------------------------------------


def _list_url(org):
    return reverse("programs:program_list", kwargs={"org": org.slug})


def test_program_list_shows_each_program_with_its_counts(
    client, hr_user, org, program, departments
):
    round_1 = RoundFactory(program=program, number=1)
    RoundFactory(program=program, number=2)
    group_a = GroupFactory(round=round_1, number=1)
    group_b = GroupFactory(round=round_1, number=2)
    _enroll(group_a, departments["social"], 3)
    _enroll(group_b, departments["technical"], 2)
    _enroll(group_b, departments["school"], 1, status=Enrollment.Status.WITHDRAWN)
    ProgramFactory(
        organisation=org,
        name="Chefsintroduktion",
        starts_on=dt.date(2018, 1, 1),
        ends_on=dt.date(2018, 12, 31),
    )
    ProgramFactory(name="Another organisation's program")
    client.force_login(hr_user)

    response = client.get(_list_url(org))

    assert response.status_code == 200
    rows = [[row[0], row[2], row[3], row[4]] for row in table(response, "programs")]
    assert rows == [
        ["Chefsintroduktion", "0", "0", "0"],
        ["Sveriges viktigaste chefsjobb", "2", "2", "5"],
    ]


def test_program_list_without_programs_says_so(client, hr_user, org):
    client.force_login(hr_user)

    response = client.get(_list_url(org))

    assert response.status_code == 200
    assert parse(response).select("table") == []
    assert response.context["programs"].count() == 0
    assert 'class="empty-state"' in response.content.decode()


def test_program_list_is_paginated(client, hr_user, org):
    for year in range(2000, 2021):
        ProgramFactory(
            organisation=org,
            name=f"Program {year}",
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
        )
    client.force_login(hr_user)

    first = client.get(_list_url(org))
    second = client.get(_list_url(org) + "?page=2")

    assert len(table(first, "programs")) == 20
    assert [row[0] for row in table(second, "programs")] == ["Program 2000"]
    assert 'href="?page=2"' in first.content.decode()


def test_program_list_query_count_is_flat(client, hr_user, org, program, departments, queries):
    client.force_login(hr_user)

    def grow():
        for i in range(9):
            extra = ProgramFactory(organisation=org, name=f"Program {i}")
            _grow_program(extra, departments, groups=3, members_per_group=4)

    response = queries.assert_flat(client, _list_url(org), grow=grow)

    assert len(table(response, "programs")) == 10


# --- Program overview ------------------------------------------------------------------------


def _overview_url(org, program):
    return reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})


def test_program_overview_lists_modules_in_order_with_days_and_consultant(
    client, hr_user, org, program
):
    ModuleFactory(program=program, order=2, name="Klar ledare", duration_days=Decimal("2"))
    ModuleFactory(
        program=program,
        order=1,
        name="Del av en helhet",
        duration_days=Decimal("1.5"),
        responsible_consultant=ConsultantFactory(name="Karin Berg", firm="Public Partner"),
    )
    client.force_login(hr_user)

    response = client.get(_overview_url(org, program))

    assert response.status_code == 200
    assert table(response, "modules") == [
        ["1", "Del av en helhet", "1,5", "Karin Berg (Public Partner)"],
        ["2", "Klar ledare", "2,0", sv("Not assigned")],
    ]
    assert response.context["overview"].total_days == Decimal("3.5")


def test_program_overview_shows_group_sizes_and_department_mix(
    client, hr_user, org, program, departments
):
    round_1 = RoundFactory(program=program, number=1)
    top = GroupFactory(round=round_1, number=1, name="Kommunledningen")
    second = GroupFactory(round=round_1, number=2)
    _enroll(top, departments["social"], 2)
    _enroll(top, departments["social_unit"], 3)
    _enroll(top, departments["technical"], 4)
    _enroll(top, departments["school"], 1, status=Enrollment.Status.WITHDRAWN)
    _enroll(top, departments["school"], 1, status=Enrollment.Status.MOVED)
    _enroll(second, departments["school"], 1)
    EnrollmentFactory(group=second, person=PersonFactory(organisation=org, department=None))
    RoundFactory(program=program, number=2)
    client.force_login(hr_user)

    response = client.get(_overview_url(org, program))

    assert response.status_code == 200
    overview = response.context["overview"]
    assert [(r.round.number, [g.group.pk for g in r.groups]) for r in overview.rounds] == [
        (1, [top.pk, second.pk]),
        (2, []),
    ]
    group_rows = table(response, f"round-{round_1.pk}-groups")
    assert [row[:3] for row in group_rows] == [
        ["Kommunledningen", f"9 {sv('outside the size bounds')}", "2"],
        [str(second), f"2 {sv('outside the size bounds')}", "2"],
    ]
    assert [row[3] for row in group_rows] == [
        "Socialförvaltningen 5 Tekniska förvaltningen 4",
        f"Förskoleförvaltningen 1 {sv('No department')} 1",
    ]
    assert (overview.group_count, overview.participant_count) == (2, 11)


def test_program_overview_marks_only_groups_outside_the_size_bounds(
    client, hr_user, org, departments
):
    program = ProgramFactory(organisation=org, min_group_size=2, max_group_size=3)
    round_1 = RoundFactory(program=program, number=1)
    _enroll(GroupFactory(round=round_1, number=1), departments["social"], 2)
    _enroll(GroupFactory(round=round_1, number=2), departments["social"], 4)
    client.force_login(hr_user)

    response = client.get(_overview_url(org, program))

    sizes = [g.size_within_bounds for g in response.context["overview"].rounds[0].groups]
    assert sizes == [True, False]
    assert response.content.decode().count("badge text-bg-warning") == 1


def test_program_overview_links_each_group_to_its_detail(client, hr_user, org, program):
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=1)
    client.force_login(hr_user)

    response = client.get(_overview_url(org, program))

    detail = reverse("programs:group_detail", kwargs={"org": org.slug, "group_id": group.pk})
    assert f'href="{detail}"' in response.content.decode()


def test_program_overview_query_count_is_flat(client, hr_user, org, program, departments, queries):
    module = ModuleFactory(program=program, order=1, responsible_consultant=ConsultantFactory())
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=1)
    _enroll(group, departments["social"], 1)
    SessionFactory(group=group, module=module)
    client.force_login(hr_user)

    def grow():
        for order in (2, 3, 4):
            ModuleFactory(program=program, order=order, responsible_consultant=ConsultantFactory())
        _grow_program(program, departments, groups=9, members_per_group=22)

    response = queries.assert_flat(client, _overview_url(org, program), grow=grow)

    assert response.context["overview"].group_count == 10
    assert len(response.context["overview"].modules) == 4


def test_a_large_program_shows_one_round_at_a_time_with_links_to_the_others(
    client, hr_user, org, program, departments
):
    """61 groups (more than OVERVIEW_ALL_ROUNDS_UP_TO_GROUPS): one round per page."""
    round_1 = RoundFactory(program=program, number=1)
    round_2 = RoundFactory(program=program, number=2)
    first = [GroupFactory(round=round_1, number=n) for n in (1, 2)]
    second = [GroupFactory(round=round_2, number=n) for n in range(3, 62)]
    _enroll(first[0], departments["social"], 2)
    _enroll(second[0], departments["school"], 3)
    client.force_login(hr_user)
    url = _overview_url(org, program)

    default = client.get(url)
    chosen = client.get(url + "?omgang=2")
    unknown = client.get(url + "?omgang=x")

    overview = default.context["overview"]
    assert [r.round.number for r in overview.rounds] == [1]
    assert [g.group.pk for g in overview.rounds[0].groups] == [g.pk for g in first]
    assert (overview.group_count, overview.participant_count) == (61, 5)
    assert [(t.round.number, t.group_count, t.current) for t in overview.round_tabs] == [
        (1, 2, True),
        (2, 59, False),
    ]
    html = default.content.decode()
    assert "Programmet har 61 utvecklingsgrupper; en omgång visas åt gången." in html
    assert '<a class="nav-link active" href="?omgang=1" aria-current="page">' in html
    assert f'id="round-{round_2.pk}-groups"' not in html
    chosen_overview = chosen.context["overview"]
    assert [g.group.pk for g in chosen_overview.rounds[0].groups] == [g.pk for g in second]
    assert chosen_overview.rounds[0].groups[0].department_mix == [("Förskoleförvaltningen", 3)]
    assert [r.round.number for r in unknown.context["overview"].rounds] == [1]


def test_a_small_program_shows_every_round_without_choosing(client, hr_user, org, program):
    for number in (1, 2):
        GroupFactory(round=RoundFactory(program=program, number=number), number=number)
    client.force_login(hr_user)

    response = client.get(_overview_url(org, program))

    overview = response.context["overview"]
    assert [r.round.number for r in overview.rounds] == [1, 2]
    assert (overview.showing_all, overview.round_tabs) == (True, [])
    assert "round-tabs" not in response.content.decode()


def test_program_overview_of_unknown_program_is_404(client, hr_user, org):
    client.force_login(hr_user)

    response = client.get(
        reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": 999999})
    )

    assert response.status_code == 404


# --- Group detail -----------------------------------------------------------------------------


def _group_url(org, group):
    return reverse("programs:group_detail", kwargs={"org": org.slug, "group_id": group.pk})


@pytest.fixture
def group_with_sessions(program, departments):
    """A group of three members (one withdrawn besides) with two sessions and some attendance."""
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=3, name="Grupp 3")
    group.process_leaders.set([ConsultantFactory(name="Pia Lindqvist", firm="")])
    anna, bo, cecilia = (
        EnrollmentFactory(
            group=group,
            person=PersonFactory(
                organisation=program.organisation,
                first_name=first,
                last_name=last,
                department=departments[dept],
                level=level,
            ),
        )
        for first, last, dept, level in [
            ("Anna", "Andersson", "social", Level.DEPARTMENT_HEAD),
            ("Bo", "Berg", "social_unit", Level.FIRST_LINE),
            ("Cecilia", "Carlsson", "technical", Level.DIVISION_HEAD),
        ]
    )
    EnrollmentFactory(
        group=group,
        person=PersonFactory(organisation=program.organisation, last_name="Ödman"),
        status=Enrollment.Status.WITHDRAWN,
    )
    module_1 = ModuleFactory(program=program, order=1, name="Del av en helhet")
    module_2 = ModuleFactory(program=program, order=2, name="Klar ledare")
    leader = ConsultantFactory(name="Olle Ek", firm="")
    start = timezone.make_aware(dt.datetime(2015, 3, 2, 9, 0))
    second = SessionFactory(
        group=group,
        module=module_2,
        starts_at=start + dt.timedelta(days=40),
        ends_at=start + dt.timedelta(days=40, hours=7),
        venue="Conventum",
        process_leader=None,
    )
    first = SessionFactory(
        group=group,
        module=module_1,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        venue="Örebro slott",
        process_leader=leader,
    )
    AttendanceFactory(session=first, enrollment=anna, status=Attendance.Status.PRESENT)
    AttendanceFactory(session=first, enrollment=bo, status=Attendance.Status.ABSENT)
    AttendanceFactory(session=first, enrollment=cecilia, status=Attendance.Status.EXCUSED)
    AttendanceFactory(session=second, enrollment=anna, status=Attendance.Status.PRESENT)
    return group


def test_group_detail_lists_members_with_department_and_level(
    client, hr_user, org, group_with_sessions
):
    client.force_login(hr_user)

    response = client.get(_group_url(org, group_with_sessions))

    assert response.status_code == 200
    members = [row[:3] for row in table(response, "members")]
    assert members == [
        ["Anna Andersson", "Socialförvaltningen", str(Level.DEPARTMENT_HEAD.label)],
        # Äldreomsorg is a unit of Socialförvaltningen: the column is the förvaltning.
        ["Bo Berg", "Socialförvaltningen", str(Level.FIRST_LINE.label)],
        ["Cecilia Carlsson", "Tekniska förvaltningen", str(Level.DIVISION_HEAD.label)],
    ]


def test_group_detail_lists_sessions_in_module_order(client, hr_user, org, group_with_sessions):
    client.force_login(hr_user)

    response = client.get(_group_url(org, group_with_sessions))

    sessions = table(response, "sessions")
    assert [[row[0], row[2], row[3]] for row in sessions] == [
        ["1. Del av en helhet", "Örebro slott", "Olle Ek"],
        ["2. Klar ledare", "Conventum", sv("Not assigned")],
    ]
    assert sessions[0][1] == "2015-03-02 09:00–17:00"


def test_group_detail_shows_attendance_per_member_and_session(
    client, hr_user, org, group_with_sessions
):
    client.force_login(hr_user)

    response = client.get(_group_url(org, group_with_sessions))

    present, absent, excused = (
        str(label)
        for label in (
            Attendance.Status.PRESENT.label,
            Attendance.Status.ABSENT.label,
            Attendance.Status.EXCUSED.label,
        )
    )
    not_recorded = response.context["detail"].members[1].attendance[1]
    assert not_recorded is None
    attendance = table(response, "attendance")
    assert [row[:2] for row in attendance] == [
        ["Anna Andersson", present],
        ["Bo Berg", absent],
        ["Cecilia Carlsson", excused],
    ]
    assert [row[2] == present for row in attendance] == [True, False, False]
    header = parse(response).rows("attendance")[0]
    assert header[1:] == ["1. Del av en helhet", "2. Klar ledare"]


def test_group_detail_table_headers_have_scope(client, hr_user, org, group_with_sessions):
    client.force_login(hr_user)

    page = client.get(_group_url(org, group_with_sessions)).content.decode()

    assert page.count("<th>") == 0
    assert page.count("<caption") == 3


def test_group_detail_query_count_is_flat(client, hr_user, org, program, departments, queries):
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=1)
    module_1 = ModuleFactory(program=program, order=1)
    session = SessionFactory(group=group, module=module_1)
    (enrollment,) = _enroll(group, departments["social"], 1)
    AttendanceFactory(session=session, enrollment=enrollment)
    client.force_login(hr_user)

    def grow():
        group.process_leaders.set(ConsultantFactory.create_batch(2))
        members = _enroll(group, departments["technical"], 10) + _enroll(
            group, departments["social_unit"], 10
        )
        start = session.starts_at
        for order in (2, 3, 4):
            later = SessionFactory(
                group=group,
                module=ModuleFactory(program=program, order=order),
                starts_at=start + dt.timedelta(days=40 * order),
                ends_at=start + dt.timedelta(days=40 * order, hours=8),
            )
            for member in members:
                AttendanceFactory(session=later, enrollment=member)

    response = queries.assert_flat(client, _group_url(org, group), grow=grow)

    assert len(response.context["detail"].members) == 21
    assert len(response.context["detail"].sessions) == 4


# --- Start pages -------------------------------------------------------------------------------


def test_hr_start_page_links_to_programs(client, hr_user, org, program):
    client.force_login(hr_user)

    page = client.get(reverse("svc:hr_start", kwargs={"org": org.slug})).content.decode()

    assert f'href="{_list_url(org)}"' in page
    assert f'href="{_overview_url(org, program)}">Sveriges viktigaste chefsjobb</a>' in page


@pytest.fixture
def participant(org, program):
    """A participant who is also the line manager of another participant."""
    user = UserFactory(email="deltagare@orebro.test")
    person = PersonFactory(organisation=org, user=user)
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=4, name="Grupp 4")
    EnrollmentFactory(person=person, group=group)
    EnrollmentFactory(group=group, person=PersonFactory(organisation=org, line_manager=person))
    return user


def test_participant_start_page_names_the_group(client, org, participant):
    client.force_login(participant)

    response = client.get(reverse("svc:participant_start", kwargs={"org": org.slug}))

    assert response.status_code == 200
    assert response.context["enrollment"].group.name == "Grupp 4"
    assert "Grupp 4" in response.content.decode()


def test_participant_who_is_also_a_line_manager_starts_on_the_participant_page(org, participant):
    assert start_url_for(user=participant, organisation=org) == reverse(
        "svc:participant_start", kwargs={"org": org.slug}
    )


def test_line_manager_starts_on_the_line_manager_page(client, org):
    user = UserFactory(email="chef@orebro.test")
    PersonFactory(organisation=org, line_manager=PersonFactory(organisation=org, user=user))
    client.force_login(user)

    response = client.get(reverse("svc:organisation_home", kwargs={"org": org.slug}))

    start = reverse("svc:line_manager_start", kwargs={"org": org.slug})
    assert response["Location"] == start
    assert client.get(start).context["nav_items"] == [(start, sv("My staff"))]


def test_navigation_of_a_participant_and_line_manager_shows_both_pages(client, org, participant):
    client.force_login(participant)

    response = client.get(reverse("svc:participant_start", kwargs={"org": org.slug}))

    assert [url for url, _label in response.context["nav_items"]] == [
        reverse("svc:participant_start", kwargs={"org": org.slug}),
        reverse("evaluations:my_evaluations", kwargs={"org": org.slug}),
        reverse("svc:line_manager_start", kwargs={"org": org.slug}),
    ]


def test_hr_navigation_links_to_the_program_list(client, hr_user, org):
    client.force_login(hr_user)

    response = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    urls = [url for url, _label in response.context["nav_items"]]
    assert _list_url(org) in urls
    assert Role.HR in response.context["roles"]
