"""The consultant's calendar feed (/kalender/<token>.ics): made, shown once, revoked and
replaced on its page, and parsed as a calendar program reads it (programs.consultant)."""

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from core.tests.html import parse
from programs.consultant.services import calendar_feed_create, calendar_feed_revoke
from programs.models import CalendarFeed
from programs.tests import consultant_world
from programs.tests.consultant_world import at
from programs.tests.factories import GroupFactory, SessionFactory

pytestmark = pytest.mark.django_db

world = consultant_world.world  # the consultant of two organisations, and the others
clock = consultant_world.clock  # Monday 7 December 2026, 10:00

MANAGE = "programs:consultant_feed_manage"
UTC = dt.UTC


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def feed_url(token: str) -> str:
    return reverse("programs:consultant_feed", kwargs={"token": token})


def events(response) -> list[tuple]:
    calendar = Calendar.from_ical(response.content)
    return [
        (
            str(e["uid"]),
            str(e["summary"]),
            e.decoded("dtstart"),
            e.decoded("dtend"),
            e.decoded("recurrence-id") if "recurrence-id" in e else None,
            str(e.get("location", "")),
        )
        for e in calendar.walk("VEVENT")
    ]


def uid(session) -> str:
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def test_the_feed_holds_exactly_the_consultants_sessions_of_every_organisation(
    client, world, clock
):
    token = calendar_feed_create(user=world.pia.user).token

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Mina uppdrag: Pia Lindqvist"
    assert calendar.decoded("refresh-interval") == dt.timedelta(hours=1)
    two_days = world.vastmanland_two_days
    # Times are in UTC: 09:00 Swedish winter time is 08:00 UTC.
    assert events(response) == [
        (
            uid(world.orebro_started),
            "Örebro kommun: Sveriges viktigaste chefsjobb: modul 1 Del av en helhet "
            "(Kommunledningen)",
            dt.datetime(2026, 12, 2, 8, tzinfo=UTC),
            dt.datetime(2026, 12, 2, 15, tzinfo=UTC),
            None,
            "Örebro slott",
        ),
        (
            uid(two_days),
            "Region Västmanland: Ledarskap i regionen: modul 1 Att leda i en region "
            "(Västerås 1), dag 1 av 2",
            dt.datetime(2026, 12, 14, 8, tzinfo=UTC),
            dt.datetime(2026, 12, 14, 16, tzinfo=UTC),
            None,
            "Västerås stadshus",
        ),
        (
            uid(two_days),
            "Region Västmanland: Ledarskap i regionen: modul 1 Att leda i en region "
            "(Västerås 1), dag 2 av 2",
            dt.datetime(2026, 12, 15, 7, 30, tzinfo=UTC),
            dt.datetime(2026, 12, 15, 11, tzinfo=UTC),
            dt.datetime(2026, 12, 15, 8, tzinfo=UTC),
            "Västerås stadshus",
        ),
        (
            uid(world.orebro_named),
            "Örebro kommun: Sveriges viktigaste chefsjobb: modul 1 Del av en helhet (Grupp 2)",
            dt.datetime(2027, 1, 11, 12, tzinfo=UTC),
            dt.datetime(2027, 1, 11, 15, 30, tzinfo=UTC),
            None,
            "",
        ),
    ]
    # In Swedish time, as the calendar program shows it.
    zone = timezone.get_current_timezone()
    assert events(response)[0][2].astimezone(zone) == at("2026-12-02", 9)


def test_the_feed_leaves_out_the_organisation_the_consultant_no_longer_works_for(
    client, world, clock
):
    token = calendar_feed_create(user=world.pia.user).token
    world.pia.organisations.remove(world.vastmanland)

    uids = {e[0] for e in events(client.get(feed_url(token)))}

    assert uids == {uid(world.orebro_started), uid(world.orebro_named)}
    assert uid(world.karlstad_old) not in uids


def test_another_consultants_feed_holds_only_theirs(client, world, clock):
    token = calendar_feed_create(user=world.bo.user).token

    found = events(client.get(feed_url(token)))

    assert [e[0] for e in found] == [uid(world.orebro_bo), uid(world.orebro_named)]
    assert not any("Västmanland" in e[1] for e in found)


def test_only_the_tokens_hash_is_stored(world):
    new = calendar_feed_create(user=world.pia.user)

    stored = CalendarFeed.objects.get(user=world.pia.user)
    assert len(new.token) == 43
    assert stored.token_hash != new.token
    assert stored.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    assert new.token not in str(CalendarFeed.objects.filter(pk=stored.pk).values().get())


def test_a_revoked_address_answers_404(client, world, clock):
    token = calendar_feed_create(user=world.pia.user).token
    assert client.get(feed_url(token)).status_code == 200

    assert calendar_feed_revoke(user=world.pia.user) == 1

    assert client.get(feed_url(token)).status_code == 404
    assert CalendarFeed.objects.get(user=world.pia.user).revoked_at == clock


def test_an_unknown_token_answers_404(client, world):
    calendar_feed_create(user=world.pia.user)

    assert client.get(feed_url("not-a-token")).status_code == 404
    assert client.get(feed_url("A" * 43)).status_code == 404


def test_a_replaced_address_answers_404_and_the_new_one_works(client, world, clock):
    old = calendar_feed_create(user=world.pia.user).token

    new = calendar_feed_create(user=world.pia.user).token

    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=world.pia.user, revoked_at=None).count() == 1


def test_the_feed_of_a_deactivated_login_answers_404(client, world):
    token = calendar_feed_create(user=world.pia.user).token
    type(world.pia.user).objects.filter(pk=world.pia.user.pk).update(is_active=False)

    assert client.get(feed_url(token)).status_code == 404


def test_the_feeds_query_count_is_flat(client, world, clock):
    token = calendar_feed_create(user=world.pia.user).token

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(feed_url(token)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    round_ = world.vastmanland_two_days.group.round
    for number in range(10, 16):
        SessionFactory(
            group=GroupFactory(round=round_, number=number),
            module=world.vastmanland_two_days.module,
            process_leader=world.pia,
            starts_at=at("2027-02-01", 9),
            ends_at=at("2027-02-01", 12),
        )

    assert count() == small == 2  # the feed and its login, the sessions
    assert len(events(client.get(feed_url(token)))) == 4 + 6


# --- The page that makes, shows once, revokes and replaces the address -----------------------


def test_making_the_address_shows_it_once(client, world, clock):
    client.force_login(world.pia.user)

    response = client.post(reverse(MANAGE), {"action": "create"}, follow=True)

    page = parse(response)
    url = page.one("#feed-url").get("value")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert url == f"http://testserver{feed_url(token)}"
    assert page.texts(".messages .alert") == [
        "Din kalenderadress är klar. Kopiera den till ditt kalenderprogram."
    ]
    assert page.text("#feed-state") == (
        "Du har en kalenderadress, skapad 7 december 2026. För din säkerhet visas den inte igen."
    )
    assert CalendarFeed.objects.get(user=world.pia.user).token_hash == (
        hashlib.sha256(token.encode()).hexdigest()
    )
    assert client.get(feed_url(token)).status_code == 200
    again = client.get(reverse(MANAGE))
    assert token not in again.content.decode()
    assert parse(again).select("#feed-url") == []


def test_revoking_asks_first_then_revokes(client, world, clock):
    token = calendar_feed_create(user=world.pia.user).token
    client.force_login(world.pia.user)

    asked = client.post(reverse(MANAGE), {"action": "revoke"})

    assert asked.status_code == 200
    assert parse(asked).text("#feed-confirm h2") == "Vill du återkalla kalenderadressen?"
    assert client.get(feed_url(token)).status_code == 200

    done = client.post(reverse(MANAGE), {"action": "revoke", "confirm": "yes"}, follow=True)

    page = parse(done)
    assert page.texts(".messages .alert") == [
        "Kalenderadressen fungerar inte längre: kalendrar som prenumererar på den får inget mer."
    ]
    assert page.text("#feed-state") == "Du har ingen kalenderadress."
    assert client.get(feed_url(token)).status_code == 404


def test_replacing_asks_first_then_shows_the_new_address_once(client, world, clock):
    old = calendar_feed_create(user=world.pia.user).token
    client.force_login(world.pia.user)

    asked = client.post(reverse(MANAGE), {"action": "replace"})
    assert parse(asked).text("#feed-confirm h2") == "Vill du byta kalenderadressen mot en ny?"
    assert client.get(feed_url(old)).status_code == 200

    done = client.post(reverse(MANAGE), {"action": "replace", "confirm": "yes"}, follow=True)

    new = parse(done).one("#feed-url").get("value").rsplit("/", 1)[1].removesuffix(".ics")
    assert new != old
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_an_action_the_page_does_not_offer_changes_nothing(client, world, clock):
    client.force_login(world.pia.user)

    for data in ({}, {"action": "revoke", "confirm": "yes"}, {"action": "replace"}):
        response = client.post(reverse(MANAGE), data, follow=True)
        assert parse(response).texts(".messages .alert") == [
            "Inget ändrades. Välj en av knapparna på sidan."
        ]
    assert CalendarFeed.objects.count() == 0
    calendar_feed_create(user=world.pia.user)
    client.post(reverse(MANAGE), {"action": "create"})
    assert CalendarFeed.objects.filter(user=world.pia.user).count() == 1
