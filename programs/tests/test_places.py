"""Holds a place: the QuerySet method, the filter through a relation and the object check agree."""

import pytest

from participants.models import Person
from programs.models import Enrollment, Group
from programs.places import holding_place_q, holds_place
from programs.tests.factories import EnrollmentFactory, GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(org):
    group = GroupFactory(round__program__organisation=org)
    return {status: EnrollmentFactory(group=group, status=status) for status in Enrollment.Status}


def test_the_three_forms_of_holding_a_place_agree(one_of_each):
    by_object = {e.pk for e in one_of_each.values() if holds_place(e)}
    by_method = set(Enrollment.objects.holding_place().values_list("pk", flat=True))
    people = set(
        Person.objects.filter(holding_place_q("enrollments__")).values_list("pk", flat=True)
    )

    assert by_object == by_method
    assert people == {
        one_of_each[s].person_id for s in one_of_each if one_of_each[s].pk in by_object
    }
    assert {one_of_each[s].status for s in one_of_each if one_of_each[s].pk in by_object} == {
        "planned", "active", "completed"
    }  # fmt: skip


def test_a_group_counts_only_the_places_it_holds(one_of_each):
    from django.db.models import Count

    group = Group.objects.annotate(
        size=Count("enrollments", filter=holding_place_q("enrollments__"))
    )

    assert group.get().size == 3
