"""Double booking is refused across organisations, on every path that sets a session's time or
process leader, and the refusal says nothing of the other organisation's session.

The paths: a group's schedule (``programs.scheduling.group_schedule_save``), the one service
every session write goes through (``programs.services.session_save``), and the session form of
the admin (the platform operator's tool). Editing a running program (``programs.editing``)
never sets a session's time or process leader: naming a group's process leaders books no time,
and a module's new duration leaves its sessions as they are. A make-up booking books a
participant, not a process leader (``programs.makeups``, with its own overlap rule).
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.tests.html import parse
from programs import scheduling
from programs.models import Session
from programs.services import session_save
from programs.tests import consultant_world
from programs.tests.consultant_world import at
from programs.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

world = consultant_world.world
clock = consultant_world.clock

# Nothing of the other organisation's session may be in a refusal.
SECRETS = (
    "Örebro",
    "Kommunledningen",
    "Sveriges viktigaste chefsjobb",
    "Del av en helhet",
    "Västmanland",
    "Västerås",
    "Ledarskap i regionen",
    "Att leda i en region",
)


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def plans_for(group, values: dict):
    """The group's schedule plans with module ``order`` given (start, end, process leader)."""
    plans = scheduling.schedule_plans(group=group)
    for plan in plans:
        if plan.module.order in values:
            plan.starts_at, plan.ends_at, plan.process_leader = values[plan.module.order]
    return plans


def assert_reveals_nothing(message: str, *, allowed: tuple = ()) -> None:
    for secret in SECRETS:
        if secret not in allowed:
            assert secret not in message, f"{secret!r} in {message!r}"


# --- A group's schedule --------------------------------------------------------------------


def test_the_schedule_refuses_a_clash_in_another_organisation(world):
    """Västmanland books Pia on 2 December, when she leads a session in Örebro."""
    group = GroupFactory(round=world.vastmanland_two_days.group.round, number=5)
    values = {1: (at("2026-12-02", 13), at("2026-12-02", 17), world.pia)}

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert exc.value.message_dict == {
        "m1_process_leader": [
            "Pia Lindqvist är redan bokad 2026-12-02 09:00–16:00 i ett annat uppdrag. "
            "Välj en annan tid eller processledare."
        ]
    }
    assert exc.value.error_dict["m1_process_leader"][0].code == "double_booked"
    assert_reveals_nothing(exc.value.messages[0])
    assert not Session.objects.filter(group=group).exists()


def test_the_schedule_names_a_clash_of_several_days_by_its_first_and_last_day(world):
    """Örebro books Pia on 15 December, the second day of her Västmanland session."""
    group = GroupFactory(round=world.orebro_started.group.round, number=5)
    values = {1: (at("2026-12-15", 9), at("2026-12-15", 16), world.pia)}

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert exc.value.messages == [
        "Pia Lindqvist är redan bokad 2026-12-14 09:00–2026-12-15 12:00 i ett annat uppdrag. "
        "Välj en annan tid eller processledare."
    ]
    assert_reveals_nothing(exc.value.messages[0])


def test_the_schedule_names_the_group_of_a_clash_in_the_same_organisation(world):
    group = GroupFactory(round=world.orebro_started.group.round, number=5)
    values = {1: (at("2026-12-02", 13), at("2026-12-02", 17), world.pia)}

    with pytest.raises(ValidationError) as exc:
        scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert exc.value.messages == [
        "Pia Lindqvist är redan bokad då: Kommunledningen, modul 1, "
        "2026-12-02 09:00–2026-12-02 16:00. Välj en annan tid eller processledare."
    ]


def test_the_schedule_lets_a_session_of_an_organisation_she_left_be(world):
    """Pia no longer works for Karlstad: its session on 9 December is not hers any more."""
    group = GroupFactory(round=world.orebro_started.group.round, number=5)
    values = {1: (at("2026-12-09", 9), at("2026-12-09", 16), world.pia)}

    result = scheduling.group_schedule_save(group=group, plans=plans_for(group, values))

    assert result.changed == 1
    assert Session.objects.get(group=group).process_leader == world.pia


def test_the_schedule_page_shows_the_refusal_on_the_process_leader(client, world):
    group = GroupFactory(round=world.vastmanland_two_days.group.round, number=5)
    client.force_login(world.hr_vastmanland)
    url = reverse("programs:group_schedule", kwargs={"org": "vastmanland", "group_id": group.pk})

    response = client.post(
        url,
        {
            "m1_starts_at": "2026-12-02T13:00",
            "m1_ends_at": "2026-12-02T17:00",
            "m1_venue": "Västerås",
            "m1_process_leader": world.pia.pk,
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["m1_process_leader"] == [
        "Pia Lindqvist är redan bokad 2026-12-02 09:00–16:00 i ett annat uppdrag. "
        "Välj en annan tid eller processledare."
    ]
    main = parse(response).text("main")
    assert_reveals_nothing(
        main, allowed=("Västmanland", "Västerås", "Ledarskap i regionen", "Att leda i en region")
    )
    assert "i ett annat uppdrag" in main
    assert not Session.objects.filter(group=group).exists()


# --- The service every session write goes through -----------------------------------------


def test_session_save_refuses_a_new_session_clashing_in_another_organisation(world):
    group = GroupFactory(round=world.orebro_started.group.round, number=5)

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group,
            module=world.orebro_started.module,
            starts_at=at("2026-12-14", 13),
            ends_at=at("2026-12-14", 16),
            process_leader=world.pia,
        )

    assert exc.value.message_dict == {
        "process_leader": [
            "Pia Lindqvist är redan bokad 2026-12-14 09:00–2026-12-15 12:00 i ett annat "
            "uppdrag. Välj en annan tid eller processledare."
        ]
    }
    assert not Session.objects.filter(group=group).exists()


def test_session_save_refuses_moving_a_session_onto_a_clash_in_another_organisation(world):
    session = world.orebro_named  # Bo's, in a group Pia is named for

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=session.group,
            module=session.module,
            starts_at=at("2026-12-14", 9),
            ends_at=at("2026-12-14", 12),
            process_leader=world.pia,
            session=session,
        )

    assert exc.value.messages == [
        "Pia Lindqvist är redan bokad 2026-12-14 09:00–2026-12-15 12:00 i ett annat uppdrag. "
        "Välj en annan tid eller processledare."
    ]
    session.refresh_from_db()
    assert (session.starts_at, session.process_leader) == (at("2027-01-11", 13), world.bo)


def test_session_save_refuses_a_new_process_leader_who_is_booked_elsewhere_then(world):
    """Only the process leader changes: Bo's Örebro session on 16 December goes to Pia, who
    leads a Västmanland session that morning."""
    Session.objects.filter(pk=world.vastmanland_two_days.pk).update(
        starts_at=at("2026-12-16", 8), ends_at=at("2026-12-16", 10)
    )
    session = world.orebro_bo

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=session.group,
            module=session.module,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            venue=session.venue,
            process_leader=world.pia,
            session=session,
        )

    assert exc.value.messages == [
        "Pia Lindqvist är redan bokad 2026-12-16 08:00–10:00 i ett annat uppdrag. "
        "Välj en annan tid eller processledare."
    ]
    session.refresh_from_db()
    assert session.process_leader == world.bo


def test_session_save_lets_a_venue_change_be_beside_a_clash_already_stored(world):
    session = world.orebro_named
    Session.objects.filter(pk=session.pk).update(
        process_leader=world.pia, starts_at=at("2026-12-14", 10), ends_at=at("2026-12-14", 12)
    )
    session.refresh_from_db()

    saved = session_save(
        group=session.group,
        module=session.module,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        venue="Conventum",
        process_leader=world.pia,
        session=session,
    )

    assert saved.venue == "Conventum"


# --- The admin's session form ------------------------------------------------------------------


def test_the_admin_refuses_a_clash_in_another_organisation(client, world):
    staff = world.hr_orebro
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="programs"))
    group = GroupFactory(round=world.orebro_started.group.round, number=5)
    client.force_login(staff)

    response = client.post(
        reverse("admin:programs_session_add"),
        {
            "group": group.pk,
            "module": world.orebro_started.module.pk,
            "starts_at_0": "2026-12-14",
            "starts_at_1": "13:00:00",
            "ends_at_0": "2026-12-14",
            "ends_at_1": "16:00:00",
            "venue": "Conventum",
            "process_leader": world.pia.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "process_leader": [
            "Pia Lindqvist är redan bokad 2026-12-14 09:00–2026-12-15 12:00 i ett annat "
            "uppdrag. Välj en annan tid eller processledare."
        ]
    }
    assert not Session.objects.filter(group=group).exists()


def test_the_refusal_gives_the_other_sessions_times_in_swedish_time(world):
    """Summer time: 09:00 in Stockholm is 07:00 UTC; the message says 09:00."""
    summer = world.vastmanland_two_days
    Session.objects.filter(pk=summer.pk).update(
        starts_at=at("2027-06-01", 9), ends_at=at("2027-06-01", 12)
    )
    group = GroupFactory(round=world.orebro_started.group.round, number=5)

    with pytest.raises(ValidationError) as exc:
        session_save(
            group=group,
            module=world.orebro_started.module,
            starts_at=at("2027-06-01", 11),
            ends_at=at("2027-06-01", 15),
            process_leader=world.pia,
        )

    assert timezone.localtime(at("2027-06-01", 9)).utcoffset().seconds == 7200
    assert exc.value.messages == [
        "Pia Lindqvist är redan bokad 2027-06-01 09:00–12:00 i ett annat uppdrag. "
        "Välj en annan tid eller processledare."
    ]
