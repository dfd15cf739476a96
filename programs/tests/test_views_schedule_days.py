"""Scheduling as HR and participants meet it: sessions within their round's dates, modules
of more than one day shown as their days, the group's process leaders, and each member's
förvaltning (not the unit inside it). Exact Swedish page text."""

import datetime as dt
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.tests.html import parse, table
from participants.tests.factories import (
    ConsultantFactory,
    DepartmentFactory,
    PersonFactory,
    UserFactory,
)
from programs.models import Session
from programs.services import session_save
from programs.tests.factories import (
    EnrollmentFactory,
    GroupFactory,
    RoundFactory,
    SessionFactory,
)
from programs.tests.test_scheduling import at, make_program

pytestmark = pytest.mark.django_db


@dataclass
class Setting:
    org: object
    group: object
    modules: list
    leader: object
    participant: object  # the login of Bo Berg, a member in the unit Lönecenter
    sessions: list


@pytest.fixture
def setting(org):
    """Grupp 7 of round 5 (autumn 2026); its four sessions are led by Pia Lindqvist, who is
    not named for the group. Module 1 is 30 November 09:00 to 1 December 12:00."""
    program, modules = make_program(org)
    round_ = RoundFactory(
        program=program, number=5, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 18)
    )
    group = GroupFactory(round=round_, number=7, name="Grupp 7")
    town_hall = DepartmentFactory(organisation=org, name="Kommunstyrelseförvaltningen")
    payroll = DepartmentFactory(organisation=org, name="Lönecenter", parent=town_hall)
    user = UserFactory(email="bo.berg@orebro.test")
    for first, last, department, login in [
        ("Anna", "Andersson", town_hall, None),
        ("Bo", "Berg", payroll, user),
    ]:
        person = PersonFactory(
            organisation=org, first_name=first, last_name=last, department=department, user=login
        )
        EnrollmentFactory(group=group, person=person)
    leader = ConsultantFactory(name="Pia Lindqvist", firm="Public Partner", organisations=[org])
    times = [
        (at("2026-11-30", 9), at("2026-12-01", 12)),
        (at("2026-12-07", 9), at("2026-12-08", 16)),
        (at("2026-12-10", 9), at("2026-12-10", 16)),
        (at("2026-12-14", 9), at("2026-12-15", 12)),
    ]
    sessions = [
        SessionFactory(
            group=group,
            module=module,
            starts_at=start,
            ends_at=end,
            venue="Conventum",
            process_leader=leader,
        )
        for module, (start, end) in zip(modules, times, strict=True)
    ]
    return Setting(org, group, modules, leader, user, sessions)


def _group_url(s):
    return reverse("programs:group_detail", kwargs={"org": s.org.slug, "group_id": s.group.pk})


def _schedule_url(s):
    return reverse("programs:group_schedule", kwargs={"org": s.org.slug, "group_id": s.group.pk})


def _participant_page(client, s):
    client.force_login(s.participant)
    return parse(client.get(reverse("svc:participant_start", kwargs={"org": s.org.slug})))


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


# --- 1. A session within its round's dates ------------------------------------------------------


@pytest.fixture
def round_of_2017(org):
    """The round of the issue: 2017-09-04 to 2017-12-15, with a group without sessions."""
    program, modules = make_program(org)
    round_ = RoundFactory(
        program=program, number=5, starts_on=dt.date(2017, 9, 4), ends_on=dt.date(2017, 12, 15)
    )
    group = GroupFactory(round=round_, number=26, name="Grupp 26")
    return Setting(org, group, modules, None, None, [])


def _post_module_1(hr, s, start, end):
    return hr.post(
        _schedule_url(s),
        {
            "m1_starts_at": start,
            "m1_ends_at": end,
            "m1_venue": "Conventum",
            "m1_process_leader": "",
        },
    )


def test_schedule_page_refuses_a_module_after_the_round_and_keeps_what_was_typed(hr, round_of_2017):
    response = _post_module_1(hr, round_of_2017, "2026-11-30T09:00", "2026-12-01T12:00")

    page = parse(response)
    assert response.status_code == 200
    assert page.texts(".alert-danger a") == [
        "Modul 1 måste hållas inom omgångens datum, 2017-09-04–2017-12-15."
    ]
    assert page.one(".alert-danger a").attrib["href"] == "#id_m1_starts_at"
    assert page.text("#id_m1_starts_at_error") == (
        "Modul 1 måste hållas inom omgångens datum, 2017-09-04–2017-12-15."
    )
    assert page.one("#id_m1_starts_at").attrib["value"] == "2026-11-30T09:00"
    assert page.one("#id_m1_ends_at").attrib["value"] == "2026-12-01T12:00"
    assert page.one("#id_m1_venue").attrib["value"] == "Conventum"
    assert Session.objects.filter(group=round_of_2017.group).count() == 0


def test_schedule_page_refuses_a_module_ending_after_the_round_at_its_end(hr, round_of_2017):
    response = _post_module_1(hr, round_of_2017, "2017-12-15T09:00", "2017-12-16T12:00")

    page = parse(response)
    assert page.one(".alert-danger a").attrib["href"] == "#id_m1_ends_at"
    assert page.text("#id_m1_ends_at_error") == (
        "Modul 1 måste hållas inom omgångens datum, 2017-09-04–2017-12-15."
    )
    assert Session.objects.filter(group=round_of_2017.group).count() == 0


def test_schedule_page_saves_a_module_on_the_rounds_first_and_last_day(hr, round_of_2017):
    first = _post_module_1(hr, round_of_2017, "2017-09-04T09:00", "2017-09-05T12:00")
    session = Session.objects.get(group=round_of_2017.group)
    last = hr.post(
        _schedule_url(round_of_2017),
        {
            "m1_starts_at": "2017-09-04T09:00",
            "m1_ends_at": "2017-09-05T12:00",
            "m1_venue": "Conventum",
            "m2_starts_at": "2017-12-14T09:00",
            "m2_ends_at": "2017-12-15T16:00",
            "m2_venue": "Conventum",
        },
    )

    assert (first.status_code, last.status_code) == (302, 302)
    assert (session.starts_at, session.ends_at) == (at("2017-09-04", 9), at("2017-09-05", 12))
    assert list(
        Session.objects.filter(group=round_of_2017.group)
        .order_by("module__order")
        .values_list("starts_at", "ends_at")
    ) == [
        (at("2017-09-04", 9), at("2017-09-05", 12)),
        (at("2017-12-14", 9), at("2017-12-15", 16)),
    ]


def test_schedule_page_names_the_rounds_dates_and_the_day_hours_before_saving(hr, round_of_2017):
    page = parse(hr.get(_schedule_url(round_of_2017)))

    assert page.texts("main p")[2:4] == [
        "Omgång 5 pågår från 2017-09-04 till 2017-12-15: varje modul hålls inom de datumen.",
        "En modul på mer än en dag: ange början av den första dagen och slutet av den sista. "
        "Den första dagen varar till 17:00, och varje dag efter den börjar 08:30.",
    ]
    start = page.one("#id_m1_starts_at").attrib
    assert (start["min"], start["max"]) == ("2017-09-04T00:00", "2017-12-15T23:59")


def test_a_stored_session_outside_the_round_may_still_change_its_venue(round_of_2017):
    """Only new or changed times are checked: what an import stored does not block."""
    s = round_of_2017
    session = Session.objects.create(
        group=s.group, module=s.modules[0], starts_at=at("2018-01-08", 9),
        ends_at=at("2018-01-09", 12), venue="Conventum",
    )  # fmt: skip

    session_save(group=s.group, module=s.modules[0], starts_at=session.starts_at,
                 ends_at=session.ends_at, venue="Örebro slott", session=session)  # fmt: skip

    session.refresh_from_db()
    assert session.venue == "Örebro slott"


def test_session_save_refuses_new_times_outside_the_round(round_of_2017):
    """The service's own check, for every caller (the admin, the demo), in the same words."""
    from django.core.exceptions import ValidationError

    s = round_of_2017
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        session_save(group=s.group, module=s.modules[0], starts_at=at("2017-08-28", 9),
                     ends_at=at("2017-08-29", 12))  # fmt: skip

    assert refused.value.message_dict == {
        "starts_at": ["Modul 1 måste hållas inom omgångens datum, 2017-09-04–2017-12-15."]
    }
    assert Session.objects.filter(group=s.group).count() == 0


# --- 2. A module of more than one day shows as its days ---------------------------------------


def test_group_page_shows_each_day_of_a_module_with_its_hours(hr, setting):
    rows = table(hr.get(_group_url(setting)), "sessions")

    assert [row[1] for row in rows] == [
        "2026-11-30 09:00–17:00 och 2026-12-01 08:30–12:00",
        "2026-12-07 09:00–17:00 och 2026-12-08 08:30–16:00",
        "2026-12-10 09:00–16:00",
        "2026-12-14 09:00–17:00 och 2026-12-15 08:30–12:00",
    ]


def test_attendance_page_names_the_days_of_the_session(hr, setting):
    url = reverse(
        "programs:session_attendance",
        kwargs={"org": setting.org.slug, "session_id": setting.sessions[0].pk},
    )

    page = parse(hr.get(url))

    assert page.text("p.lead") == (
        "Grupp 7 · måndag 30 november 2026 09:00–17:00 och tisdag 1 december 2026 08:30–12:00 "
        "· Conventum"
    )


def test_month_page_shows_the_hours_of_each_day(hr, setting):
    url = reverse("programs:session_month", kwargs={"org": setting.org.slug})

    rows = table(hr.get(f"{url}?month=2026-11"), "month-sessions")

    assert [row[:3] for row in rows] == [
        ["mån 30 november", "09:00–17:00 och tis 1 december 08:30–12:00", "1. Del av en helhet"]
    ]


def test_participant_page_shows_each_day_of_the_sessions(client, setting):
    page = _participant_page(client, setting)

    assert [lines[0] for lines in _my_sessions(page)] == [
        "2026-11-30 09:00–17:00 och 2026-12-01 08:30–12:00",
        "2026-12-07 09:00–17:00 och 2026-12-08 08:30–16:00",
        "2026-12-10 09:00–16:00",
        "2026-12-14 09:00–17:00 och 2026-12-15 08:30–12:00",
    ]


def _my_sessions(page):
    from core.tests.html import text

    return [[text(p) for p in li.iter("p")] for li in page.select("#my-sessions > li")]


def test_invitation_lists_each_day_of_a_session(setting):
    with translation.override("sv"):
        body = render_to_string(
            "programs/email/invitation_sessions.txt", {"sessions": setting.sessions[:1]}
        )

    assert body == (
        "- 1. Del av en helhet: måndag 30 november 2026 09:00–17:00 och tisdag 1 december 2026 "
        "08:30–12:00, Conventum. Processledare: Pia Lindqvist\n"
    )


def test_a_session_of_three_days_lists_them_all(hr, setting):
    session = setting.sessions[0]
    Session.objects.filter(pk=session.pk).update(ends_at=at("2026-12-02", 12))

    rows = table(hr.get(_group_url(setting)), "sessions")

    assert rows[0][1] == (
        "2026-11-30 09:00–17:00, 2026-12-01 08:30–17:00 och 2026-12-02 08:30–12:00"
    )


# --- 3. The group's process leaders -------------------------------------------------------------


def _process_leaders(page) -> str:
    terms = page.texts("dl dt")
    return page.texts("dl dd")[terms.index("Processledare")]


def test_group_page_names_who_leads_the_sessions_when_nobody_is_named(hr, setting):
    assert _process_leaders(parse(hr.get(_group_url(setting)))) == (
        "Pia Lindqvist (Public Partner)"
    )


def test_group_page_names_the_groups_own_process_leaders_when_they_are_named(hr, setting):
    setting.group.process_leaders.set(
        [ConsultantFactory(name="Åsa Berg", firm=""), ConsultantFactory(name="Olle Ek", firm="")]
    )

    # By name, the Swedish way; Pia Lindqvist, who leads the sessions, is not named for it.
    assert _process_leaders(parse(hr.get(_group_url(setting)))) == "Olle Ek, Åsa Berg"


def test_group_page_says_not_assigned_only_when_nobody_leads_the_group(hr, setting):
    Session.objects.filter(group=setting.group).update(process_leader=None)

    assert _process_leaders(parse(hr.get(_group_url(setting)))) == "Inte tilldelad"


def test_participant_page_names_who_leads_the_sessions(client, setting):
    page = _participant_page(client, setting)

    assert page.text("section[aria-labelledby=group-title] > p") == "Processledare: Pia Lindqvist"


# --- 4. The förvaltning, not the unit -------------------------------------------------------


def test_group_page_shows_the_forvaltning_of_a_member_in_a_unit(hr, setting):
    rows = table(hr.get(_group_url(setting)), "members")

    assert [row[:2] for row in rows] == [
        ["Anna Andersson", "Kommunstyrelseförvaltningen"],
        ["Bo Berg", "Kommunstyrelseförvaltningen"],
    ]


def test_attendance_page_shows_the_forvaltning_of_each_member(hr, setting):
    url = reverse(
        "programs:session_attendance",
        kwargs={"org": setting.org.slug, "session_id": setting.sessions[0].pk},
    )

    page = parse(hr.get(url))

    assert page.texts("fieldset.attendance-member legend") == [
        "Anna Andersson · Kommunstyrelseförvaltningen",
        "Bo Berg · Kommunstyrelseförvaltningen",
    ]


def test_participant_page_shows_the_forvaltning_of_each_member(client, setting):
    page = _participant_page(client, setting)

    assert page.texts("#group-members > li") == [
        "Anna Andersson Kommunstyrelseförvaltningen",
        "Bo Berg (du) Kommunstyrelseförvaltningen",
    ]


def test_group_list_export_gives_the_forvaltning(hr, setting):
    url = reverse(
        "programs:group_export", kwargs={"org": setting.org.slug, "group_id": setting.group.pk}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(hr.get(url).content)).worksheets[0]

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "Förvaltning"
    assert [(row[1], row[4]) for row in rows[1:]] == [
        ("Anna", "Kommunstyrelseförvaltningen"),
        ("Bo", "Kommunstyrelseförvaltningen"),
    ]
