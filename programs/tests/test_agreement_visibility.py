"""Who may see an agreement: the object check and the queryset filter agree on the demo.

Seeding takes a few seconds, so the module seeds once and every test reads that data
inside its own rolled-back transaction (as the demo's own tests do); the teardown
empties the database again for the modules that follow.
"""

import pytest
from django.core.management import call_command

from demo.agreements import seed_demo_agreements
from demo.seed import seed_demo
from participants.models import Person, User
from programs.agreements.visibility import (
    is_reviewer,
    may_see,
    reviewer_of,
    reviewer_q,
    visible_q,
)
from programs.models import Agreement, Enrollment, Program


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()
        seed_demo_agreements(
            program=Program.objects.get(
                organisation__slug="orebro", name="Sveriges viktigaste chefsjobb"
            )
        )
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db):
    """The demo, with the cases it lacks (undone after each test): a login for every
    manager, so that every line manager's relation is checked, a named reviewer, an
    inactive named reviewer, an inactive line manager and an inactive participant."""
    people = list(Person.objects.filter(user__isnull=True).order_by("pk"))
    users = User.objects.bulk_create(
        User(email=f"manager-{p.pk}@visibility.test", full_name=p.full_name) for p in people
    )
    for person, user in zip(people, users, strict=True):
        person.user = user
    Person.objects.bulk_update(people, ["user"])
    enrollments = list(
        Enrollment.objects.filter(agreements__isnull=False, person__line_manager__isnull=False)
        .select_related("person")
        .distinct()
        .order_by("pk")[:4]
    )
    named, named_inactive, manager_gone, participant_gone = enrollments
    involved = {e.person_id for e in enrollments} | {e.person.line_manager_id for e in enrollments}
    stand_in, stand_in_gone = Person.objects.exclude(pk__in=involved).order_by("pk")[:2]
    Enrollment.objects.filter(pk=named.pk).update(reviewer=stand_in)
    Enrollment.objects.filter(pk=named_inactive.pk).update(reviewer=stand_in_gone)
    Person.objects.filter(
        pk__in=[stand_in_gone.pk, manager_gone.person.line_manager_id, participant_gone.person_id]
    ).update(active=False)
    return {"stand_in": stand_in, "named": named}


def _agreements():
    return list(
        Agreement.objects.select_related(
            "enrollment__person__line_manager", "enrollment__reviewer"
        ).only(
            "pk",
            "enrollment__person__user_id",
            "enrollment__person__active",
            "enrollment__person__line_manager__user_id",
            "enrollment__person__line_manager__active",
            "enrollment__reviewer__user_id",
            "enrollment__reviewer__active",
        )
    )


def test_may_see_and_visible_q_agree_for_every_demo_user_and_agreement(demo):
    agreements = _agreements()
    users = list(User.objects.order_by("pk"))

    by_object = {
        user.pk: {a.pk for a in agreements if may_see(user=user, agreement=a)} for user in users
    }
    by_filter = {
        user.pk: set(Agreement.objects.filter(visible_q(user=user)).values_list("pk", flat=True))
        for user in users
    }

    assert by_object == by_filter
    assert len(agreements) > 1000
    assert sum(1 for seen in by_object.values() if seen) > 100  # not agreeing on nothing
    named_agreements = {a.pk for a in agreements if a.enrollment_id == demo["named"].pk}
    assert by_object[demo["stand_in"].user_id] >= named_agreements


def test_is_reviewer_and_reviewer_q_agree_for_every_demo_user_and_enrollment(demo):
    enrollments = list(
        Enrollment.objects.select_related("person__line_manager", "reviewer").order_by("pk")
    )
    users = list(User.objects.order_by("pk"))

    by_object = {
        user.pk: {e.pk for e in enrollments if is_reviewer(user=user, enrollment=e)}
        for user in users
    }
    by_filter = {
        user.pk: set(
            Enrollment.objects.filter(reviewer_q(user=user, prefix="")).values_list("pk", flat=True)
        )
        for user in users
    }

    assert by_object == by_filter
    assert sum(1 for e in enrollments if reviewer_of(e) is None) >= 2  # the inactive cases
