"""The live demo program: on whatever day ``seed_demo`` runs, each printed login has
something to do that day, and its pages show it.

The clock (``django.utils.timezone.now``, nothing else) is frozen at two moments:
a Monday morning in December, and half past midnight on a Monday in March, when
the day in Stockholm is already a day later than in UTC. The demo is seeded at
that moment once per moment, and every test logs in as a printed login.
"""

import datetime as dt
import io
import zoneinfo
from collections import Counter, defaultdict
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from core.tests.html import parse
from demo.lindesberg import first_day as lindesberg_first_day
from demo.live import LIVE_PROGRAM_NAME, next_quarter_monday
from demo.seed import seed_demo
from demo.today import demo_logins_today
from participants.models import Person, User
from programs.models import Agreement, Attendance, Enrollment, Group, Program, Round, Session

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

MOMENTS = {
    "december-morning": {
        "now": dt.datetime(2026, 12, 7, 9, 0, tzinfo=STOCKHOLM),
        "yesterday": dt.date(2026, 12, 6),
        "evaluation_closes": "20 december",
        "evaluation_open_until": "20 december 2026",
        "next_week": dt.datetime(2026, 12, 14, 9, 0, tzinfo=STOCKHOLM),
        "next_session": "mån 14 december kl. 09:00",
        "round_2": dt.date(2027, 1, 4),
        "round_2_text": "4 januari",
    },
    "march-after-midnight": {
        "now": dt.datetime(2027, 3, 1, 0, 30, tzinfo=STOCKHOLM),
        "yesterday": dt.date(2027, 2, 28),
        "evaluation_closes": "14 mars",
        "evaluation_open_until": "14 mars 2027",
        "next_week": dt.datetime(2027, 3, 8, 9, 0, tzinfo=STOCKHOLM),
        "next_session": "mån 8 mars kl. 09:00",
        "round_2": dt.date(2027, 4, 5),
        "round_2_text": "5 april",
    },
}


@pytest.fixture(scope="module", params=list(MOMENTS), ids=list(MOMENTS))
def moment(request, django_db_setup, django_db_blocker):
    expected = MOMENTS[request.param]
    with mock.patch("django.utils.timezone.now", return_value=expected["now"]):
        with django_db_blocker.unblock():
            cache.clear()
            seed_demo()
        yield expected
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()


@pytest.fixture
def live(moment, db):
    return Program.objects.get(organisation__slug="orebro", name=LIVE_PROGRAM_NAME)


def _login(client, email):
    client.force_login(User.objects.get(email=email))
    return client


def _printed_logins() -> dict[str, str]:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    start = lines.index("Demo logins (password demo-password-2015):")
    return {line.split()[0]: line for line in lines[start + 1 :] if line.strip()}


def test_next_quarter_monday_is_the_first_monday_of_the_next_quarter():
    assert next_quarter_monday(dt.date(2026, 12, 7)) == dt.date(2027, 1, 4)
    assert next_quarter_monday(dt.date(2027, 3, 1)) == dt.date(2027, 4, 5)
    assert next_quarter_monday(dt.date(2027, 5, 31)) == dt.date(2027, 7, 5)
    assert next_quarter_monday(dt.date(2027, 7, 1)) == dt.date(2027, 10, 4)


def test_live_program_runs_around_today_with_five_groups_in_two_rounds(moment, live):
    rounds = list(Round.objects.filter(program=live).values_list("number", "starts_on"))
    sizes = [
        (g.round.number, g.number, g.enrollments.holding_place().count())
        for g in Group.objects.filter(round__program=live).select_related("round")
    ]
    today = moment["now"].date()

    assert rounds == [(1, today - dt.timedelta(days=37)), (2, moment["round_2"])]
    assert live.starts_on <= today <= live.ends_on
    assert sizes == [(1, 1, 22), (1, 2, 21), (1, 3, 22), (2, 4, 20), (2, 5, 20)]
    assert Session.objects.filter(group__round__program=live).count() == 20


def test_live_program_groups_mix_departments_and_leaders_are_never_double_booked(live):
    departments = defaultdict(set)
    for group_id, department_id, parent_id in Enrollment.objects.filter(program=live).values_list(
        "group_id", "person__department_id", "person__department__parent_id"
    ):
        departments[group_id].add(parent_id or department_id)
    booked = defaultdict(list)
    # A session without a process leader (the comparison's synthetic ones) books nobody.
    for leader, starts_at, ends_at in Session.objects.exclude(process_leader=None).values_list(
        "process_leader_id", "starts_at", "ends_at"
    ):
        booked[leader].append((starts_at, ends_at))
    clashes = [
        (first, second)
        for times in booked.values()
        for first, second in zip(sorted(times), sorted(times)[1:], strict=False)
        if second[0] < first[1]
    ]

    assert min(len(d) for d in departments.values()) >= 5
    assert clashes == []


def test_live_program_keeps_one_place_per_program_for_the_participant_login(live):
    places = Enrollment.objects.holding_place().filter(
        person__user__email="deltagare@orebro.example"
    )

    assert sorted(places.values_list("program__name", "status", "group__number")) == [
        ("Chefsjobbet", "active", 2),
        ("Sveriges viktigaste chefsjobb", "completed", 5),
    ]


def test_live_program_attendance_is_kept_for_the_sessions_held_so_far(moment, live):
    held = Session.objects.filter(group__round__program=live, starts_at__lte=moment["now"])
    statuses = Counter(
        Attendance.objects.filter(session__group__round__program=live).values_list(
            "status", flat=True
        )
    )

    assert sorted(held.values_list("group__number", "module__order")) == [(1, 1), (1, 2), (2, 1)]
    assert sum(statuses.values()) == 22 + 22 + 21
    assert statuses[Attendance.Status.PRESENT] >= 60


def test_seed_demo_prints_for_each_login_what_it_can_do_today(moment, live):
    chef = User.objects.get(email="chef@orebro.example")
    waiting = Agreement.objects.filter(
        status=Agreement.Status.SUBMITTED, enrollment__person__line_manager__user=chef
    ).count()
    deltagare = Person.objects.get(email="deltagare@orebro.example")

    printed = _printed_logins()
    # Module 1 in Lindesberg: the first Monday at least ten days from today (demo.lindesberg).
    starts = lindesberg_first_day(timezone.localdate(moment["now"]))
    lindesberg_starts = formats.date_format(starts, "j F")

    assert printed == {
        "hr@orebro.example": "  hr@orebro.example                  HR-samordnare — Lägg till "
        f"nya chefer i omgång 2 av Chefsjobbet, som börjar {moment['round_2_text']}: "
        "Programadministration → Chefsjobbet → Intag av nya chefer",
        "styrgrupp@orebro.example": "  styrgrupp@orebro.example           Styrgrupp — Följ "
        "Chefsjobbet i siffror: 3 av 20 modultillfällen genomförda, 105 deltagare, under "
        "”Uppföljning”",
        "processledare@konsult.example": "  processledare@konsult.example      Processledare — "
        f"Led modul 1, Del av en helhet, med Grupp 3 {moment['next_session']}, Örebro slott, "
        "under ”Mina grupper”; dina modultillfällen i de 2 organisationer du arbetar för: "
        "”Mina uppdrag”",
        "hr@region-exempel.example": "  hr@region-exempel.example          HR-samordnare — Se "
        "Ledarskap i Region Exempel: 2 utvecklingsgrupper och 44 deltagare, under "
        "”Programadministration”",
        "chef@orebro.example": "  chef@orebro.example                Chef — Godkänn eller "
        f"skicka tillbaka {waiting} överenskommelser som väntar på dig, under ”Mina "
        f"medarbetare”; den senaste: {deltagare.full_name}, Mellan modul 1 och 2 (Chefsjobbet)",
        "deltagare@orebro.example": "  deltagare@orebro.example           Deltagare, Chef — "
        "Besvara utvärderingen av modul 1, Del av en helhet (stänger "
        f"{moment['evaluation_closes']}), under ”Mina utvärderingar”",
        "hr@lindesberg.example": "  hr@lindesberg.example              HR-samordnare — Lägg till "
        "nya chefer i omgång 1 av Sveriges viktigaste chefsjobb i Lindesberg, som börjar "
        f"{lindesberg_starts}: Programadministration → Sveriges viktigaste chefsjobb i "
        "Lindesberg → Intag av nya chefer",
        "konsult@ledarskapskonsulterna.example": "  konsult@ledarskapskonsulterna.example "
        "Plattformsoperatör — Följ programmen i 7 organisationer och starta nästa "
        "organisations program från en mall, under ”Konsol”",
    }
    assert waiting >= 2  # the 2015–2017 roadmap, and the live program's agreement


def test_seed_demo_run_again_the_same_day_writes_nothing(moment, live):
    out = io.StringIO()

    call_command("seed_demo", "--quiet-logins", stdout=out)

    assert "  rows_written: 0" in out.getvalue().splitlines()


def test_participant_login_sees_the_open_evaluation_of_yesterdays_session(moment, live, client):
    session = Session.objects.get(group__round__program=live, group__number=2, module__order=1)
    _login(client, "deltagare@orebro.example")

    start = client.get("/", follow=True)
    mine = client.get(reverse("evaluations:my_evaluations", kwargs={"org": "orebro"}))

    assert start.redirect_chain[-1][0] == reverse("svc:participant_start", kwargs={"org": "orebro"})
    assert session.ends_at.astimezone(STOCKHOLM).date() == moment["yesterday"]
    page = parse(start)
    assert page.text(".lead") == "Du deltar i Chefsjobbet, i Grupp 2 (Omgång 1)."
    assert page.texts("#open-evaluations li") == [
        f"Utvärdera Del av en helhet öppen till och med {moment['evaluation_open_until']}"
    ]
    answer = reverse("evaluations:answer", kwargs={"org": "orebro", "session_id": session.pk})
    assert [a.get("href") for a in page.select("#open-evaluations li a")] == [answer]
    assert answer in mine.content.decode()
    assert client.get(answer).status_code == 200


def test_line_manager_login_has_the_participants_agreement_waiting(live, client):
    me = Person.objects.get(email="deltagare@orebro.example")
    agreement = Agreement.objects.get(
        enrollment__program=live, enrollment__person=me, stage="between_1_2"
    )
    other = Agreement.objects.get(enrollment__program=live, enrollment__person=me, stage="before_1")
    _login(client, "chef@orebro.example")

    page = parse(client.get(reverse("svc:line_manager_start", kwargs={"org": "orebro"})))

    assert agreement.status == "submitted"
    assert other.status == "agreed"
    assert f"{me.full_name}: Mellan modul 1 och 2" in page.texts("#to-act-on li a")


def test_process_leader_login_has_next_weeks_session_first(moment, live, client):
    session = Session.objects.get(group__round__program=live, group__number=3, module__order=1)
    _login(client, "processledare@konsult.example")

    page = parse(client.get(reverse("svc:process_leader_start", kwargs={"org": "orebro"})))

    assert session.starts_at == moment["next_week"]
    assert session.process_leader.user.email == "processledare@konsult.example"
    first = page.rows("upcoming-sessions")[1]
    assert first[1:] == [
        "1. Del av en helhet",
        "Grupp 3",
        "Örebro slott",
        "Pia Lindqvist (Public Partner)",
    ]
    assert page.select("#attendance-to-register") == []
    assert "All närvaro är registrerad." in page.texts("main p")


def test_hr_login_intake_offers_the_round_next_quarter(moment, live, client):
    _login(client, "hr@orebro.example")

    start = parse(client.get(reverse("svc:hr_start", kwargs={"org": "orebro"})))
    intake = client.get(reverse("programs:intake", kwargs={"org": "orebro", "program_id": live.pk}))

    assert start.texts(".program-links a")[0] == "Chefsjobbet"
    page = parse(intake)
    assert page.texts("main > p")[1] == (
        "Lägg till en chef i en grupp i nästa omgång, Omgång 2 "
        f"(börjar {moment['round_2'].isoformat()}). Gruppen med mest plats är förvald."
    )
    assert "Det finns ingen kommande omgång" not in page.text("main")


def test_steering_login_sees_the_live_programs_figures(live, client):
    _login(client, "styrgrupp@orebro.example")

    page = parse(
        client.get(reverse("reports:dashboard", kwargs={"org": "orebro", "program_id": live.pk}))
    )
    index = parse(client.get(reverse("reports:program_index", kwargs={"org": "orebro"})))

    figures = {
        e.get("data-figure"): "".join(e.itertext()).strip() for e in page.select("[data-figure]")
    }
    assert {k: figures[k] for k in ("groups", "enrolled", "sessions_held", "sessions_planned")} == {
        "groups": "5",
        "enrolled": "105",
        "sessions_held": "3",
        "sessions_planned": "17",
    }
    assert index.texts("#follow-up-programs tbody th") == [
        "Chefsjobbet",
        "Sveriges viktigaste chefsjobb",
    ]


def test_region_hr_login_sees_their_own_organisation_only(live, client):
    _login(client, "hr@region-exempel.example")

    start = client.get("/", follow=True)
    orebro = client.get(reverse("svc:hr_start", kwargs={"org": "orebro"}))

    assert start.redirect_chain[-1][0] == reverse("svc:hr_start", kwargs={"org": "region-exempel"})
    page = parse(start)
    assert page.text(".lead") == "Region Exempel"
    assert page.texts(".program-links a") == ["Ledarskap i Region Exempel"]
    assert orebro.status_code == 404


def test_seed_demo_on_a_later_day_moves_the_live_program_along(moment, live):
    later = moment["now"] + dt.timedelta(days=40)

    with mock.patch("django.utils.timezone.now", return_value=later):
        seed_demo()
        printed = {email: today for email, _roles, today in demo_logins_today()}

    session = Session.objects.get(group__round__program=live, group__number=2, module__order=1)
    assert session.ends_at.astimezone(STOCKHOLM).date() == later.date() - dt.timedelta(days=1)
    assert Program.objects.filter(organisation__slug="orebro").count() == 2
    assert printed["deltagare@orebro.example"].startswith(
        "Besvara utvärderingen av modul 1, Del av en helhet (stänger "
    )
    assert printed["processledare@konsult.example"].startswith(
        "Led modul 1, Del av en helhet, med Grupp 3 "
    )
    assert "Inget väntar på dig i dag." not in printed.values()
