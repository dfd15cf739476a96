"""seed_scale builds the demo's shape for many organisations, in bulk."""

import io
import random
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from demo.scale import organisation_sizes, split
from participants.models import Level, Organisation, Person
from programs.models import Attendance, Enrollment, Group, Session


def _seed(*args):
    out = io.StringIO()
    call_command("seed_scale", "--managers", "600", "--organisations", "3", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def scale(db):
    return _seed()


def test_seed_scale_prints_figures_time_and_memory(scale):
    lines = scale.splitlines()

    assert lines[:3] == ["organisations: 3", "managers: 600", "departments: 15"]
    assert "enrollments: 600" in lines
    assert "attendance: 2400" in lines
    assert lines[-2].startswith("elapsed: ")
    assert lines[-1].startswith("peak RSS: ")


def test_seed_scale_creates_the_organisations_and_managers(scale):
    orgs = Organisation.objects.filter(slug__startswith="skala-").order_by("slug")

    assert list(orgs.values_list("slug", flat=True)) == ["skala-001", "skala-002", "skala-003"]
    assert Person.objects.filter(organisation__in=orgs).count() == 600
    assert set(Person.objects.values_list("level", flat=True)) == set(Level.values)


def test_seed_scale_groups_hold_20_to_25_members(scale):
    sizes = list(Group.objects.annotate(size=Count("enrollments")).values_list("size", flat=True))

    assert len(sizes) == 29
    assert min(sizes) >= 20
    assert max(sizes) <= 25


def test_seed_scale_every_group_mixes_at_least_five_departments(scale):
    departments = dict(
        Group.objects.annotate(
            n=Count("enrollments__person__department", distinct=True)
        ).values_list("pk", "n")
    )

    assert min(departments.values()) >= 5


def test_seed_scale_enrollments_stay_in_their_organisation(scale):
    assert Enrollment.objects.count() == 600
    assert Enrollment.objects.exclude(person__organisation=F("program__organisation")).count() == 0
    assert Enrollment.objects.exclude(group__round__program=F("program")).count() == 0
    assert (
        Person.objects.filter(line_manager__isnull=False)
        .exclude(line_manager__organisation=F("organisation"))
        .count()
        == 0
    )


def test_seed_scale_sessions_follow_module_order(scale):
    orders = defaultdict(list)
    for group_id, order in Session.objects.order_by("starts_at").values_list(
        "group_id", "module__order"
    ):
        orders[group_id].append(order)

    assert len(orders) == Group.objects.count()
    assert all(o == [1, 2, 3, 4] for o in orders.values())


def test_seed_scale_records_attendance_for_every_member_and_session(scale):
    mismatched = Attendance.objects.exclude(session__group=F("enrollment__group")).count()

    assert Attendance.objects.count() == 600 * 4
    assert mismatched == 0


def test_seed_scale_refuses_when_the_slugs_exist(scale):
    with pytest.raises(CommandError) as exc:
        _seed()

    assert str(exc.value) == (
        "3 organisation(s) with slugs skala-… exist already; "
        "run with --replace to delete and rebuild them."
    )
    assert Person.objects.count() == 600


def test_seed_scale_replace_rebuilds_the_same_figures(scale):
    again = _seed("--replace")

    assert again.splitlines()[:-2] == scale.splitlines()[:-2]
    assert Organisation.objects.count() == 3
    assert Person.objects.count() == 600


def test_seed_scale_refuses_too_few_managers(db):
    with pytest.raises(CommandError) as exc:
        call_command("seed_scale", "--managers", "50", "--organisations", "3", stdout=io.StringIO())

    assert str(exc.value) == (
        "50 managers cannot fill 3 organisations of at least 20 managers each."
    )


def test_organisation_sizes_sum_to_the_managers_asked_for():
    sizes = organisation_sizes(managers=150_000, organisations=310, rng=random.Random(1))

    assert sum(sizes) == 150_000
    assert min(sizes) >= 20


def test_split_keeps_the_total():
    assert split(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(split(1_000, [6, 5, 2.5, 1])) == 1_000
