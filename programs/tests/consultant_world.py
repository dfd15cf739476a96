"""A consultant who works for two organisations (and used to work for a third), with the
sessions the consultant pages and feed are specified against (programs.consultant).

The clock stands at Monday 7 December 2026, 10:00 Swedish time (``NOW``).
"""

import datetime as dt
from dataclasses import dataclass
from unittest import mock

import pytest
from django.utils import timezone

from participants.models import Role
from participants.tests.factories import (
    ConsultantFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from programs.models import Session
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime in Swedish time."""
    return timezone.make_aware(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))
    )


NOW = at("2026-12-07", 10)


@pytest.fixture
def clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


@dataclass
class World:
    orebro: object
    vastmanland: object
    karlstad: object  # the consultant no longer works for it
    pia: object  # the consultant: works for Örebro and Västmanland
    bo: object  # a second consultant, Örebro only
    hr_orebro: object
    hr_vastmanland: object
    orebro_started: Session  # Pia's, 2 December, attendance 1 of 2
    vastmanland_two_days: Session  # Pia's, 14–15 December
    orebro_named: Session  # Bo's session in a group Pia is named for, 11 January
    karlstad_old: Session  # Pia's, 9 December, in the organisation she left
    vastmanland_other: Session  # Bo-less: another consultant's, not Pia's
    orebro_bo: Session  # Bo's own, in a group Pia does not lead


def program_in(organisation, *, name: str, modules: list[str]):
    program = ProgramFactory(
        organisation=organisation,
        name=name,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    round_ = RoundFactory(
        program=program, number=1, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 6, 30)
    )
    found = [
        ModuleFactory(program=program, order=order, name=module)
        for order, module in enumerate(modules, start=1)
    ]
    return round_, found


def build_world() -> World:
    orebro = OrganisationFactory(name="Örebro kommun", slug="orebro")
    vastmanland = OrganisationFactory(name="Region Västmanland", slug="vastmanland")
    karlstad = OrganisationFactory(name="Karlstads kommun", slug="karlstad")
    pia_user = UserFactory(email="pia@konsult.test", full_name="Pia Lindqvist")
    pia = ConsultantFactory(
        name="Pia Lindqvist", user=pia_user, organisations=[orebro, vastmanland]
    )
    bo_user = UserFactory(email="bo@konsult.test", full_name="Bo Ek")
    bo = ConsultantFactory(name="Bo Ek", user=bo_user, organisations=[orebro])
    other = ConsultantFactory(name="Eva Berg", organisations=[vastmanland])
    hr_orebro = UserFactory(email="hr@orebro.test")
    MembershipFactory(user=hr_orebro, organisation=orebro, role=Role.HR)
    hr_vastmanland = UserFactory(email="hr@vastmanland.test")
    MembershipFactory(user=hr_vastmanland, organisation=vastmanland, role=Role.HR)

    o_round, o_modules = program_in(
        orebro, name="Sveriges viktigaste chefsjobb", modules=["Del av en helhet", "Klar ledare"]
    )
    v_round, v_modules = program_in(
        vastmanland, name="Ledarskap i regionen", modules=["Att leda i en region", "Samverkan"]
    )
    k_round, k_modules = program_in(karlstad, name="Chefsprogrammet", modules=["Start"])

    o_group = GroupFactory(round=o_round, number=1, name="Kommunledningen")
    started = SessionFactory(
        group=o_group,
        module=o_modules[0],
        starts_at=at("2026-12-02", 9),
        ends_at=at("2026-12-02", 16),
        venue="Örebro slott",
        process_leader=pia,
    )
    members = [EnrollmentFactory(group=o_group) for _ in range(2)]
    AttendanceFactory(session=started, enrollment=members[0])

    v_group = GroupFactory(round=v_round, number=1, name="Västerås 1")
    two_days = SessionFactory(
        group=v_group,
        module=v_modules[0],
        starts_at=at("2026-12-14", 9),
        ends_at=at("2026-12-15", 12),
        venue="Västerås stadshus",
        process_leader=pia,
    )
    EnrollmentFactory(group=v_group)

    named_group = GroupFactory(round=o_round, number=2, name="Grupp 2")
    named_group.process_leaders.add(pia, bo)
    named = SessionFactory(
        group=named_group,
        module=o_modules[0],
        starts_at=at("2027-01-11", 13),
        ends_at=at("2027-01-11", 16, 30),
        venue="",
        process_leader=bo,
    )

    k_group = GroupFactory(round=k_round, number=1, name="Karlstad 1")
    karlstad_old = SessionFactory(
        group=k_group,
        module=k_modules[0],
        starts_at=at("2026-12-09", 9),
        ends_at=at("2026-12-09", 16),
        process_leader=pia,
    )
    v_other_group = GroupFactory(round=v_round, number=2, name="Hemliga gruppen")
    vastmanland_other = SessionFactory(
        group=v_other_group,
        module=v_modules[0],
        starts_at=at("2026-12-10", 9),
        ends_at=at("2026-12-10", 16),
        process_leader=other,
    )
    bo_group = GroupFactory(round=o_round, number=3, name="Grupp 3")
    orebro_bo = SessionFactory(
        group=bo_group,
        module=o_modules[1],
        starts_at=at("2026-12-16", 9),
        ends_at=at("2026-12-16", 12),
        process_leader=bo,
    )
    return World(
        orebro=orebro,
        vastmanland=vastmanland,
        karlstad=karlstad,
        pia=pia,
        bo=bo,
        hr_orebro=hr_orebro,
        hr_vastmanland=hr_vastmanland,
        orebro_started=started,
        vastmanland_two_days=two_days,
        orebro_named=named,
        karlstad_old=karlstad_old,
        vastmanland_other=vastmanland_other,
        orebro_bo=orebro_bo,
    )


@pytest.fixture
def world(db):
    return build_world()
