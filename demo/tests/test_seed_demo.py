"""The demo data reproduces "SVC i siffror" and a second run changes nothing.

Seeding takes a few seconds, so the module seeds once (``seeded``) and every
test reads that data inside its own rolled-back transaction. The teardown
empties the database again for the modules that follow.
"""

import datetime as dt
import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from demo.seed import seed_demo
from participants.models import Consultant, Level, Organisation, Person, Role, User
from programs.models import (
    Attendance,
    CheckIn,
    Enrollment,
    Group,
    MakeUpBooking,
    Module,
    Program,
    Session,
)
from svc.roles import roles_in


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        figures = seed_demo()
    yield figures
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db):
    return seeded


@pytest.fixture
def orebro(demo):
    return Organisation.objects.get(slug="orebro")


@pytest.fixture
def program(orebro):
    return Program.objects.get(organisation=orebro, name="Sveriges viktigaste chefsjobb")


def _group_sizes(program):
    return [
        g.enrollments.holding_place().count() for g in Group.objects.filter(round__program=program)
    ]


def test_seed_demo_returns_the_figures_of_the_brochure(demo):
    evaluation_keys = {k for k in demo if k.startswith(("evaluation_", "effect_"))}
    skipped = {"managers", "absent", "excused", *evaluation_keys}
    assert {key: demo[key] for key in demo if key not in skipped} == {
        "rounds": 5,
        "groups": 23,
        "group_size_min": 20,
        "group_size_max": 22,
        "departments": 11,
        "departments_per_group_min": 6,
        "group_1_is_top_management": True,
        "modules": 4,
        "module_days": Decimal("6.0"),
        "consultants": 14,
        "sessions": 92,
        "check_ins": 20,
        "organisations": 7,
        "organisations_in_comparison": 5,
        "status_reports": 20,
        "rows_written": demo["rows_written"],
    }
    assert 470 <= demo["managers"] <= 490
    assert demo["evaluation_mean"] == "4.8"
    assert len(demo["effect_entries_per_theme"]) == 3


def test_seed_demo_has_five_rounds_of_23_groups(program):
    assert list(program.rounds.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    per_round = Counter(
        Group.objects.filter(round__program=program).values_list("round__number", flat=True)
    )
    assert per_round == {1: 5, 2: 5, 3: 5, 4: 4, 5: 4}


def test_seed_demo_groups_hold_20_to_25_members(program):
    sizes = _group_sizes(program)

    assert len(sizes) == 23
    assert all(20 <= size <= 25 for size in sizes), sizes


def test_seed_demo_has_about_480_managers_at_four_levels(orebro):
    levels = Counter(Person.objects.filter(organisation=orebro).values_list("level", flat=True))

    assert 470 <= sum(levels.values()) <= 490
    assert levels == {
        Level.MUNICIPAL_MANAGEMENT: 8,
        Level.DEPARTMENT_HEAD: 14,
        Level.DIVISION_HEAD: 68,
        Level.FIRST_LINE: 390,
    }


def test_seed_demo_every_manager_is_enrolled_once(orebro, program):
    enrolled = Enrollment.objects.filter(program=program)

    assert enrolled.count() == Person.objects.filter(organisation=orebro).count()
    assert enrolled.values("person").distinct().count() == enrolled.count()


def test_seed_demo_modules_have_brochure_names_and_sum_to_six_days(program):
    modules = list(
        Module.objects.filter(program=program).values_list("order", "name", "duration_days")
    )

    assert modules == [
        (1, "Del av en helhet", Decimal("1.5")),
        (2, "Klar ledare", Decimal("2.0")),
        (3, "Säker chef", Decimal("1.0")),
        (4, "Initiativrik utvecklare", Decimal("1.5")),
    ]
    assert sum(days for *_, days in modules) == Decimal("6.0")
    assert all(Module.objects.filter(program=program).values_list("purpose", flat=True))


def test_seed_demo_program_has_name_purpose_and_motto(program):
    assert program.name == "Sveriges viktigaste chefsjobb"
    assert program.motto == "Säkra, initiativrika och klara"
    assert program.purpose.startswith("Stärka kompetensen hos cheferna")
    assert (program.starts_on, program.ends_on) == (dt.date(2015, 1, 1), dt.date(2017, 12, 31))


def test_seed_demo_has_14_consultants_leading_groups_and_one_per_module(orebro, program):
    consultants = Consultant.objects.filter(organisations=orebro)
    responsible = list(
        Module.objects.filter(program=program).values_list("responsible_consultant", flat=True)
    )
    leading = Consultant.objects.filter(groups__round__program=program).distinct()

    assert consultants.count() == 14
    assert set(leading) == set(consultants)
    assert len(set(responsible)) == 4
    assert set(responsible) <= set(consultants.values_list("pk", flat=True))
    assert Group.objects.filter(round__program=program, process_leaders__isnull=True).count() == 0


def test_seed_demo_has_about_20_check_ins_with_the_module_consultant(program):
    check_ins = CheckIn.objects.filter(program=program)

    assert 18 <= check_ins.count() <= 22
    assert check_ins.exclude(consultant=F("module__responsible_consultant")).count() == 0
    assert check_ins.filter(project_leader__email="hr@orebro.example").count() == check_ins.count()
    assert all(2015 <= c.held_on.year <= 2017 and c.observations for c in check_ins)


def test_seed_demo_every_group_mixes_at_least_five_departments(program):
    departments = defaultdict(set)
    for group_id, department_id, parent_id in Enrollment.objects.filter(
        program=program
    ).values_list("group_id", "person__department_id", "person__department__parent_id"):
        departments[group_id].add(parent_id or department_id)

    assert len(departments) == 23
    assert min(len(d) for d in departments.values()) >= 5


def test_seed_demo_first_group_is_top_management(orebro, program):
    first = Group.objects.get(round__program=program, round__number=1, number=1)
    members = set(first.enrollments.values_list("person", flat=True))
    top = set(
        Person.objects.filter(
            organisation=orebro, level__in=[Level.MUNICIPAL_MANAGEMENT, Level.DEPARTMENT_HEAD]
        ).values_list("pk", flat=True)
    )

    assert members == top
    assert 20 <= len(members) <= 25


def test_seed_demo_line_managers_form_one_tree_under_the_director(orebro):
    people = {
        p.pk: p.line_manager_id
        for p in Person.objects.filter(organisation=orebro).only("pk", "line_manager")
    }
    roots = [pk for pk, manager in people.items() if manager is None]

    assert len(roots) == 1
    assert Person.objects.get(pk=roots[0]).level == Level.MUNICIPAL_MANAGEMENT
    for pk in people:  # every chain reaches the root without looping
        seen = set()
        while people[pk] is not None:
            assert pk not in seen
            seen.add(pk)
            pk = people[pk]
        assert pk == roots[0]


def test_seed_demo_managers_appointed_during_the_program_join_a_later_round(orebro, program):
    late = Enrollment.objects.filter(
        program=program,
        person__manager_since__gte=dt.date(2015, 1, 1),
        person__manager_since__lte=dt.date(2017, 12, 31),
    ).select_related("person", "group__round")

    assert late.count() == 36
    assert all(e.group.round.starts_on > e.person.manager_since for e in late)
    assert {e.group.round.number for e in late} == {2, 3, 4, 5}


def test_seed_demo_sessions_follow_module_order_within_2015_to_2017(program):
    by_group = defaultdict(list)
    for group_id, order, starts_at, ends_at in (
        Session.objects.filter(group__round__program=program)
        .order_by("starts_at")
        .values_list("group_id", "module__order", "starts_at", "ends_at")
    ):
        by_group[group_id].append(order)
        assert 2015 <= starts_at.year <= ends_at.year <= 2017
        assert ends_at > starts_at

    assert len(by_group) == 23
    assert all(orders == [1, 2, 3, 4] for orders in by_group.values())


def test_seed_demo_books_no_process_leader_for_two_sessions_at_once(demo):
    by_leader = defaultdict(list)
    for leader_id, starts_at, ends_at in Session.objects.exclude(process_leader=None).values_list(
        "process_leader_id", "starts_at", "ends_at"
    ):
        by_leader[leader_id].append((starts_at, ends_at))
    clashes = [
        (leader_id, first, second)
        for leader_id, booked in by_leader.items()
        for first, second in zip(sorted(booked), sorted(booked)[1:], strict=False)
        if second[0] < first[1]
    ]

    assert sum(len(booked) for booked in by_leader.values()) > 92
    assert clashes == []


def test_seed_demo_attendance_is_recorded_with_a_few_absent_and_excused(program):
    statuses = Counter(
        Attendance.objects.filter(session__group__round__program=program).values_list(
            "status", flat=True
        )
    )
    total = sum(statuses.values())

    # Four sessions per place, and the make-up guests' attendance at their host sessions.
    make_ups = MakeUpBooking.objects.filter(session__group__round__program=program).count()
    assert total == Enrollment.objects.filter(program=program).count() * 4 + make_ups
    assert 50 < make_ups < 100
    assert 0 < statuses[Attendance.Status.ABSENT] < total * 0.05
    assert 0 < statuses[Attendance.Status.EXCUSED] < total * 0.05


def test_seed_demo_participant_login_is_also_a_line_manager_of_a_participant(orebro):
    user = User.objects.get(email="deltagare@orebro.example")
    person = user.people.get(organisation=orebro)
    reports = person.direct_reports.filter(enrollments__isnull=False)

    assert roles_in(user=user, organisation=orebro) == {Role.PARTICIPANT, Role.LINE_MANAGER}
    assert reports.count() >= 1
    assert user.check_password("demo-password-2015")


def test_seed_demo_line_manager_login_manages_the_participant_login(orebro):
    chef = User.objects.get(email="chef@orebro.example")
    participant = Person.objects.get(user__email="deltagare@orebro.example")

    assert participant.line_manager.user == chef
    assert Role.LINE_MANAGER in roles_in(user=chef, organisation=orebro)
    assert chef.check_password("demo-password-2015")


def test_seed_demo_process_leader_login_is_a_consultant_leading_the_participant(orebro, program):
    user = User.objects.get(email="processledare@konsult.example")
    participant_group = Enrollment.objects.get(
        program=program, person__user__email="deltagare@orebro.example"
    ).group

    # She also works for Lindesbergs kommun (demo.lindesberg).
    assert set(Consultant.objects.get(user=user).organisations.values_list("slug", flat=True)) == {
        "orebro",
        "lindesberg",
    }
    assert user.consultant in participant_group.process_leaders.all()
    assert roles_in(user=user, organisation=orebro) == {Role.PROCESS_LEADER}


def test_seed_demo_role_logins_keep_their_memberships(orebro):
    roles = {
        email: roles_in(user=User.objects.get(email=email), organisation=orebro)
        for email in ("hr@orebro.example", "styrgrupp@orebro.example")
    }

    assert roles == {"hr@orebro.example": {Role.HR}, "styrgrupp@orebro.example": {Role.STEERING}}


def test_seed_demo_second_organisation_is_separate(orebro):
    region = Organisation.objects.get(slug="region-exempel")
    region_hr = User.objects.get(email="hr@region-exempel.example")
    program = Program.objects.get(organisation=region)

    assert program.rounds.count() == 1
    assert sorted(_group_sizes(program)) == [22, 22]
    assert roles_in(user=region_hr, organisation=region) == {Role.HR}
    assert roles_in(user=region_hr, organisation=orebro) == set()
    assert Enrollment.objects.exclude(person__organisation=F("program__organisation")).count() == 0
    assert (
        Person.objects.filter(line_manager__isnull=False)
        .exclude(line_manager__organisation=F("organisation"))
        .count()
        == 0
    )


def _snapshot():
    """Row counts of every model and every value of the demo's tables."""
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models(include_auto_created=True)
    }
    values = {
        m._meta.label: list(m._default_manager.order_by("pk").values())
        for label in ("participants", "programs")
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    people = sorted(
        Person.objects.values_list(
            "organisation__slug",
            "employee_number",
            "department__name",
            "line_manager__employee_number",
        )
    )
    return counts, values, people


def test_seed_demo_second_run_changes_nothing(demo):
    before = _snapshot()

    again = seed_demo()

    assert again["rows_written"] == 0
    assert again["evaluation_rows_written"] == 0
    ignore = {"rows_written": None, "evaluation_rows_written": None}
    assert {**again, **ignore} == {**demo, **ignore}
    after = _snapshot()
    assert after[0] == before[0]
    assert after[2] == before[2]
    assert after[1] == before[1]


def test_seed_demo_command_prints_figures_and_logins(demo):
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "SVC in figures (Örebro kommun):"
    assert "  rounds: 5" in lines
    assert "  groups: 23" in lines
    assert "  rows_written: 0" in lines
    assert "Demo logins (password demo-password-2015):" in lines
    assert any(line.split()[:1] == ["deltagare@orebro.example"] for line in lines)
    assert any(line.split()[:1] == ["chef@orebro.example"] for line in lines)


def test_seed_demo_command_refuses_without_demo_mode(db, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", stdout=io.StringIO())

    assert str(exc.value) == "seed_demo only runs with DEMO_MODE=true (never in production)."


def test_demo_hr_coordinator_can_use_the_admin_for_their_own_organisation_only(demo, client):
    hr = User.objects.get(email="hr@orebro.example")
    client.force_login(hr)

    response = client.get("/admin/participants/person/")

    assert response.status_code == 200
    orebro_people = Person.objects.filter(organisation__slug="orebro").count()
    assert response.context["cl"].result_count == orebro_people
    assert Person.objects.exclude(organisation__slug="orebro").exists()


def test_seed_demo_fills_in_orebros_privacy_notice_and_accessibility_contact(client, orebro):
    from core.tests import html

    notice = html.parse(client.get(f"/o/{orebro.slug}/dataskydd/")).text("main")
    statement = html.parse(client.get(f"/o/{orebro.slug}/tillganglighet/")).text("main")

    assert "dataskyddsombud@orebro.example" in notice
    assert "Ledarskapskonsulterna AB (demo)" in notice
    assert "Dataskyddsombudets kontaktuppgifter är inte ifyllda ännu" not in notice
    assert "tillganglighet@orebro.example" in statement
