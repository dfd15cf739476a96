"""HR edits the program in the app: the program, its modules and a group's process leaders.

What is stored, what the pages say (in Swedish), what a running program refuses, the
history of each change, and flat query counts on the modules page and the process
leaders page.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.html import parse, table, text
from participants.tests.factories import ConsultantFactory
from programs.editing import modules as module_services
from programs.editing.rules import session_days
from programs.models import Enrollment, Module, Program
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def _at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


@pytest.fixture
def program(org):
    program = ProgramFactory(
        organisation=org,
        name="Sveriges viktigaste chefsjobb",
        motto="Säkra, initiativrika och klara",
        purpose="En gemensam ledarkultur.",
        starts_on=dt.date(2015, 1, 1),
        ends_on=dt.date(2017, 12, 31),
    )
    for order, name, days in [
        (1, "Del av en helhet", "1.5"),
        (2, "Klar ledare", "2"),
        (3, "Säker chef", "1"),
        (4, "Initiativrik utvecklare", "1.5"),
    ]:
        ModuleFactory(program=program, order=order, name=name, duration_days=Decimal(days))
    return program


@pytest.fixture
def group(program):
    return GroupFactory(round=RoundFactory(program=program, number=1), number=2)


def _module(program, order) -> Module:
    return Module.objects.get(program=program, order=order)


def _url(name, **kwargs):
    return reverse(f"programs:{name}", kwargs=kwargs)


def _messages(response) -> list[str]:
    return parse(response).texts(".messages .alert")


def _summary(response) -> list[str]:
    return parse(response).texts("[data-error-summary] li")


PROGRAM_POST = {
    "name": "SVC",
    "motto": "Säkra chefer",
    "purpose": "En ledarkultur.",
    "starts_on": "2015-01-01",
    "ends_on": "2017-12-31",
    "min_group_size": "20",
    "max_group_size": "25",
}


# --- The program -------------------------------------------------------------------------


def test_hr_edits_the_program_and_sees_the_change_in_its_history(hr, org, hr_user, program):
    url = _url("program_edit", org=org.slug, program_id=program.pk)

    response = hr.post(
        url, {**PROGRAM_POST, "ends_on": "2018-06-30", "min_group_size": "18"}, follow=True
    )

    assert response.redirect_chain[-1][0] == _url(
        "program_overview", org=org.slug, program_id=program.pk
    )
    assert _messages(response) == ["Programmet är sparat."]
    stored = Program.objects.values(*PROGRAM_POST).get(pk=program.pk)
    assert stored == {
        "name": "SVC",
        "motto": "Säkra chefer",
        "purpose": "En ledarkultur.",
        "starts_on": dt.date(2015, 1, 1),
        "ends_on": dt.date(2018, 6, 30),
        "min_group_size": 18,
        "max_group_size": 25,
    }
    record = program.history.latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~",
        hr_user,
        "program",
    )
    page = parse(hr.get(url))
    assert page.texts("#history h3") == ["Ändrad", "Skapad"]
    assert page.texts("#history li li") == [
        "Namn: Sveriges viktigaste chefsjobb → SVC",
        "Motto: Säkra, initiativrika och klara → Säkra chefer",
        "Syfte: En gemensam ledarkultur. → En ledarkultur.",
        "Slut: 2017-12-31 → 2018-06-30",
        "Minsta grupp: 20 → 18",
    ]


def test_the_same_values_again_change_nothing(hr, org, program):
    url = _url("program_edit", org=org.slug, program_id=program.pk)
    same = {**PROGRAM_POST, "name": program.name, "motto": program.motto}
    same["purpose"] = program.purpose

    response = hr.post(url, same, follow=True)

    assert _messages(response) == ["Inget ändrades."]
    assert program.history.count() == 1


def test_a_shorter_period_that_strands_sessions_is_refused_naming_them(hr, org, program, group):
    SessionFactory(
        group=group,
        module=_module(program, 1),
        starts_at=_at(2015, 3, 2),
        ends_at=_at(2015, 3, 3, 12),
    )
    SessionFactory(
        group=group,
        module=_module(program, 4),
        starts_at=_at(2017, 6, 12),
        ends_at=_at(2017, 6, 13, 12),
    )
    url = _url("program_edit", org=org.slug, program_id=program.pk)

    response = hr.post(url, {**PROGRAM_POST, "starts_on": "2015-03-03", "ends_on": "2017-06-01"})

    assert response.status_code == 200
    assert _summary(response) == [
        "Programmet kan inte starta efter ett av gruppernas modultillfällen. Flytta först "
        "tillfället på gruppens planeringssida, eller välj en tidigare start: Grupp 2 "
        "(Omgång 1): 1. Del av en helhet, 2015-03-02–2015-03-03.",
        "Programmet kan inte sluta före ett av gruppernas modultillfällen. Flytta först "
        "tillfället på gruppens planeringssida, eller välj ett senare slut: Grupp 2 "
        "(Omgång 1): 4. Initiativrik utvecklare, 2017-06-12–2017-06-13.",
    ]
    program.refresh_from_db()
    assert (program.name, program.starts_on, program.ends_on) == (
        "Sveriges viktigaste chefsjobb",
        dt.date(2015, 1, 1),
        dt.date(2017, 12, 31),
    )
    assert program.history.count() == 1


def test_a_period_that_still_holds_every_session_is_saved(hr, org, program, group):
    SessionFactory(
        group=group,
        module=_module(program, 4),
        starts_at=_at(2017, 6, 12),
        ends_at=_at(2017, 6, 13, 12),
    )
    url = _url("program_edit", org=org.slug, program_id=program.pk)

    hr.post(url, {**PROGRAM_POST, "ends_on": "2017-06-13"})

    assert Program.objects.get(pk=program.pk).ends_on == dt.date(2017, 6, 13)


def test_new_bounds_name_the_groups_outside_them_and_the_rounds_outside_the_period(
    hr, org, program, group
):
    EnrollmentFactory.create_batch(3, group=group)
    url = _url("program_edit", org=org.slug, program_id=program.pk)

    response = hr.post(url, {**PROGRAM_POST, "ends_on": "2015-06-30"}, follow=True)

    assert _messages(response) == [
        "Programmet är sparat.",
        "En omgångs datum går utanför programmets nya period: Omgång 1 (2015-02-01–2015-12-31).",
    ]
    response = hr.post(
        url, {**PROGRAM_POST, "ends_on": "2015-12-31", "min_group_size": "4"}, follow=True
    )
    assert _messages(response) == [
        "Programmet är sparat.",
        "En utvecklingsgrupp ligger utanför den nya gruppstorleken, 4–25: Grupp 2 (Omgång 1): "
        "3 deltagare.",
    ]


def test_a_largest_group_below_the_smallest_is_refused(hr, org, program):
    url = _url("program_edit", org=org.slug, program_id=program.pk)

    response = hr.post(url, {**PROGRAM_POST, "min_group_size": "26"})

    assert _summary(response) == ["Största grupp måste vara minst lika stor som minsta grupp."]
    assert Program.objects.get(pk=program.pk).min_group_size == 20


# --- Modules -----------------------------------------------------------------------------


def test_a_new_module_comes_last_and_says_what_it_means_for_a_running_program(
    hr, org, program, group
):
    sessions = [
        SessionFactory(group=group, module=_module(program, order)) for order in (1, 2, 3, 4)
    ]
    enrollment = EnrollmentFactory(group=group, status=Enrollment.Status.COMPLETED)
    for session in sessions:
        AttendanceFactory(session=session, enrollment=enrollment)
    leader = ConsultantFactory(name="Pia Lindqvist", firm="", organisations=[org])

    response = hr.post(
        _url("module_create", org=org.slug, program_id=program.pk),
        {
            "name": "Uppföljning",
            "purpose": "Ett år senare.",
            "duration_days": "0,5",
            "responsible_consultant": leader.pk,
        },
        follow=True,
    )

    assert _messages(response) == [
        "5. Uppföljning är tillagd.",
        "1 utvecklingsgrupp har redan modultillfällen: planera ett tillfälle för "
        "5. Uppföljning på gruppens planeringssida.",
        "1 deltagare som hade genomfört programmet har nu inte deltagit i alla moduler och "
        "räknas inte längre som genomförd.",
    ]
    assert list(
        Module.objects.filter(program=program, order=5).values_list(
            "name", "purpose", "duration_days", "responsible_consultant"
        )
    ) == [("Uppföljning", "Ett år senare.", Decimal("0.5"), leader.pk)]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert table(response, "edit-modules")[4] == [
        "5",
        "Uppföljning",
        "0,5",
        "Pia Lindqvist",
        "0",
        "Flytta upp",
    ]


def test_a_new_duration_keeps_the_sessions_and_names_those_that_now_differ(hr, org, program, group):
    module = _module(program, 2)
    later = GroupFactory(round=group.round, number=3)
    two_days = SessionFactory(
        group=group, module=module, starts_at=_at(2030, 3, 4), ends_at=_at(2030, 3, 5, 16)
    )
    one_day = SessionFactory(
        group=later, module=module, starts_at=_at(2030, 4, 1), ends_at=_at(2030, 4, 1, 16)
    )
    SessionFactory(  # begun already: not named
        group=GroupFactory(round=group.round, number=4),
        module=module,
        starts_at=_at(2015, 4, 1),
        ends_at=_at(2015, 4, 1, 16),
    )

    response = hr.post(
        _url("module_edit", org=org.slug, program_id=program.pk, module_id=module.pk),
        {"name": "Klar ledare", "purpose": "", "duration_days": "1,5"},
        follow=True,
    )

    assert _messages(response) == [
        "2. Klar ledare är sparad.",
        "Modultillfällena behåller sina tider. 2 planerade modultillfällen är inte 1,5 dagar "
        "långa: Grupp 2 (Omgång 1): 2. Klar ledare, 2030-03-04–2030-03-05; Grupp 3 "
        "(Omgång 1): 2. Klar ledare, 2030-04-01.",
    ]
    module.refresh_from_db()
    assert module.duration_days == Decimal("1.5")
    two_days.refresh_from_db()
    one_day.refresh_from_db()
    assert (two_days.starts_at, two_days.ends_at) == (_at(2030, 3, 4), _at(2030, 3, 5, 16))
    assert (one_day.starts_at, one_day.ends_at) == (_at(2030, 4, 1), _at(2030, 4, 1, 16))
    history = parse(hr.get(_url("module_list", org=org.slug, program_id=program.pk)))
    assert history.texts("#history h3")[0] == "2. Klar ledare: Ändrad"
    assert history.texts("#history li li")[0] == "Längd i dagar: 2 → 1,5"


def test_a_length_in_days_not_in_half_days_is_refused(hr, org, program):
    module = _module(program, 3)

    response = hr.post(
        _url("module_edit", org=org.slug, program_id=program.pk, module_id=module.pk),
        {"name": "Säker chef", "purpose": "", "duration_days": "1,3"},
    )

    assert _summary(response) == ["Ange längd i dagar i halva dagar, till exempel 1,5."]
    assert Module.objects.get(pk=module.pk).duration_days == Decimal("1")


@pytest.mark.parametrize(
    ("starts", "ends", "days"),
    [
        (_at(2015, 3, 2, 9), _at(2015, 3, 3, 12), Decimal("1.5")),
        (_at(2015, 3, 2, 9), _at(2015, 3, 3, 16), Decimal("2")),
        (_at(2015, 3, 2, 9), _at(2015, 3, 2, 16), Decimal("1")),
        (_at(2015, 3, 2, 13), _at(2015, 3, 2, 16), Decimal("0.5")),
        (_at(2015, 3, 2, 13), _at(2015, 3, 3, 16), Decimal("1.5")),
    ],
)
def test_a_sessions_length_is_counted_in_half_days(starts, ends, days):
    session = SessionFactory.build(starts_at=starts, ends_at=ends)

    assert session_days(session) == days


def test_a_module_with_sessions_cannot_be_deleted(hr, org, program, group):
    module = _module(program, 2)
    SessionFactory(group=group, module=module)
    url = _url("module_delete", org=org.slug, program_id=program.pk, module_id=module.pk)

    page = parse(hr.get(url))
    response = hr.post(url, follow=True)

    assert page.texts("[data-testid=delete-refused]") == [
        "2. Klar ledare kan inte tas bort: en grupp har ett modultillfälle av den. En modul med "
        "modultillfällen finns kvar, så att närvaron och utvärderingarna behålls."
    ]
    assert page.select("form button.btn-danger") == []
    assert _messages(response) == [page.texts("[data-testid=delete-refused]")[0]]
    assert Module.objects.filter(pk=module.pk).exists()


def test_deleting_a_module_moves_the_later_ones_up(hr, org, hr_user, program):
    module = _module(program, 2)
    url = _url("module_delete", org=org.slug, program_id=program.pk, module_id=module.pk)

    response = hr.post(url, follow=True)

    assert _messages(response) == ["2. Klar ledare är borttagen."]
    assert list(
        Module.objects.filter(program=program).order_by("order").values_list("order", "name")
    ) == [(1, "Del av en helhet"), (2, "Säker chef"), (3, "Initiativrik utvecklare")]
    deleted = Module.history.filter(id=module.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", hr_user)
    assert parse(response).texts("#history h3")[:3] == [
        "3. Initiativrik utvecklare: Ändrad",
        "2. Säker chef: Ändrad",
        "2. Klar ledare: Borttagen",
    ]


def test_modules_change_places_with_the_buttons(hr, org, program):
    module = _module(program, 3)
    url = _url("module_move", org=org.slug, program_id=program.pk, module_id=module.pk)

    response = hr.post(url, {"direction": "up"}, follow=True)

    assert _messages(response) == ["Säker chef är nu modul 2."]
    assert list(
        Module.objects.filter(program=program).order_by("order").values_list("name", flat=True)
    ) == ["Del av en helhet", "Säker chef", "Klar ledare", "Initiativrik utvecklare"]


def test_modules_with_sessions_of_one_group_keep_their_order(hr, org, program, group):
    SessionFactory(group=group, module=_module(program, 2))
    SessionFactory(group=group, module=_module(program, 3))
    module = _module(program, 3)
    url = _url("module_move", org=org.slug, program_id=program.pk, module_id=module.pk)

    response = hr.post(url, {"direction": "up"}, follow=True)

    assert _messages(response) == [
        "3. Säker chef och 2. Klar ledare kan inte byta plats: en grupp har modultillfällen av "
        "båda, i nuvarande ordning: Grupp 2 (Omgång 1)."
    ]
    assert _module(program, 3).name == "Säker chef"


def test_the_first_module_does_not_move_up(program, hr_user):
    saved = module_services.module_move(module=_module(program, 1), user=hr_user, up=True)

    assert saved.changed is False
    assert _module(program, 1).name == "Del av en helhet"


def test_another_programs_module_is_not_found(hr, org, program):
    other = ModuleFactory(program=ProgramFactory(organisation=org), order=1)

    response = hr.get(_url("module_edit", org=org.slug, program_id=program.pk, module_id=other.pk))

    assert response.status_code == 404


def test_the_modules_page_runs_the_same_queries_for_more_modules_and_changes(
    hr, org, program, hr_user, queries
):
    url = _url("module_list", org=org.slug, program_id=program.pk)

    def grow():
        for order in (5, 6, 7):
            module_services.module_create(
                program=program,
                user=hr_user,
                name=f"Modul {order}",
                purpose="",
                duration_days=Decimal("1"),
                responsible_consultant=ConsultantFactory(organisations=[program.organisation]),
            )

    response = queries.assert_flat(hr, url, grow=grow)

    assert len(table(response, "edit-modules")) == 7


# --- A group's process leaders -------------------------------------------------------


def test_hr_sets_a_groups_process_leaders_and_sees_who_led_it_before(
    hr, org, hr_user, program, group
):
    pia = ConsultantFactory(name="Pia Lindqvist", firm="", organisations=[org])
    olle = ConsultantFactory(name="Olle Berg", firm="", organisations=[org])
    group.process_leaders.add(olle)
    url = _url("group_process_leaders", org=org.slug, group_id=group.pk)

    response = hr.post(url, {"process_leaders": [pia.pk]}, follow=True)

    assert response.redirect_chain[-1][0] == _url("group_detail", org=org.slug, group_id=group.pk)
    assert _messages(response) == ["Processledarna för Grupp 2 är sparade."]
    assert list(group.process_leaders.all()) == [pia]
    record = group.history.latest()
    assert (record.history_user, record.history_change_reason) == (hr_user, "process_leaders")
    page = parse(hr.get(url))
    assert page.texts("#history h3") == ["Ändrad", "Ändrad", "Skapad"]
    assert page.texts("#history li li") == [
        "Processledare: Olle Berg → Pia Lindqvist",
        "Processledare: Ingen → Olle Berg",
    ]


def test_another_organisations_consultant_is_refused(hr, org, other_org, group):
    stranger = ConsultantFactory(name="Karin Vik", firm="", organisations=[other_org])
    url = _url("group_process_leaders", org=org.slug, group_id=group.pk)

    response = hr.post(url, {"process_leaders": [stranger.pk]})

    assert _summary(response) == [
        "Välj processledare bland de konsulter som arbetar för organisationen."
    ]
    assert list(group.process_leaders.all()) == []


def test_the_service_refuses_a_consultant_of_another_organisation(other_org, group, hr_user):
    from django.core.exceptions import ValidationError

    from programs.editing.services import group_process_leaders_set

    stranger = ConsultantFactory(name="Karin Vik", firm="", organisations=[other_org])

    with pytest.raises(ValidationError) as refused:
        group_process_leaders_set(group=group, user=hr_user, consultants=[stranger])

    assert refused.value.message_dict == {
        "process_leaders": [
            "Karin Vik arbetar inte för Örebro kommun. Välj processledare bland "
            "organisationens konsulter."
        ]
    }


def test_the_process_leaders_page_runs_the_same_queries_for_more_changes(
    hr, org, group, hr_user, queries
):
    from programs.editing.services import group_process_leaders_set

    consultants = ConsultantFactory.create_batch(3, organisations=[org])
    url = _url("group_process_leaders", org=org.slug, group_id=group.pk)

    def grow():
        for n in range(1, 4):
            group_process_leaders_set(group=group, user=hr_user, consultants=consultants[:n])

    queries.assert_flat(hr, url, grow=grow)


# --- Links ---------------------------------------------------------------------------------


def test_the_program_and_group_pages_link_to_the_editing_pages(hr, org, program, group):
    overview = parse(hr.get(_url("program_overview", org=org.slug, program_id=program.pk)))
    detail = parse(hr.get(_url("group_detail", org=org.slug, group_id=group.pk)))

    assert overview.texts(".program-editing a") == ["Redigera programmet", "Redigera modulerna"]
    assert detail.texts(".group-editing a") == ["Ändra processledare"]


def test_the_hr_start_page_of_a_staff_login_has_no_admin_link(client, org, hr_user):
    hr_user.is_staff = True
    hr_user.save()
    client.force_login(hr_user)

    response = client.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    hrefs = [a.get("href") for a in parse(response).select("a[href]")]
    assert [h for h in hrefs if h.startswith("/admin")] == []


# --- The history of rows that existed before it was kept --------------------------------


def test_the_migration_keeps_a_baseline_of_each_existing_row(org, program, group):
    """Rows from before the history get one record as they were, so the first change shows
    what it changed from."""
    import sys

    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    from programs.models import Group

    baseline = next(
        sys.modules[migration.__module__].baseline
        for (app, _name), migration in MigrationLoader(None).disk_migrations.items()
        if app == "programs" and hasattr(sys.modules[migration.__module__], "baseline")
    )
    leader = ConsultantFactory(name="Pia Lindqvist", firm="", organisations=[org])
    group.process_leaders.add(leader)
    for model in (Program, Module, Group):
        model.history.all().delete()

    baseline(apps, None)

    assert list(program.history.values_list("history_type", "history_change_reason", "name")) == [
        ("+", "baseline", "Sveriges viktigaste chefsjobb")
    ]
    assert sorted(
        Module.history.filter(history_change_reason="baseline").values_list("order", "name")
    ) == [
        (1, "Del av en helhet"),
        (2, "Klar ledare"),
        (3, "Säker chef"),
        (4, "Initiativrik utvecklare"),
    ]
    record = group.history.get()
    assert [row.consultant for row in record.historicalgroup_process_leaders_set.all()] == [leader]


# --- A new program -----------------------------------------------------------------------


def _new_program(hr, org, **changes):
    data = {
        "name": "Chefsjobbet 2027",
        "motto": "Klara chefer",
        "purpose": "Ett gemensamt ledarskap.",
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "min_group_size": "18",
        "max_group_size": "24",
        **changes,
    }
    return hr.post(reverse("programs:program_create", kwargs={"org": org.slug}), data)


def test_hr_creates_a_program_and_goes_on_to_its_modules(hr, org):
    response = _new_program(hr, org)

    program = Program.objects.get(name="Chefsjobbet 2027")
    assert response["Location"] == reverse(
        "programs:module_list", kwargs={"org": org.slug, "program_id": program.pk}
    )
    assert (
        program.organisation, program.motto, program.purpose, program.starts_on,
        program.ends_on, program.min_group_size, program.max_group_size,
    ) == (
        org, "Klara chefer", "Ett gemensamt ledarskap.", dt.date(2027, 1, 1),
        dt.date(2028, 12, 31), 18, 24,
    )  # fmt: skip
    assert program.modules.count() == 0
    assert [(h.history_type, h.history_change_reason) for h in program.history.all()] == [
        ("+", "program_create")
    ]
    page = parse(hr.get(response["Location"]))
    assert page.texts(".messages .alert") == [
        "Chefsjobbet 2027 är skapat. Lägg nu till dess moduler, i den ordning grupperna går dem."
    ]


def test_a_new_program_that_ends_before_it_starts_is_refused_and_keeps_the_input(hr, org):
    response = _new_program(hr, org, ends_on="2026-12-31", max_group_size="10")

    assert response.status_code == 200
    links = parse(response).select(".error-summary a.alert-link")
    assert [(a.get("href"), text(a)) for a in links] == [
        ("#id_ends_on", "Programmet måste sluta samma dag som det börjar eller senare."),
        ("#id_max_group_size", "Största grupp måste vara minst lika stor som minsta grupp."),
    ]
    assert 'value="Chefsjobbet 2027"' in response.content.decode()
    assert Program.objects.filter(name="Chefsjobbet 2027").exists() is False


def test_the_program_list_offers_a_new_program(hr, org):
    page = parse(hr.get(reverse("programs:program_list", kwargs={"org": org.slug})))

    assert page.texts("main .empty-state p") == [
        "Det finns inga program i organisationen ännu.",
        "Starta ett med ”Nytt program”: dess namn, period och gruppstorlekar, sedan dess moduler.",
    ]
    new = page.select("main a.btn-outline-primary")[0]
    assert (text(new), new.get("href")) == (
        "Nytt program",
        reverse("programs:program_create", kwargs={"org": org.slug}),
    )
