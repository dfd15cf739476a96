"""The consultant's page across organisations (/mina-uppdrag/) and the feed's management page:
what they show, to whom, and at what cost (programs.consultant)."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.tests.html import parse, table
from participants.models import Role
from participants.signin import SESSION_KEY
from participants.tests.factories import MembershipFactory, UserFactory
from programs.models import CalendarFeed
from programs.tests import consultant_world
from programs.tests.consultant_world import at
from programs.tests.factories import EnrollmentFactory, GroupFactory, SessionFactory

pytestmark = pytest.mark.django_db

world = consultant_world.world  # the consultant of two organisations, and the others
clock = consultant_world.clock  # Monday 7 December 2026, 10:00

PAGE = "programs:consultant_sessions"
MANAGE = "programs:consultant_feed_manage"


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def attendance_url(session) -> str:
    org = session.group.round.program.organisation.slug
    return reverse("programs:session_attendance", kwargs={"org": org, "session_id": session.pk})


def test_the_page_lists_the_attendance_to_register_in_every_organisation(client, world, clock):
    client.force_login(world.pia.user)

    response = client.get(reverse(PAGE))

    assert table(response, "attendance-to-register") == [
        [
            "Kommunledningen, Modul 1: Del av en helhet",
            "Örebro kommun",
            "Sveriges viktigaste chefsjobb",
            "onsdag 2 december 2026 09:00–16:00",
            "Örebro slott",
            "1 av 2",
        ]
    ]
    page = parse(response)
    assert [a.get("href") for a in page.select("#attendance-to-register tbody a")] == [
        attendance_url(world.orebro_started)
    ]


def test_the_page_lists_the_next_sessions_of_every_organisation_soonest_first(client, world, clock):
    client.force_login(world.pia.user)

    response = client.get(reverse(PAGE))

    assert table(response, "upcoming-sessions") == [
        [
            "måndag 14 december 2026 09:00–17:00 och tisdag 15 december 2026 08:30–12:00",
            "Modul 1: Att leda i en region",
            "Region Västmanland",
            "Ledarskap i regionen",
            "Västerås 1",
            "Västerås stadshus",
            "Pia Lindqvist (Public Partner)",
        ],
        [
            "måndag 11 januari 2027 13:00–16:30",
            "Modul 1: Del av en helhet",
            "Örebro kommun",
            "Sveriges viktigaste chefsjobb",
            "Grupp 2",
            "—",
            "Bo Ek (Public Partner)",
        ],
    ]
    links = [a.get("href") for a in parse(response).select("#upcoming-sessions tbody a")]
    assert links == [attendance_url(world.vastmanland_two_days), attendance_url(world.orebro_named)]


def test_the_month_shows_each_day_of_each_session_in_its_week(client, world, clock):
    client.force_login(world.pia.user)

    response = client.get(reverse(PAGE))

    page = parse(response)
    assert page.text("title") == "Mina uppdrag · december 2026 · Sveriges viktigaste chefsjobb"
    assert page.text("#month-heading") == "Modultillfällen i december 2026"
    assert page.text("#month-count") == "Du har 2 modultillfällen i december 2026."
    assert page.texts(".consultant-week-heading") == [
        "Vecka 49",
        "Vecka 50",
        "Vecka 51",
        "Vecka 52",
        "Vecka 53",
    ]
    # Only December's days: week 49 begins on Tuesday 1 December, week 53 ends on the 31st.
    assert len(page.select(".consultant-day-date")) == 31
    assert page.texts(".consultant-day-date")[0] == "tis 1 december"
    days_with_sessions = [
        [day.text(".consultant-day-date"), day.texts(".consultant-session")]
        for day in (parse_day(e) for e in page.select(".consultant-day"))
        if day.select(".consultant-session")
    ]
    assert days_with_sessions == [
        [
            "ons 2 december",
            [
                "09:00–16:00 Modul 1: Del av en helhet Örebro kommun · Sveriges viktigaste "
                "chefsjobb Kommunledningen · Örebro slott"
            ],
        ],
        [
            "mån 14 december",
            [
                "09:00–17:00 (dag 1 av 2) Modul 1: Att leda i en region Region Västmanland · "
                "Ledarskap i regionen Västerås 1 · Västerås stadshus"
            ],
        ],
        [
            "tis 15 december",
            [
                "08:30–12:00 (dag 2 av 2) Modul 1: Att leda i en region Region Västmanland · "
                "Ledarskap i regionen Västerås 1 · Västerås stadshus"
            ],
        ],
    ]
    assert page.texts(".consultant-week-none") == [
        "Inga modultillfällen den här veckan.",
        "Inga modultillfällen den här veckan.",
        "Inga modultillfällen den här veckan.",
    ]


def parse_day(element):
    from xml.etree.ElementTree import tostring

    return parse(tostring(element, encoding="unicode", method="html"))


def test_the_month_is_chosen_with_manad_and_linked_to_its_neighbours(client, world, clock):
    client.force_login(world.pia.user)

    response = client.get(reverse(PAGE), {"manad": "2027-01"})

    page = parse(response)
    assert page.text("#month-heading") == "Modultillfällen i januari 2027"
    assert [(a.get("href"), a.get("rel")) for a in page.select("#month-links a")] == [
        ("?manad=2026-12", "prev"),
        ("?manad=2027-02", "next"),
    ]
    assert page.texts("#month-links a") == [
        "Föregående månad (december 2026)",
        "Nästa månad (februari 2027)",
    ]
    assert [s.get("data-session") for s in page.select(".consultant-session")] == [
        str(world.orebro_named.pk)
    ]


def test_a_month_given_wrongly_is_said_and_the_current_month_shown(client, world, clock):
    client.force_login(world.pia.user)

    response = client.get(reverse(PAGE), {"manad": "2026-13"})

    page = parse(response)
    assert page.texts("[data-error-summary] li") == [
        "Ange månaden som år och månad, till exempel 2015-03."
    ]
    assert page.one("input[name=manad]").get("value") == "2026-13"
    assert page.text("#month-heading") == "Modultillfällen i december 2026"


def test_the_page_names_the_organisations_and_links_their_start_pages(client, world, clock):
    client.force_login(world.pia.user)

    page = parse(client.get(reverse(PAGE)))

    assert page.text("#consultant-organisations") == (
        "Du arbetar för: Region Västmanland, Örebro kommun"
    )
    assert [a.get("href") for a in page.select("#consultant-organisations a")] == [
        reverse("svc:process_leader_start", kwargs={"org": "vastmanland"}),
        reverse("svc:process_leader_start", kwargs={"org": "orebro"}),
    ]
    assert page.select("#consultant-not-signed-in") == []


def test_an_organisations_own_sign_in_shows_only_that_organisations_sessions(client, world, clock):
    """Signed in through Västmanland's identity provider: Örebro's pages do not open, so its
    sessions are not shown; the page says so and links Örebro's sign-in."""
    client.force_login(world.pia.user)
    session = client.session
    session[SESSION_KEY] = {"password": False, "organisations": [world.vastmanland.pk]}
    session.save()

    response = client.get(reverse(PAGE))

    page = parse(response)
    assert [s.get("data-session") for s in page.select(".consultant-session")] == [
        str(world.vastmanland_two_days.pk),
        str(world.vastmanland_two_days.pk),
    ]
    assert [row[2] for row in table(response, "upcoming-sessions")] == ["Region Västmanland"]
    assert page.select("#attendance-to-register") == []
    assert page.text("#consultant-not-signed-in") == (
        "Modultillfällena i en organisation visas inte: det sätt du loggade in på öppnar inte "
        "dess sidor. Logga in hos Örebro kommun"
    )


def test_another_consultant_sees_only_their_own_sessions(client, world, clock):
    """Bo works for Örebro only: nothing of Pia's Västmanland sessions reaches his page."""
    client.force_login(world.bo.user)

    response = client.get(reverse(PAGE), {"manad": "2026-12"})

    page = parse(response)
    assert [s.get("data-session") for s in page.select(".consultant-session")] == [
        str(world.orebro_bo.pk)
    ]
    assert [row[1] for row in table(response, "upcoming-sessions")] == [
        "Modul 2: Klar ledare",
        "Modul 1: Del av en helhet",
    ]
    text = page.text("main")
    for secret in ("Västmanland", "Ledarskap i regionen", "Västerås", "Att leda i en region"):
        assert secret not in text


@pytest.mark.parametrize("who", ["hr_orebro", "hr_vastmanland", "steering", "participant"])
def test_a_login_that_is_not_a_consultants_gets_403(client, world, clock, who):
    if who == "steering":
        user = UserFactory()
        MembershipFactory(user=user, organisation=world.orebro, role=Role.STEERING)
    elif who == "participant":
        user = EnrollmentFactory(group=world.orebro_started.group).person.user or UserFactory()
    else:
        user = getattr(world, who)
    client.force_login(user)

    for name in (PAGE, MANAGE):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(MANAGE), {"action": "create"}).status_code == 403
    assert CalendarFeed.objects.count() == 0


def test_anonymous_is_sent_to_log_in(client, world):
    for name in (PAGE, MANAGE):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={reverse(name)}"


def test_hr_of_one_organisation_sees_none_of_the_other_organisations_sessions(client, world, clock):
    """Örebro's HR: the session month, the group pages and the schedule hold Örebro's sessions
    only, although Pia leads sessions in Västmanland at the same time of year."""
    client.force_login(world.hr_orebro)

    month = client.get(
        reverse("programs:session_month", kwargs={"org": "orebro"}), {"month": "2026-12"}
    )
    assert [row[3] for row in table(month, "month-sessions")] == [
        "Kommunledningen Omgång 1",
        "Grupp 3 Omgång 1",
    ]
    pages = [month]
    for session in (world.orebro_started, world.orebro_named):
        args = {"org": "orebro", "group_id": session.group_id}
        pages.append(client.get(reverse("programs:group_detail", kwargs=args)))
        pages.append(client.get(reverse("programs:group_schedule", kwargs=args)))
    for response in pages:
        assert response.status_code == 200
        text = parse(response).text("main")
        for secret in ("Västmanland", "Ledarskap i regionen", "Västerås", "Att leda i en region"):
            assert secret not in text
    v_session = world.vastmanland_two_days
    foreign = [
        reverse(
            "programs:session_attendance", kwargs={"org": "orebro", "session_id": v_session.pk}
        ),
        reverse("programs:group_detail", kwargs={"org": "orebro", "group_id": v_session.group_id}),
        reverse(
            "programs:group_schedule", kwargs={"org": "orebro", "group_id": v_session.group_id}
        ),
    ]
    assert [client.get(url).status_code for url in foreign] == [404, 404, 404]


def test_the_start_page_and_the_chooser_link_the_page_for_a_consultant(client, world, clock):
    client.force_login(world.pia.user)

    start = parse(client.get(reverse("svc:process_leader_start", kwargs={"org": "orebro"})))
    chooser = parse(client.get(reverse("home")))

    for page in (start, chooser):
        assert page.text("#consultant-link") == (
            "Dina modultillfällen i alla organisationer du arbetar för, och din "
            "kalenderprenumeration: Mina uppdrag."
        )
        assert page.one("#consultant-link a").get("href") == reverse(PAGE)
    assert parse(client.get(reverse(PAGE))).one("#feed-state a").get("href") == reverse(MANAGE)


def test_the_start_page_of_a_process_leader_who_is_no_consultant_has_no_link(client, world):
    user = UserFactory()
    MembershipFactory(user=user, organisation=world.orebro, role=Role.PROCESS_LEADER)
    client.force_login(user)

    page = parse(client.get(reverse("svc:process_leader_start", kwargs={"org": "orebro"})))

    assert page.select("#consultant-link") == []


def test_the_pages_query_count_is_flat(client, world, clock, queries):
    client.force_login(world.pia.user)

    def grow():
        for number in range(10, 16):
            group = GroupFactory(round=world.vastmanland_two_days.group.round, number=number)
            EnrollmentFactory(group=group)
            SessionFactory(
                group=group,
                module=world.vastmanland_two_days.module,
                starts_at=at("2026-12-0" + str(number - 9), 9),
                ends_at=at("2026-12-0" + str(number - 9), 12),
                process_leader=world.pia,
            )
            group.process_leaders.add(world.pia)

    response = queries.assert_flat(client, reverse(PAGE), grow=grow)
    assert len(parse(response).select(".consultant-session")) == 9


def test_the_feed_page_query_count_is_flat(client, world, clock, queries):
    client.force_login(world.pia.user)
    client.post(reverse(MANAGE), {"action": "create"})
    client.get(reverse(MANAGE))  # the token shown once

    def grow():
        for _ in range(3):
            client.post(reverse(MANAGE), {"action": "replace", "confirm": "yes"})
        client.get(reverse(MANAGE))

    queries.assert_flat(client, reverse(MANAGE), grow=grow)
    assert CalendarFeed.objects.filter(user=world.pia.user).count() == 4
