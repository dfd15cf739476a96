"""What the database itself refuses, whatever code writes the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from participants.models import Department, Person
from participants.tests.factories import DepartmentFactory, OrganisationFactory, PersonFactory
from programs.models import Enrollment, Module, Program, Session

from .factories import (
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    SessionFactory,
)


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def test_enrollment_second_place_in_a_program_raises_integrity_error(db):
    first = EnrollmentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            person=first.person,
            group=GroupFactory(round=first.group.round),
            program=first.program,
            status=Enrollment.Status.PLANNED,
        )

    assert Enrollment.objects.filter(person=first.person).count() == 1


def test_enrollment_second_place_fails_validation_with_the_swedish_message(db):
    first = EnrollmentFactory()
    second = Enrollment(
        person=first.person,
        group=first.group,
        program=first.program,
        status=Enrollment.Status.PLANNED,
    )

    with pytest.raises(ValidationError) as exc:
        second.validate_constraints()

    assert exc.value.messages == ["Chefen deltar redan i programmet."]


@pytest.mark.parametrize("status", [Enrollment.Status.WITHDRAWN, Enrollment.Status.MOVED])
def test_enrollment_inactive_place_does_not_block_a_new_one(db, status):
    first = EnrollmentFactory(status=status)

    Enrollment.objects.create(
        person=first.person, group=first.group, program=first.program, status="active"
    )

    assert Enrollment.objects.filter(person=first.person).count() == 2


def test_session_second_of_the_same_module_raises_integrity_error(db):
    first = SessionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            group=first.group,
            module=first.module,
            starts_at=first.starts_at + dt.timedelta(days=7),
            ends_at=first.ends_at + dt.timedelta(days=7),
        )


def test_session_ending_before_it_starts_raises_integrity_error(db):
    session = SessionFactory()
    start = timezone.make_aware(dt.datetime(2015, 3, 2, 16))

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            starts_at=start, ends_at=start - dt.timedelta(hours=1)
        )


def test_person_as_own_line_manager_raises_integrity_error(db):
    person = PersonFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(line_manager=person)


def test_person_employee_number_is_unique_per_organisation(db):
    person = PersonFactory(employee_number="10001")
    PersonFactory(employee_number="10001", organisation=OrganisationFactory(slug="region-x"))

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(employee_number="10001", organisation=person.organisation)


def test_department_names_are_unique_among_top_departments(db):
    department = DepartmentFactory(name="Tekniska förvaltningen")

    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(
            organisation=department.organisation, name="Tekniska förvaltningen"
        )


def test_department_same_name_below_different_parents_is_allowed(db):
    first = DepartmentFactory(name="Hemvården")
    second = DepartmentFactory(organisation=first.organisation, name="Äldreomsorgen")

    Department.objects.create(organisation=first.organisation, parent=first, name="Administration")
    Department.objects.create(organisation=first.organisation, parent=second, name="Administration")

    assert Department.objects.filter(name="Administration").count() == 2


def test_program_group_size_bounds_must_be_ordered(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(min_group_size=25, max_group_size=20)

    assert Program.objects.count() == 0


def test_module_order_is_unique_per_program(db):
    module = ModuleFactory(order=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.create(
            program=module.program, order=1, name="Dubblett", duration_days=Decimal("1")
        )


def test_module_duration_must_be_positive(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ModuleFactory(order=1, duration_days=Decimal("0"))


def test_every_enrollment_status_either_holds_a_place_or_does_not():
    from programs.models import Enrollment
    from programs.places import NOT_A_PLACE, PLACE_STATUSES

    assert set(PLACE_STATUSES) | set(NOT_A_PLACE) == set(Enrollment.Status)
    assert not set(PLACE_STATUSES) & set(NOT_A_PLACE)
