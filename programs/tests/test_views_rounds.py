"""The rounds pages: access per role, what each page says (in Swedish), what is stored,
double submits, and flat query counts on the pool and intake lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests import html
from participants.models import Level
from participants.tests.factories import DepartmentFactory, PersonFactory, UserFactory
from programs.models import Enrollment, Group, Round
from programs.tests.factories import (
    EnrollmentFactory,
    GroupFactory,
    ProgramFactory,
    RoundFactory,
)
from programs.views_rounds import ProposalStore

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# --- Data -------------------------------------------------------------------------------------


@pytest.fixture
def program(org):
    return ProgramFactory(
        organisation=org,
        name="Sveriges viktigaste chefsjobb",
        starts_on=dt.date(2015, 1, 1),
        ends_on=TODAY + dt.timedelta(days=800),
    )


@pytest.fixture
def round_1(program):
    return RoundFactory(program=program, number=1, starts_on=dt.date(2015, 2, 2))


@pytest.fixture
def departments(org):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    return {
        "social": social,
        "social_unit": DepartmentFactory(organisation=org, name="Hemvården", parent=social),
        "technical": DepartmentFactory(organisation=org, name="Tekniska förvaltningen"),
        "school": DepartmentFactory(organisation=org, name="Förskoleförvaltningen"),
    }


def _people(org, departments, count, **kwargs):
    keys = ["social", "social_unit", "technical", "school"]
    return [
        PersonFactory(
            organisation=org,
            department=departments[keys[i % 4]],
            last_name=f"Person{i:03d}",
            first_name="Anna",
            **kwargs,
        )
        for i in range(count)
    ]


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


def _url(name, **kwargs):
    return reverse(f"programs:{name}", kwargs=kwargs)


def _pool_url(org, round_):
    return _url("round_pool", org=org.slug, round_id=round_.pk)


def _proposal_url(org, round_):
    return _url("round_proposal", org=org.slug, round_id=round_.pk)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _compose(client, org, round_, people, **extra):
    return client.post(
        _pool_url(org, round_), {"people": [p.pk for p in people], "keep_name": "", **extra}
    )


def _stored(client, round_):
    return client.session[ProposalStore.KEY][str(round_.pk)]


# --- Access, per role ---------------------------------------------------------------------------


@pytest.fixture
def pages(org, program, round_1):
    group = GroupFactory(round=round_1, number=1)
    return {
        "round_create": {"org": org.slug, "program_id": program.pk},
        "round_pool": {"org": org.slug, "round_id": round_1.pk},
        "round_proposal": {"org": org.slug, "round_id": round_1.pk},
        "intake": {"org": org.slug, "program_id": program.pk},
        "group_move": {"org": org.slug, "group_id": group.pk},
    }


PAGE_NAMES = ["round_create", "round_pool", "round_proposal", "intake", "group_move"]


@pytest.mark.parametrize("name", [*PAGE_NAMES, "intake_add"])
def test_rounds_pages_send_anonymous_users_to_login(client, pages, program, org, name):
    kwargs = pages.get(name, {"org": org.slug, "program_id": program.pk})
    method = client.post if name == "intake_add" else client.get

    response = method(_url(name, **kwargs))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", [*PAGE_NAMES, "intake_add"])
def test_rounds_pages_are_404_for_another_organisations_coordinator(
    client, pages, outsider, program, org, name
):
    client.force_login(outsider)
    kwargs = pages.get(name, {"org": org.slug, "program_id": program.pk})
    method = client.post if name == "intake_add" else client.get

    assert method(_url(name, **kwargs)).status_code == 404


@pytest.mark.parametrize("name", [*PAGE_NAMES, "intake_add"])
def test_rounds_pages_are_403_for_the_steering_group_and_process_leaders(
    client, pages, steering_user, process_leader_user, program, org, name
):
    kwargs = pages.get(name, {"org": org.slug, "program_id": program.pk})
    for user in (steering_user, process_leader_user):
        client.force_login(user)
        method = client.post if name == "intake_add" else client.get
        assert method(_url(name, **kwargs)).status_code == 403


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_rounds_pages_answer_the_hr_coordinator(hr, pages, name):
    assert hr.get(_url(name, **pages[name])).status_code == 200


def test_rounds_pages_with_another_organisations_object_are_404(hr, org, other_org):
    foreign_group = GroupFactory(round__program=ProgramFactory(organisation=other_org))
    foreign_round = foreign_group.round
    foreign_program = foreign_round.program

    urls = [
        _url("round_create", org=org.slug, program_id=foreign_program.pk),
        _url("round_pool", org=org.slug, round_id=foreign_round.pk),
        _url("round_proposal", org=org.slug, round_id=foreign_round.pk),
        _url("intake", org=org.slug, program_id=foreign_program.pk),
        _url("group_move", org=org.slug, group_id=foreign_group.pk),
    ]

    assert [hr.get(url).status_code for url in urls] == [404] * 5
    assert hr.post(_url("intake_add", org=org.slug, program_id=foreign_program.pk)).status_code == (
        404
    )


def test_a_participant_cannot_reach_the_rounds_pages(client, org, program, round_1, pages):
    user = UserFactory(email="deltagare@orebro.test")
    EnrollmentFactory(
        group=GroupFactory(round=round_1), person__organisation=org, person__user=user
    )
    client.force_login(user)

    assert client.get(_pool_url(org, round_1)).status_code == 403


# --- Create a round -----------------------------------------------------------------------------


def test_round_create_suggests_the_next_number_and_stores_the_round(hr, org, program, round_1):
    url = _url("round_create", org=org.slug, program_id=program.pk)

    form_page = hr.get(url)
    response = hr.post(url, {"number": 2, "starts_on": "2016-01-11", "ends_on": "2016-06-30"})

    stored = Round.objects.get(program=program, number=2)
    assert form_page.context["form"].initial["number"] == 2
    assert (stored.starts_on, stored.ends_on) == (dt.date(2016, 1, 11), dt.date(2016, 6, 30))
    assert response["Location"] == _pool_url(org, stored)


def test_round_create_twice_is_harmless(hr, org, program):
    url = _url("round_create", org=org.slug, program_id=program.pk)
    data = {"number": 3, "starts_on": "2016-01-11", "ends_on": "2016-06-30"}

    first = hr.post(url, data)
    second = hr.post(url, data)

    assert Round.objects.filter(program=program).count() == 1
    assert first["Location"] == second["Location"]


def test_round_create_refuses_a_taken_number_and_dates_outside_the_program(
    hr, org, program, round_1
):
    url = _url("round_create", org=org.slug, program_id=program.pk)

    taken = hr.post(url, {"number": 1, "starts_on": "2016-01-11", "ends_on": "2016-06-30"})
    early = hr.post(url, {"number": 2, "starts_on": "2014-01-01", "ends_on": "2014-06-30"})
    backwards = hr.post(url, {"number": 2, "starts_on": "2016-06-30", "ends_on": "2016-01-11"})

    assert taken.context["form"].errors == {"number": ["Programmet har redan en omgång 1."]}
    assert early.context["form"].errors["starts_on"] == [
        f"Omgången måste börja inom programmets period, 2015-01-01–{program.ends_on.isoformat()}."
    ]
    assert backwards.context["form"].errors == {
        "ends_on": ["Omgången måste sluta samma dag som den börjar eller senare."]
    }
    assert 'value="2014-01-01"' in early.content.decode()
    assert Round.objects.filter(program=program).count() == 1


# --- The pool -----------------------------------------------------------------------------------


def test_pool_lists_active_managers_without_a_place(hr, org, program, round_1, departments):
    free = PersonFactory(organisation=org, first_name="Åsa", last_name="Ek")
    withdrawn = PersonFactory(organisation=org, first_name="Bo", last_name="Berg")
    EnrollmentFactory(
        group=GroupFactory(round=round_1), person=withdrawn, status=Enrollment.Status.WITHDRAWN
    )
    EnrollmentFactory(group=GroupFactory(round=round_1), person__organisation=org)
    PersonFactory(organisation=org, active=False)
    PersonFactory()  # another organisation

    response = hr.get(_pool_url(org, round_1))

    assert [row.pk for row in response.context["people"]] == [str(withdrawn.pk), str(free.pk)]
    assert "2 chefer visas av 2 i urvalet." in _text(response)


def test_pool_filters_by_department_with_its_units_level_and_manager_since(
    hr, org, program, round_1, departments
):
    # Fixed first names: a random one containing "c" would match the search below.
    PersonFactory(
        organisation=org, first_name="Anna", last_name="A", department=departments["social"],
        manager_since=dt.date(2010, 1, 1),
    )  # fmt: skip
    PersonFactory(
        organisation=org, first_name="Bo", last_name="B", department=departments["social_unit"],
        manager_since=dt.date(2016, 1, 1), level=Level.DIVISION_HEAD,
    )  # fmt: skip
    PersonFactory(
        organisation=org, first_name="Olle", last_name="C", department=departments["school"]
    )

    def names(**params):
        response = hr.get(_pool_url(org, round_1), params)
        return [row.name.split()[-1] for row in response.context["people"]]

    assert names(department=departments["social"].pk) == ["A", "B"]
    assert names(level=Level.DIVISION_HEAD) == ["B"]
    assert names(manager_since_from="2015-01-01") == ["B"]
    assert names(manager_since_to="2015-01-01") == ["A"]
    assert names(q="c") == ["C"]


def test_pool_tick_everyone_shown_ticks_the_filtered_list(hr, org, round_1, departments):
    _people(org, departments, 3)
    PersonFactory(organisation=org, level=Level.DIVISION_HEAD)

    response = hr.get(_pool_url(org, round_1), {"level": Level.FIRST_LINE, "select": "all"})

    assert [row.chosen for row in response.context["people"]] == [True, True, True]


def test_pool_with_no_one_ticked_says_so_and_keeps_the_input(hr, org, round_1, departments):
    _people(org, departments, 3)

    response = hr.post(
        _pool_url(org, round_1), {"keep_levels": [Level.MUNICIPAL_MANAGEMENT], "keep_name": "KL"}
    )

    text = _text(response)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "people": ["Välj minst en chef till omgången: markera dem i listan."]
    }
    assert '<a class="alert-link" href="#id_people_0">' in response.content.decode()
    assert 'value="KL"' in text
    assert ProposalStore.KEY not in hr.session


def test_pool_takes_the_ticks_as_one_field_from_the_script(hr, org, round_1, departments):
    """static/js/compose.js sends ``people_ids`` so that 2,000 ticks stay one field."""
    people = _people(org, departments, 21)

    response = hr.post(_pool_url(org, round_1), {"people_ids": ",".join(str(p.pk) for p in people)})

    assert response["Location"] == _proposal_url(org, round_1)
    assert [sorted(g) for g in _stored(hr, round_1)["groups"]] == [sorted(p.pk for p in people)]


def test_pool_composes_43_people_into_22_and_21(hr, org, program, round_1, departments):
    people = _people(org, departments, 43)

    response = _compose(hr, org, round_1, people)
    proposal = hr.get(response["Location"])

    assert response["Location"] == _proposal_url(org, round_1)
    assert [len(g) for g in _stored(hr, round_1)["groups"]] == [22, 21]
    assert [g.size for g in proposal.context["page"].groups] == [22, 21]
    assert proposal.context["page"].warning_count == 0
    assert "Inga varningar" in _text(proposal)


def test_pool_of_38_explains_why_the_sizes_cannot_fit(hr, org, round_1, departments):
    _compose(hr, org, round_1, _people(org, departments, 38))

    proposal = hr.get(_proposal_url(org, round_1))

    assert proposal.context["page"].explanation == (
        "38 personer kan inte delas in i grupper om 20–25: 1 grupp rymmer högst 25 och "
        "2 grupper kräver minst 40."
    )
    assert proposal.context["page"].explanation in _text(proposal)


def test_pool_keeps_the_top_management_together_as_the_first_group(
    hr, org, program, round_1, departments
):
    top = _people(org, departments, 5, level=Level.MUNICIPAL_MANAGEMENT)
    ticked = PersonFactory(organisation=org, last_name="Kvist", department=departments["school"])
    rest = _people(org, departments, 40)

    _compose(
        hr, org, round_1, [*top, *rest],
        keep_levels=[Level.MUNICIPAL_MANAGEMENT], keep=[ticked.pk], keep_name="Kommunledningen",
    )  # fmt: skip
    proposal = hr.get(_proposal_url(org, round_1))

    stored = _stored(hr, round_1)
    assert sorted(stored["groups"][0]) == sorted(p.pk for p in [*top, ticked])
    assert (stored["kept"], stored["name"]) == (True, "Kommunledningen")
    assert [g.label for g in proposal.context["page"].groups] == [
        "Grupp 1: Kommunledningen",
        "Grupp 2",
        "Grupp 3",
    ]
    assert [g.size for g in proposal.context["page"].groups] == [6, 20, 20]


def test_pool_query_count_is_flat(hr, org, round_1, departments, queries):
    _people(org, departments, 3)

    queries.assert_flat(
        hr,
        _pool_url(org, round_1) + "?select=all",
        grow=lambda: _people(org, departments, 40),
    )


# --- The proposal -------------------------------------------------------------------------------


@pytest.fixture
def proposed(hr, org, round_1, departments):
    """50 people composed into two groups of 25."""
    people = _people(org, departments, 50)
    _compose(hr, org, round_1, people)
    return people


def test_proposal_without_one_says_how_to_start(hr, org, round_1):
    response = hr.get(_proposal_url(org, round_1))

    assert response.context["page"] is None
    assert "Det finns inget förslag för omgången än." in _text(response)


@pytest.mark.parametrize(
    ("people", "groups", "lead"),
    [
        (25, 1, "25 personer i 1 grupp."),
        (50, 2, "50 personer i 2 grupper."),
        (1, 1, "1 person i 1 grupp."),
    ],
)
def test_proposal_says_how_many_people_in_how_many_groups_in_singular_and_plural(
    hr, org, round_1, departments, people, groups, lead
):
    _compose(hr, org, round_1, _people(org, departments, people))

    page = html.parse(hr.get(_proposal_url(org, round_1)))

    assert len(_stored(hr, round_1)["groups"]) == groups
    assert page.texts("p.lead") == [f"{lead} Programmets grupper har 20–25 deltagare."]


def test_proposal_move_saves_and_shows_the_size_warning(hr, org, round_1, proposed):
    first, _second = _stored(hr, round_1)["groups"]

    response = hr.post(
        _proposal_url(org, round_1), {"action": "move", "move": [first[0]], "to_group": 2}
    )
    page = hr.get(_proposal_url(org, round_1))

    assert response["Location"] == _proposal_url(org, round_1)
    assert [len(g) for g in _stored(hr, round_1)["groups"]] == [24, 26]
    assert [g.warnings for g in page.context["page"].groups] == [
        [],
        ["För stor: 26 personer, högst 25."],
    ]
    assert "För stor: 26 personer, högst 25." in _text(page)


def test_proposal_move_with_htmx_answers_with_the_groups_and_the_warnings(
    hr, org, round_1, proposed
):
    first, _second = _stored(hr, round_1)["groups"]

    response = hr.post(
        _proposal_url(org, round_1),
        {"action": "move", "move": [first[0], first[1]], "to_group": 2},
        headers={"HX-Request": "true"},
    )

    text = _text(response)
    assert response.status_code == 200
    assert "<h1>" not in text
    assert 'id="proposal-summary" aria-labelledby="summary-title" hx-swap-oob="true"' in text
    assert "2 personer flyttades till Grupp 2, som nu har 27." in text
    assert "För liten: 23 personer, minst 20." not in text
    assert "För stor: 27 personer, högst 25." in text


def test_proposal_move_without_ticks_is_an_error(hr, org, round_1, proposed):
    plain = hr.post(_proposal_url(org, round_1), {"action": "move", "to_group": 2})
    htmx = hr.post(
        _proposal_url(org, round_1), {"action": "move", "to_group": 2},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    assert plain.status_code == 200
    assert plain.context["move_form"].errors == {"move": ["Markera de personer du vill flytta."]}
    assert 'href="#id_move_0"' in plain.content.decode()
    assert "Markera de personer du vill flytta." in _text(htmx)
    assert [len(g) for g in _stored(hr, round_1)["groups"]] == [25, 25]


def test_proposal_department_over_its_share_is_a_warning(hr, org, round_1, proposed, departments):
    """12 from Förskoleförvaltningen in 2 groups: a share of 6, and 7 passes; 9 is flagged."""
    groups = _stored(hr, round_1)["groups"]
    school = {p.pk for p in proposed if p.department == departments["school"]}
    moving = [pk for pk in groups[0] if pk in school][:3]
    back = [pk for pk in groups[1] if pk not in school][:3]

    hr.post(_proposal_url(org, round_1), {"action": "move", "move": moving, "to_group": 2})
    hr.post(_proposal_url(org, round_1), {"action": "move", "move": back, "to_group": 1})
    page = hr.get(_proposal_url(org, round_1)).context["page"]

    assert page.groups[1].warnings == [
        "Förskoleförvaltningen: 9 personer, fler än förvaltningens andel på 7."
    ]


def test_proposal_accept_creates_groups_and_places_once(hr, org, program, round_1, proposed):
    GroupFactory(round=RoundFactory(program=program, number=2), number=7)
    version = ProposalStore.version(_stored(hr, round_1))

    response = hr.post(_proposal_url(org, round_1), {"action": "accept", "version": version})
    again = hr.post(_proposal_url(org, round_1), {"action": "accept", "version": version})

    groups = list(Group.objects.filter(round=round_1).order_by("number"))
    assert [(g.number, g.enrollments.count()) for g in groups] == [(8, 25), (9, 25)]
    assert set(Enrollment.objects.filter(program=program).values_list("status", flat=True)) == {
        "planned"
    }
    assert response["Location"] == _url("program_overview", org=org.slug, program_id=program.pk)
    assert again["Location"] == _url("program_overview", org=org.slug, program_id=program.pk)
    assert _messages(hr.get(again["Location"])) == [
        "Omgång 1: 2 utvecklingsgrupper skapades, med 50 planerade deltagare.",
        "Omgångens grupper är redan skapade; inget lades till en gång till.",
    ]
    assert Enrollment.objects.filter(program=program).count() == 50


def test_proposal_accept_message_says_what_was_created(hr, org, program, round_1, proposed):
    version = ProposalStore.version(_stored(hr, round_1))

    response = hr.post(
        _proposal_url(org, round_1), {"action": "accept", "version": version}, follow=True
    )

    assert _messages(response) == [
        "Omgång 1: 2 utvecklingsgrupper skapades, med 50 planerade deltagare."
    ]
    assert ProposalStore.KEY in hr.session
    assert str(round_1.pk) not in hr.session[ProposalStore.KEY]


def test_proposal_accept_with_warnings_needs_a_tick(hr, org, program, round_1, proposed):
    first, _second = _stored(hr, round_1)["groups"]
    hr.post(_proposal_url(org, round_1), {"action": "move", "move": [first[0]], "to_group": 2})
    version = ProposalStore.version(_stored(hr, round_1))

    refused = hr.post(_proposal_url(org, round_1), {"action": "accept", "version": version})
    accepted = hr.post(
        _proposal_url(org, round_1),
        {"action": "accept", "version": version, "confirm_warnings": "on"},
        follow=True,
    )

    assert refused.status_code == 200
    assert refused.context["accept_form"].errors == {
        "confirm_warnings": [
            "Förslaget har varningar. Markera rutan för att godkänna det ändå, eller flytta "
            "personer först."
        ]
    }
    assert _messages(accepted) == [
        "Omgång 1: 2 utvecklingsgrupper skapades, med 50 planerade deltagare.",
        "Grupp 2 har 26 deltagare; programmets grupper ska ha 20–25.",
    ]
    assert sorted(g.enrollments.count() for g in Group.objects.filter(round=round_1)) == [24, 26]


def test_proposal_accept_of_a_stale_page_is_refused(hr, org, round_1, proposed):
    response = hr.post(_proposal_url(org, round_1), {"action": "accept", "version": "old"})

    assert response.context["accept_form"].non_field_errors() == [
        "Förslaget har ändrats sedan sidan visades (i ett annat fönster eller en annan flik). "
        "Kontrollera det och godkänn igen."
    ]
    assert Group.objects.filter(round=round_1).count() == 0


def test_proposal_drops_people_placed_meanwhile_and_says_so(hr, org, round_1, proposed):
    placed = proposed[0]
    EnrollmentFactory(group=GroupFactory(round=round_1, number=99), person=placed)

    response = hr.get(_proposal_url(org, round_1))

    assert _messages(response) == [
        f"{placed.full_name} finns inte längre i urvalet (har fått en plats i programmet eller "
        "är inte längre aktiv) och togs bort ur förslaget."
    ]
    assert sum(len(g) for g in _stored(hr, round_1)["groups"]) == 49


def test_proposal_compose_again_with_another_number_of_groups(hr, org, round_1, proposed):
    response = hr.post(_proposal_url(org, round_1), {"action": "recompose", "n_groups": 3})
    refused = hr.post(_proposal_url(org, round_1), {"action": "recompose", "n_groups": 51})

    assert response.status_code == 302
    assert [len(g) for g in _stored(hr, round_1)["groups"]] == [17, 17, 16]
    assert refused.context["recompose_form"].errors == {
        "n_groups": ["Välj mellan 1 och 50 grupper."]
    }


def test_proposal_discard_forgets_it(hr, org, round_1, proposed):
    response = hr.post(_proposal_url(org, round_1), {"action": "discard"})

    assert response["Location"] == _pool_url(org, round_1)
    assert str(round_1.pk) not in hr.session[ProposalStore.KEY]
    assert Group.objects.count() == 0


def test_proposal_page_query_count_is_flat(hr, org, round_1, departments, queries):
    def compose(count):
        _compose(hr, org, round_1, _people(org, departments, count))

    compose(25)

    queries.assert_flat(hr, _proposal_url(org, round_1), grow=lambda: compose(100))


# --- Intake -------------------------------------------------------------------------------------


@pytest.fixture
def next_round(program):
    """A round that has not started, with two groups of 24 and 20."""
    round_ = RoundFactory(
        program=program,
        number=2,
        starts_on=TODAY + dt.timedelta(days=30),
        ends_on=TODAY + dt.timedelta(days=200),
    )
    for number, size in ((5, 24), (6, 20)):
        group = GroupFactory(round=round_, number=number)
        for _ in range(size):
            EnrollmentFactory(group=group, status=Enrollment.Status.PLANNED)
    return round_


def test_intake_lists_late_appointments_first_then_the_rest(hr, org, program, next_round):
    PersonFactory(organisation=org, last_name="Ask", manager_since=dt.date(2010, 1, 1))
    PersonFactory(organisation=org, last_name="Berg", manager_since=None)
    PersonFactory(organisation=org, last_name="Ceder", manager_since=dt.date(2016, 5, 1))
    PersonFactory(organisation=org, last_name="Dahl", manager_since=dt.date(2015, 9, 1))
    PersonFactory(organisation=org, last_name="Ek", manager_since=dt.date(2016, 1, 1), active=False)

    response = hr.get(_url("intake", org=org.slug, program_id=program.pk))

    rows = [(p.last_name, p.appointed_late) for p, _d in response.context["rows"]]
    assert rows == [("Dahl", True), ("Ceder", True), ("Ask", False), ("Berg", False)]
    assert response.context["default_group"] == Group.objects.get(number=6).pk
    assert "Grupp 6 · 20 av 25" in _text(response)


def test_intake_add_places_the_manager_and_a_double_submit_is_harmless(
    hr, org, program, next_round
):
    person = PersonFactory(organisation=org, first_name="Åsa", last_name="Öberg")
    group = Group.objects.get(number=6)
    url = _url("intake_add", org=org.slug, program_id=program.pk)

    first = hr.post(url, {"person": person.pk, "group": group.pk, "page": 2}, follow=True)
    second = hr.post(url, {"person": person.pk, "group": group.pk}, follow=True)

    enrollment = Enrollment.objects.get(person=person)
    assert (enrollment.group, enrollment.status) == (group, Enrollment.Status.PLANNED)
    assert first.redirect_chain[0][0] == _url("intake", org=org.slug, program_id=program.pk) + (
        "?page=2"
    )
    assert _messages(first) == ["Åsa Öberg lades till i Grupp 6 (Omgång 2)."]
    assert _messages(second) == ["Åsa Öberg finns redan i Grupp 6; inget ändrades."]


def test_intake_add_over_the_bounds_warns(hr, org, program, next_round):
    person = PersonFactory(organisation=org, first_name="Åsa", last_name="Öberg")
    group = Group.objects.get(number=5)
    EnrollmentFactory(group=group, status=Enrollment.Status.PLANNED)

    response = hr.post(
        _url("intake_add", org=org.slug, program_id=program.pk),
        {"person": person.pk, "group": group.pk},
        follow=True,
    )

    assert _messages(response) == [
        "Åsa Öberg lades till i Grupp 5 (Omgång 2).",
        "Grupp 5 har 26 deltagare; programmets grupper ska ha 20–25.",
    ]


def test_intake_add_of_someone_placed_elsewhere_is_refused(hr, org, program, round_1, next_round):
    person = PersonFactory(organisation=org, first_name="Åsa", last_name="Öberg")
    EnrollmentFactory(group=GroupFactory(round=round_1, number=1), person=person)

    response = hr.post(
        _url("intake_add", org=org.slug, program_id=program.pk),
        {"person": person.pk, "group": Group.objects.get(number=6).pk},
        follow=True,
    )

    assert _messages(response) == ["Åsa Öberg har redan en plats i Grupp 1 (Omgång 1)."]
    assert Enrollment.objects.filter(person=person).count() == 1


def test_intake_add_with_a_group_of_another_organisation_is_refused(
    hr, org, other_org, program, next_round
):
    person = PersonFactory(organisation=org)
    foreign = GroupFactory(round__program=ProgramFactory(organisation=other_org))

    response = hr.post(
        _url("intake_add", org=org.slug, program_id=program.pk),
        {"person": person.pk, "group": foreign.pk},
        follow=True,
    )

    assert _messages(response) == ["Chefen eller gruppen hittades inte. Ladda om listan."]
    assert Enrollment.objects.filter(person=person).exists() is False


def test_intake_without_an_upcoming_round_says_so(hr, org, program, round_1):
    PersonFactory(organisation=org)

    response = hr.get(_url("intake", org=org.slug, program_id=program.pk))

    assert response.context["next_round"] is None
    assert "Det finns ingen kommande omgång att lägga till chefer i." in _text(response)


def test_intake_is_paginated_by_50(hr, org, program):
    PersonFactory.create_batch(51, organisation=org)

    response = hr.get(_url("intake", org=org.slug, program_id=program.pk))

    assert len(response.context["rows"]) == 50
    assert "Sida 1 av 2" in _text(response)


def test_intake_query_count_is_flat(hr, org, program, next_round, departments, queries):
    _people(org, departments, 2, manager_since=dt.date(2016, 1, 1))

    def grow():
        _people(org, departments, 30, manager_since=dt.date(2016, 1, 1))
        extra = GroupFactory(round=next_round, number=7)
        EnrollmentFactory.create_batch(3, group=extra)

    queries.assert_flat(hr, _url("intake", org=org.slug, program_id=program.pk), grow=grow)


# --- Moving a participant ----------------------------------------------------------------------


def test_group_move_moves_with_history_and_a_double_submit_is_harmless(hr, org, program, round_1):
    source = GroupFactory(round=round_1, number=1)
    target = GroupFactory(round=round_1, number=2)
    enrollment = EnrollmentFactory(
        group=source, person__first_name="Åsa", person__last_name="Öberg"
    )
    url = _url("group_move", org=org.slug, group_id=source.pk)
    data = {"enrollment": enrollment.pk, "to_group": target.pk}

    first = hr.post(url, data, follow=True)
    second = hr.post(url, data, follow=True)

    enrollment.refresh_from_db()
    new = Enrollment.objects.get(moved_from=enrollment)
    assert (enrollment.status, new.group, new.status) == ("moved", target, "active")
    assert first.redirect_chain[-1][0] == _url("group_detail", org=org.slug, group_id=source.pk)
    assert _messages(first)[0] == "Åsa Öberg flyttades från Grupp 1 till Grupp 2."
    assert _messages(second) == ["Åsa Öberg hade redan flyttats till Grupp 2; inget ändrades."]
    assert Enrollment.objects.filter(person=enrollment.person).count() == 2


def test_group_move_without_choices_is_an_error(hr, org, round_1):
    source = GroupFactory(round=round_1, number=1)
    GroupFactory(round=round_1, number=2)
    EnrollmentFactory(group=source)

    response = hr.post(_url("group_move", org=org.slug, group_id=source.pk), {})

    assert response.context["form"].errors == {
        "enrollment": ["Välj deltagaren som ska flyttas."],
        "to_group": ["Välj gruppen de ska flyttas till."],
    }


def test_group_move_lists_only_the_programs_other_groups(hr, org, program, round_1):
    source = GroupFactory(round=round_1, number=1)
    other = GroupFactory(round=RoundFactory(program=program, number=2), number=2)
    GroupFactory(round__program=ProgramFactory(organisation=org))
    EnrollmentFactory(group=source)

    response = hr.get(_url("group_move", org=org.slug, group_id=source.pk))

    assert response.context["form"].fields["to_group"].choices == [
        ("", "Välj en grupp"),
        ("Omgång 2", [(other.pk, "Grupp 2 · 0 deltagare")]),
    ]


def test_group_move_page_links_from_the_group_and_program_pages(hr, org, program, round_1):
    group = GroupFactory(round=round_1, number=1)

    group_page = hr.get(_url("group_detail", org=org.slug, group_id=group.pk)).content.decode()
    overview = hr.get(_url("program_overview", org=org.slug, program_id=program.pk))

    assert _url("group_move", org=org.slug, group_id=group.pk) in group_page
    assert _url("round_create", org=org.slug, program_id=program.pk) in overview.content.decode()
    assert _url("intake", org=org.slug, program_id=program.pk) in overview.content.decode()
    assert _pool_url(org, round_1) in overview.content.decode()
