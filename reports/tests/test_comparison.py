"""The comparison between organisations: taking part, hiding below five, the figures shown.

Organisations with results are built with factories: one program with the four
SVC modules, one group, sessions held in 2015 (their windows long closed),
attendance, completions and rating counters (one scale question per module).
"""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.html import parse
from evaluations.models import (
    Completion,
    EvaluationForm,
    FormVersion,
    Question,
    RatingCounter,
)
from participants.models import Role
from participants.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)
from reports.comparison import selectors, services
from reports.models import ComparisonOptIn
from reports.selectors import program_figures

pytestmark = pytest.mark.django_db

MODULES = ("Del av en helhet", "Klar ledare", "Säker chef", "Initiativrik utvecklare")
HELD = timezone.make_aware(dt.datetime(2015, 3, 2, 9, 0))
JOINED = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def organisation_with_results(
    slug: str,
    *,
    ratings: dict[int, list[int]] | list[int],
    attendees: int | None = None,
    take_part: bool = True,
):
    """An organisation whose program's module ``order`` was rated ``ratings[order]``, one
    rating per respondent (one list: every module alike); the other attendees did not answer."""
    if not isinstance(ratings, dict):
        ratings = {order: list(ratings) for order in range(1, 5)}
    organisation = OrganisationFactory(name=f"Kommun {slug}", slug=slug)
    program = ProgramFactory(organisation=organisation, name=f"Chefsprogram {slug}")
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=1)
    size = attendees or max(len(values) for values in ratings.values())
    enrollments = [EnrollmentFactory(group=group) for _ in range(size)]
    for order, name in enumerate(MODULES, start=1):
        module = ModuleFactory(program=program, order=order, name=name)
        starts_at = HELD + dt.timedelta(days=30 * (order - 1))
        session = SessionFactory(
            group=group,
            module=module,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=8),
            process_leader=None,
        )
        for enrollment in enrollments:
            AttendanceFactory(session=session, enrollment=enrollment)
        values = ratings.get(order, [])
        for enrollment in enrollments[: len(values)]:
            Completion.objects.create(enrollment=enrollment, session=session)
        version = FormVersion.objects.create(
            form=EvaluationForm.objects.create(module=module), number=1
        )
        question = Question.objects.create(version=version, order=1, text="Helheten")
        for value in sorted(set(values)):
            RatingCounter.objects.create(
                question=question, session=session, value=value, count=values.count(value)
            )
    if take_part:
        ComparisonOptIn.objects.create(organisation=organisation, opted_in_at=timezone.now())
    return organisation, program


def member(organisation, role, email):
    user = UserFactory(email=email)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _ratings(mean: float) -> list[int]:
    """Ten whole ratings whose mean is the given one (to a tenth): 4.2 is 5, 5 and eight 4s."""
    total = round(mean * 10)
    low, high = divmod(total, 10)
    return [low + 1] * high + [low] * (10 - high)


def known_organisations(means=(4.0, 4.2, 4.4, 5.0, 5.4), *, prefix="jmf"):
    return [
        organisation_with_results(f"{prefix}-{i}", ratings=_ratings(value))
        for i, value in enumerate(means, start=1)
    ]


def _page(client, organisation, program):
    return client.get(
        reverse("reports:comparison", kwargs={"org": organisation.slug, "program_id": program.pk})
    )


def _table(page, key) -> list[list[str]]:
    return page.rows(f"comparison-{key}")


def _state(page) -> str:
    return " ".join(page.texts("[data-testid=comparison-state]")[0].split())


# --- The acceptance: hidden with four, shown with five ---------------------------------


def test_comparison_hides_with_four_contributing_organisations_and_shows_with_five(client):
    orgs = known_organisations((4.0, 4.2, 4.4, 5.0))
    own, program = orgs[0]
    client.force_login(member(own, Role.HR, "hr@jmf-1.test"))

    hidden = parse(_page(client, own, program))

    assert _state(hidden) == (
        "4 organisationer ger siffror till jämförelsen hittills. Jämförelsen visas från "
        "5 organisationer, så att den inte kan avslöja en organisations siffror."
    )
    assert hidden.select("table[id^=comparison-]") == []

    organisation_with_results("jmf-5", ratings=_ratings(5.4))
    shown = parse(_page(client, own, program))

    assert _state(shown) == "5 organisationer ger siffror till jämförelsen."
    assert _table(shown, "means") == [
        ["Modul", "Ert medelvärde", "Mitten", "Organisationer"],
        ["1. Del av en helhet", "4,0", "4,5", "5"],
        ["2. Klar ledare", "4,0", "4,5", "5"],
        ["3. Säker chef", "4,0", "4,5", "5"],
        ["4. Initiativrik utvecklare", "4,0", "4,5", "5"],
        ["Hela programmet", "4,0", "4,5", "5"],
    ]
    assert _table(shown, "rates")[1] == ["1. Del av en helhet", "100,0\u00a0%", "100\u00a0%", "5"]


def test_leaving_removes_the_organisation_from_the_comparison_at_once(client):
    orgs = known_organisations((4.0, 4.2, 4.4, 5.0, 5.4, 5.8))
    own, program = orgs[0]
    viewer = member(own, Role.HR, "hr@jmf-1.test")
    leaving, _program = orgs[5]
    client.force_login(viewer)
    before = parse(_page(client, own, program))  # the day's figures are now in the cache
    # Six: the middle is the mean of the middle four (4.2, 4.4, 5.0, 5.4).
    assert _table(before, "means")[1] == ["1. Del av en helhet", "4,0", "4,8", "6"]

    client.force_login(member(leaving, Role.HR, "hr@jmf-6.test"))
    response = client.post(
        reverse("reports:comparison_settings", kwargs={"org": leaving.slug}), {}, follow=True
    )
    assert parse(response).texts(".alert") == [
        "Sparat. Er organisation deltar inte längre: dess siffror har lämnat jämförelsen, "
        "och den ser inte heller jämförelsen."
    ]
    assert not ComparisonOptIn.objects.filter(organisation=leaving).exists()

    client.force_login(viewer)
    after = parse(_page(client, own, program))

    assert _state(after) == "5 organisationer ger siffror till jämförelsen."
    assert _table(after, "means")[1] == ["1. Del av en helhet", "4,0", "4,5", "5"]

    ComparisonOptIn.objects.filter(organisation=orgs[4][0]).delete()
    assert _state(parse(_page(client, own, program))).startswith("4 organisationer ger siffror")


@pytest.mark.parametrize(
    ("role", "says"),
    [
        (Role.HR, "Läs vad som delas, och delta"),
        (Role.STEERING, "HR bestämmer om organisationen deltar."),
    ],
)
def test_an_organisation_that_does_not_take_part_sees_no_comparison(client, role, says):
    known_organisations()
    own, program = organisation_with_results("utanfor", ratings=_ratings(3.0), take_part=False)
    client.force_login(member(own, role, "utanfor@jmf.test"))

    page = parse(_page(client, own, program))

    assert _state(page) == (
        "Er organisation deltar inte i jämförelsen mellan organisationer och ser därför "
        "ingen jämförelse."
    )
    assert page.select("table[id^=comparison-]") == []
    assert says in page.text()
    assert selectors.comparison_for(program=program).rows == []


def test_nine_organisations_show_the_middle_and_the_quarters_each_a_mean_of_three(client):
    """Sorted means 3.0 3.4 3.8 | 4.0 4.2 4.4 | 4.6 5.0 5.6: the quarters and the middle are
    the means of three disjoint runs (3.4, 4.2, 5.07); the lowest and highest never show."""
    orgs = known_organisations((4.4, 3.0, 5.6, 4.0, 3.8, 5.0, 4.2, 3.4, 4.6))
    own, program = orgs[0]
    client.force_login(member(own, Role.STEERING, "styrgrupp@jmf-1.test"))

    page = parse(_page(client, own, program))

    assert _table(page, "means")[:2] == [
        [
            "Modul",
            "Ert medelvärde",
            "Nedre kvartsdel",
            "Mitten",
            "Övre kvartsdel",
            "Organisationer",
        ],
        ["1. Del av en helhet", "4,4", "3,4", "4,2", "5,1", "9"],
    ]
    text = page.text()
    assert "3,0" not in text and "5,6" not in text


def test_a_module_under_k_is_neither_shown_nor_contributed(client):
    """Jmf-5's module 4 was answered by four (under k). Its results page hides it, and module 1
    with it (complementary suppression: the program's mean would give module 4's away); the
    comparison shows neither for jmf-5, counts neither, and still counts their response rates."""
    orgs = known_organisations((4.0, 4.2, 4.4, 5.0))
    own, program = organisation_with_results(
        "jmf-5", ratings={1: _ratings(5.4), 2: _ratings(5.4), 3: _ratings(5.4), 4: [5, 5, 6, 6]}
    )
    client.force_login(member(own, Role.HR, "hr@jmf-5.test"))

    page = parse(_page(client, own, program))

    assert _table(page, "means")[1:] == [
        ["1. Del av en helhet", "–", "Visas från 5 organisationer", "4"],
        ["2. Klar ledare", "5,4", "4,5", "5"],
        ["3. Säker chef", "5,4", "4,5", "5"],
        ["4. Initiativrik utvecklare", "–", "Visas från 5 organisationer", "4"],
        ["Hela programmet", "5,4", "4,5", "5"],
    ]
    rate = ["4. Initiativrik utvecklare", "40,0\u00a0%", "100\u00a0%", "5"]
    assert _table(page, "rates")[4] == rate
    assert len(orgs) == 4


def test_the_whole_program_is_the_dashboards_mean_and_response_rate():
    known_organisations((4.0, 4.2, 4.4, 5.0))
    _own, program = organisation_with_results("jmf-5", ratings=[5, 5, 5, 6, 6, 6], attendees=8)

    comparison = selectors.comparison_for(program=program)
    dashboard = program_figures(program=program)["evaluations"]

    whole = comparison.rows[-1]
    assert (whole.label, whole.own_mean, whole.own_rate) == (
        "Hela programmet",
        Decimal("5.50"),
        Decimal("75.0"),
    )
    assert (float(whole.own_mean), float(whole.own_rate) / 100) == (
        dashboard["mean"],
        dashboard["response_rate"],
    )


def test_the_page_links_the_organisations_other_programs(client):
    known_organisations()
    own, program = organisation_with_results("eget", ratings=_ratings(4.0))
    other = ProgramFactory(organisation=own, name="Chefsprogram 2019")
    client.force_login(member(own, Role.HR, "hr@eget.test"))

    page = parse(_page(client, own, program))

    link = reverse("reports:comparison", kwargs={"org": own.slug, "program_id": other.pk})
    assert page.texts(f"a[href={link}]") == ["Chefsprogram 2019"]


# --- Taking part: HR's choice -------------------------------------------------------


def _settings_url(organisation):
    return reverse("reports:comparison_settings", kwargs={"org": organisation.slug})


def test_hr_takes_part_and_the_choice_is_stored_with_who_and_when(client, org, hr_user):
    client.force_login(hr_user)
    with mock.patch("django.utils.timezone.now", return_value=JOINED):
        response = client.post(_settings_url(org), {"take_part": "on"}, follow=True)

    opt_in = ComparisonOptIn.objects.get(organisation=org)
    assert (opt_in.opted_in_at, opt_in.opted_in_by) == (JOINED, hr_user)
    page = parse(response)
    assert page.texts(".alert") == [
        "Sparat. Er organisation deltar: dess medelvärden per modul och svarsfrekvenser "
        "räknas nu med i jämförelsen, utan dess namn."
    ]
    assert _state(page) == "Nu: er organisation deltar sedan 4 maj 2026."


def test_the_settings_page_says_what_is_shared_and_that_it_is_off_by_default(client, org, hr_user):
    client.force_login(hr_user)

    page = parse(client.get(_settings_url(org)))

    assert _state(page) == "Nu: er organisation deltar inte (standard)."
    assert page.texts("#comparison-what-is-shared li")[0] == (
        "Bara er organisations medelvärden per modul (frågorna på skalan 1–6) och "
        "svarsfrekvenser. De ingår i en anonym fördelning tillsammans med de andra "
        "organisationernas siffror, utan er organisations namn."
    )
    assert page.one("#id_take_part").get("checked") is None


def test_an_empty_post_changes_nothing_for_an_organisation_that_does_not_take_part(
    client, org, hr_user
):
    client.force_login(hr_user)

    response = client.post(_settings_url(org), {}, follow=True)

    assert parse(response).texts(".alert") == ["Inget ändrades."]
    assert ComparisonOptIn.objects.count() == 0


def test_joining_twice_keeps_the_first_date(org, hr_user):
    first, created = services.comparison_join(organisation=org, by=hr_user)
    again, created_again = services.comparison_join(organisation=org, by=hr_user)

    assert (created, created_again, again.pk, again.opted_in_at) == (
        True,
        False,
        first.pk,
        first.opted_in_at,
    )
    assert services.comparison_leave(organisation=org) is True
    assert services.comparison_leave(organisation=org) is False


# --- Cost: a fixed number of queries whatever the number of organisations ----------


def test_the_comparison_page_takes_as_many_queries_for_five_organisations_as_for_eight(
    client, queries
):
    orgs = known_organisations()
    own, program = orgs[0]
    client.force_login(member(own, Role.HR, "hr@jmf-1.test"))
    url = reverse("reports:comparison", kwargs={"org": own.slug, "program_id": program.pk})

    def grow():
        # Three more join: the day's figures are worked out again, for eight.
        known_organisations((3.0, 3.5, 5.9), prefix="fler")

    response = queries.assert_flat(client, url, grow=grow, min_queries=20)

    assert _state(parse(response)) == "8 organisationer ger siffror till jämförelsen."


def test_the_contributions_take_thirteen_queries_whatever_the_number_of_organisations(
    django_assert_num_queries,
):
    from programs.models import Program
    from reports.comparison.contributions import organisation_contributions

    known_organisations()
    with django_assert_num_queries(13):
        small = organisation_contributions(programs=Program.objects.all())
    known_organisations((3.0, 3.5, 5.9, 4.1, 4.9), prefix="fler")
    with django_assert_num_queries(13):
        large = organisation_contributions(programs=Program.objects.all())

    assert (len(small), len(large)) == (5, 10)
