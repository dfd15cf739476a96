"""Rules about the program that span rows: one place per program, group size, module order."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from participants.tests.factories import OrganisationFactory, PersonFactory
from programs.models import Enrollment, Session
from programs.services import enrollment_create, session_save

from .factories import (
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def at(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def program(org):
    return ProgramFactory(organisation=org)


@pytest.fixture
def group(program):
    return GroupFactory(round=RoundFactory(program=program), name="Utvecklingsgrupp 7")


@pytest.fixture
def person(org):
    return PersonFactory(organisation=org)


def _fill(group, count):
    EnrollmentFactory.create_batch(count, group=group)


# --- enrollment_create -----------------------------------------------------------------


def test_enrollment_create_stores_the_program_of_the_group(group, person, program):
    result = enrollment_create(person=person, group=group)

    assert result.obj.program == program
    assert result.obj.status == Enrollment.Status.PLANNED
    assert Enrollment.objects.get(person=person).group == group


def test_enrollment_create_refuses_a_second_place_in_the_program(group, person, program):
    enrollment_create(person=person, group=group)
    other_group = GroupFactory(round=group.round, name="Utvecklingsgrupp 8")

    with pytest.raises(ValidationError) as exc:
        enrollment_create(person=person, group=other_group)

    assert exc.value.messages == ["Chefen deltar redan i programmet."]
    assert exc.value.code == "already_enrolled"
    assert Enrollment.objects.filter(person=person).count() == 1


def test_enrollment_create_allows_a_new_place_after_withdrawal(group, person):
    EnrollmentFactory(person=person, group=group, status=Enrollment.Status.WITHDRAWN)

    result = enrollment_create(person=person, group=group)

    assert result.obj.status == Enrollment.Status.PLANNED
    assert Enrollment.objects.filter(person=person).count() == 2


def test_enrollment_create_allows_the_same_person_in_another_program(group, person, org):
    enrollment_create(person=person, group=group)
    later = GroupFactory(round=RoundFactory(program=ProgramFactory(organisation=org, name="SVC 2")))

    result = enrollment_create(person=person, group=later)

    assert result.obj.program == later.round.program


def test_enrollment_create_refuses_a_manager_of_another_organisation(group):
    outsider = PersonFactory(organisation=OrganisationFactory(slug="region-x"))

    with pytest.raises(ValidationError) as exc:
        enrollment_create(person=outsider, group=group)

    assert exc.value.messages == ["Chefen tillhör en annan organisation."]
    assert Enrollment.objects.count() == 0


def test_enrollment_create_warns_about_a_group_of_one(group, person):
    result = enrollment_create(person=person, group=group)

    assert result.warnings == [
        "Utvecklingsgrupp 7 har 1 deltagare; programmets grupper ska ha 20–25."
    ]


def test_enrollment_create_has_no_warning_at_20_members(group, person):
    _fill(group, 19)

    result = enrollment_create(person=person, group=group)

    assert result.warnings == []


def test_enrollment_create_has_no_warning_at_25_members(group, person):
    _fill(group, 24)

    result = enrollment_create(person=person, group=group)

    assert result.warnings == []


def test_enrollment_create_warns_but_stores_the_26th_member(group, person):
    _fill(group, 25)

    result = enrollment_create(person=person, group=group)

    assert result.warnings == [
        "Utvecklingsgrupp 7 har 26 deltagare; programmets grupper ska ha 20–25."
    ]
    assert group.enrollments.count() == 26


def test_enrollment_create_size_warning_ignores_withdrawn_members(group, person):
    _fill(group, 19)
    EnrollmentFactory(group=group, status=Enrollment.Status.WITHDRAWN)

    result = enrollment_create(person=person, group=group)

    assert result.warnings == []


def test_enrollment_create_size_warning_follows_the_program_bounds(org, person):
    program = ProgramFactory(organisation=org, min_group_size=2, max_group_size=3)
    group = GroupFactory(round=RoundFactory(program=program), name="Pilotgruppen")

    result = enrollment_create(person=person, group=group)

    assert result.warnings == ["Pilotgruppen har 1 deltagare; programmets grupper ska ha 2–3."]


# --- session_save ----------------------------------------------------------------------


@pytest.fixture
def modules(program):
    return {order: ModuleFactory(program=program, order=order) for order in (1, 2, 3, 4)}


def test_session_save_accepts_modules_in_order(group, modules):
    for order, day in [(1, "2015-03-02"), (2, "2015-03-30"), (3, "2015-04-27"), (4, "2015-05-25")]:
        session_save(group=group, module=modules[order], starts_at=at(day), ends_at=at(day, 16))

    assert list(group.sessions.order_by("starts_at").values_list("module__order", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_session_save_refuses_module_2_before_module_1(group, modules):
    session_save(
        group=group, module=modules[1], starts_at=at("2015-03-02"), ends_at=at("2015-03-02", 16)
    )

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group,
            module=modules[2],
            starts_at=at("2015-02-16"),
            ends_at=at("2015-02-16", 16),
        )

    assert exc.value.message_dict == {
        "starts_at": ["Modul 2 kan inte börja innan modul 1 har börjat för gruppen (2015-03-02)."]
    }
    assert exc.value.error_dict["starts_at"][0].code == "module_order"
    assert group.sessions.count() == 1


def test_session_save_refuses_module_1_after_module_2(group, modules):
    session_save(
        group=group, module=modules[2], starts_at=at("2015-03-30"), ends_at=at("2015-03-30", 16)
    )

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group,
            module=modules[1],
            starts_at=at("2015-04-13"),
            ends_at=at("2015-04-13", 16),
        )

    assert exc.value.message_dict == {
        "starts_at": ["Modul 1 kan inte börja efter modul 2 för gruppen (2015-03-30)."]
    }


def test_session_save_refuses_moving_a_session_out_of_order(group, modules):
    first = session_save(
        group=group, module=modules[1], starts_at=at("2015-03-02"), ends_at=at("2015-03-02", 16)
    )
    session_save(
        group=group, module=modules[2], starts_at=at("2015-03-30"), ends_at=at("2015-03-30", 16)
    )

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group,
            module=modules[1],
            starts_at=at("2015-04-20"),
            ends_at=at("2015-04-20", 16),
            session=first,
        )

    assert exc.value.messages == ["Modul 1 kan inte börja efter modul 2 för gruppen (2015-03-30)."]
    assert Session.objects.get(pk=first.pk).starts_at == at("2015-03-02")


def test_session_save_ignores_other_groups(group, modules):
    other = GroupFactory(round=group.round)
    SessionFactory(group=other, module=modules[1], starts_at=at("2015-05-04"))

    session = session_save(
        group=group, module=modules[2], starts_at=at("2015-03-30"), ends_at=at("2015-03-30", 16)
    )

    assert session.pk is not None


def test_session_save_refuses_a_module_of_another_program(group, org):
    foreign = ModuleFactory(program=ProgramFactory(organisation=org, name="Annat"), order=1)

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group, module=foreign, starts_at=at("2015-03-02"), ends_at=at("2015-03-02", 16)
        )

    assert exc.value.message_dict == {"module": ["Modulen hör till ett annat program."]}


def test_session_save_refuses_a_second_session_of_a_module(group, modules):
    session_save(
        group=group, module=modules[1], starts_at=at("2015-03-02"), ends_at=at("2015-03-02", 16)
    )

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group,
            module=modules[1],
            starts_at=at("2015-03-09"),
            ends_at=at("2015-03-09", 16),
        )

    assert exc.value.messages == ["Gruppen har redan ett tillfälle för den här modulen."]


def test_session_save_refuses_an_end_before_the_start(group, modules):
    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group, module=modules[1], starts_at=at("2015-03-02", 16), ends_at=at("2015-03-02")
        )

    assert exc.value.messages == ["Ett modultillfälle måste sluta efter att det börjat."]
