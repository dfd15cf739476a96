"""The console's overview of every organisation, and one organisation's page: what they say,
what they never say (agreement texts, free-text answers, figures under k), their cost."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from console.selectors import organisations_page
from core.tests.html import parse, text
from evaluations.results import program_results
from evaluations.tests.factories import (
    answer_all,
    close_window,
    make_group,
    make_program,
    publish_texts,
)
from participants.models import Role
from participants.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from programs.models import Agreement, Module
from programs.tests.factories import AgreementFactory, SessionFactory
from reports.tests.factories import StatusReportFactory

pytestmark = pytest.mark.django_db

HOME = reverse("console:home")
AGREEMENT_TEXT = "HEMLIG-ÖVERENSKOMMELSE om mitt team"
FREE_TEXT = "HEMLIG-FRITEXT om processledaren"
COMMENT = "HEMLIG-KOMMENTAR till frågan"
REPORT_SUMMARY = "HEMLIG-SAMMANFATTNING för styrgruppen"


def _detail(organisation) -> str:
    return reverse("console:organisation_detail", kwargs={"slug": organisation.slug})


def _running_program(organisation, *, group_name="Gruppen Ek"):
    """A program with one group of six: module 1 answered by 6, module 2 by 5, module 3 by 3
    (windows closed, free texts published), module 4 ten days ahead; agreements with texts,
    two open and one agreed; two status reports."""
    program = make_program(organisation)
    today = timezone.localdate()
    program.starts_on = today - dt.timedelta(days=90)
    program.ends_on = today + dt.timedelta(days=90)
    program.save()
    setup = make_group(program=program, size=6, modules=(1, 2, 3), name=group_name)
    answer_all(setup, 1, 6, value=5, comment=COMMENT, text=FREE_TEXT)
    answer_all(setup, 2, 5, value=3, text=FREE_TEXT)
    answer_all(setup, 3, 3, value=2, text=FREE_TEXT)
    close_window(*setup.sessions.values())
    for session in setup.sessions.values():
        publish_texts(session)
    starts = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=10), dt.time(9)))
    SessionFactory(
        group=setup.group,
        module=Module.objects.get(program=program, order=4),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8),
        process_leader=None,
    )
    for enrollment, status in zip(
        setup.enrollments, ["draft", "submitted", "agreed"], strict=False
    ):
        AgreementFactory(
            enrollment=enrollment,
            status=status,
            texts={"develop": AGREEMENT_TEXT},
            agreed_at=timezone.now() if status == "agreed" else None,
        )
    StatusReportFactory(program=program, number=1, summary=REPORT_SUMMARY)
    StatusReportFactory(
        program=program,
        number=2,
        summary=REPORT_SUMMARY,
        created_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10)),
        ready=True,
    )
    return program, setup, starts


@pytest.fixture
def orebro(org):
    MembershipFactory(user=UserFactory(email="hr@orebro.test"), organisation=org, role=Role.HR)
    return org


def test_the_overview_lists_every_organisation_with_its_programs_in_figures(
    client, operator, orebro, other_org
):
    program, _setup, starts = _running_program(orebro)
    client.force_login(operator)

    response = client.get(HOME)

    page = parse(response)
    assert page.text("h1") == "Plattformskonsol"
    assert page.text("#organisation-count") == "2 organisationer."
    assert page.texts("section[data-organisation] h2") == ["Region Västmanland", "Örebro kommun"]
    assert page.texts("[data-hr-count]") == ["0 HR-samordnare", "1 HR-samordnare"]
    row = page.one(f"tr[data-program='{program.pk}']")
    cells = {cell.get("data-cell"): text(cell) for cell in row if cell.get("data-cell")}
    assert cells == {
        "state": "Pågår",
        "rounds": "1",
        "groups": "1",
        "participants": "6",
        "next-sessions": f"{starts:%Y-%m-%d} · 4. Initiativrik utvecklare · Omgång 1, Gruppen Ek",
        "modules": "1. Del av en helhet: 100,0 % 2. Klar ledare: 83,3 % "
        "3. Säker chef: 50,0 % 4. Initiativrik utvecklare: –",
        "open-agreements": "2",
        "latest-report": "Nr 2, 2026-11-30 (Klar)",
    }
    assert "Inga program än." in page.texts("section[data-organisation=vastmanland] p")


def test_the_console_shows_no_agreement_text_free_text_or_mean_under_k(client, operator, orebro):
    program, _setup, _starts = _running_program(orebro)
    # Surnames no one else in the data has: a factory name may be the HR coordinator's too.
    for number, enrollment in enumerate(_setup.enrollments):
        enrollment.person.last_name = f"Deltagarsson{number}"
        enrollment.person.save(update_fields=["last_name"])
    client.force_login(operator)

    pages = [client.get(HOME), client.get(_detail(orebro))]

    for response in pages:
        content = response.content.decode()
        for secret in (AGREEMENT_TEXT, FREE_TEXT, COMMENT, REPORT_SUMMARY, "HEMLIG"):
            assert secret not in content
        # No person who takes part: the six managers' names are not on the page.
        for enrollment in _setup.enrollments:
            assert enrollment.person.last_name not in content
    row = parse(pages[1]).one(f"tr[data-program='{program.pk}'] td[data-cell=modules]")
    assert text(row) == (
        "1. Del av en helhet: 100,0 %; medelvärde 5,0 "
        "2. Klar ledare: 83,3 %; medelvärde skyddat "
        "3. Säker chef: 50,0 %; medelvärde färre än 5 "
        "4. Initiativrik utvecklare: –; medelvärde –"
    )


def test_the_overview_response_rates_are_the_results_pages_rates(orebro):
    program, _setup, _starts = _running_program(orebro)

    summary = organisations_page().object_list[0].programs[0]

    results = program_results(program=program)
    assert [m.response_rate for m in summary.modules] == [
        row.total.response_rate for row in results.module_rows
    ]
    assert [(m.answers, m.attendances) for m in summary.modules] == [
        (row.total.answers, row.total.attendances) for row in results.module_rows
    ]


def test_the_overview_costs_the_same_queries_with_more_organisations(
    client, operator, orebro, queries
):
    _running_program(orebro)
    client.force_login(operator)

    def grow():
        for n in range(4):
            organisation = OrganisationFactory(name=f"Kommun {n:02}", slug=f"kommun-{n:02}")
            MembershipFactory(organisation=organisation, role=Role.HR)
            _running_program(organisation, group_name=f"Grupp {n}")

    response = queries.assert_flat(client, HOME, grow=grow)

    assert parse(response).text("#organisation-count") == "5 organisationer."


def test_the_organisation_page_costs_the_same_queries_with_more_groups_and_answers(
    client, operator, orebro, queries
):
    program, _setup, _starts = _running_program(orebro)
    client.force_login(operator)

    def grow():
        for number in (2, 3):
            setup = make_group(program=program, round_number=number, size=7, modules=(1, 2))
            answer_all(setup, 1, 7, text=FREE_TEXT)
            close_window(*setup.sessions.values())
            AgreementFactory(enrollment=setup.enrollments[0], texts={"develop": AGREEMENT_TEXT})

    queries.assert_flat(client, _detail(orebro), grow=grow)


def test_the_overview_is_searched_by_name_and_paged_by_twenty(client, operator, orebro):
    for n in range(20):
        OrganisationFactory(name=f"Syntetisk kommun {n:02}", slug=f"syntetisk-{n:02}")
    client.force_login(operator)

    first = parse(client.get(HOME))
    second = parse(client.get(HOME, {"page": 2}))
    found = parse(client.get(HOME, {"q": "ÖREBRO"}))

    assert first.text("#organisation-count") == "21 organisationer."
    assert len(first.select("section[data-organisation]")) == 20
    assert second.texts("section[data-organisation] h2") == ["Örebro kommun"]
    assert found.text("#organisation-count") == "1 organisation matchar ”ÖREBRO”."
    assert found.texts("section[data-organisation] h2") == ["Örebro kommun"]


def test_open_agreements_are_those_not_agreed(orebro):
    program, setup, _starts = _running_program(orebro)
    Agreement.objects.filter(enrollment=setup.enrollments[0]).update(status="returned")

    summary = organisations_page().object_list[0].programs[0]

    assert summary.open_agreements == 2
    assert summary.program == program


def test_an_unknown_organisation_is_404_for_the_operator(client, operator):
    client.force_login(operator)

    response = client.get(reverse("console:organisation_detail", kwargs={"slug": "finns-inte"}))

    assert response.status_code == 404


def _participants_cell(client, program) -> str:
    page = parse(client.get(HOME))
    return text(page.one(f"tr[data-program='{program.pk}'] [data-cell=participants]"))


def test_the_overview_figures_are_at_most_a_minute_old(client, operator, orebro, monkeypatch):
    program, setup, _starts = _running_program(orebro)
    client.force_login(operator)
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 15, 5))
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert _participants_cell(client, program) == "6"
    setup.enrollments[0].delete()

    # Within the same minute the page is the one computed at 10:15:05 ...
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 15, 59))
    page = parse(client.get(HOME))
    assert text(page.one(f"tr[data-program='{program.pk}'] [data-cell=participants]")) == "6"
    assert page.text("#overview-as-of") == (
        "Siffrorna gäller kl. 10:15. De uppdateras varje minut."
    )

    # ... and the next minute's is computed anew.
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 16))
    assert _participants_cell(client, program) == "5"


def test_a_new_organisation_or_program_shows_at_once(client, operator, orebro):
    client.force_login(operator)
    assert parse(client.get(HOME)).text("#organisation-count") == "1 organisation."

    OrganisationFactory(name="Lindesbergs kommun", slug="lindesberg")
    page = parse(client.get(HOME))
    assert page.text("#organisation-count") == "2 organisationer."
    assert page.texts("section[data-organisation] h2") == ["Lindesbergs kommun", "Örebro kommun"]

    program = make_program(orebro)
    heading = parse(client.get(HOME)).text(f"tr[data-program='{program.pk}'] th")
    assert heading.startswith(program.name)


def test_the_overview_is_cached_per_language_and_search(client, operator, orebro, other_org):
    client.force_login(operator)
    assert parse(client.get(HOME, {"q": "Örebro"})).texts("section[data-organisation] h2") == [
        "Örebro kommun"
    ]
    assert parse(client.get(HOME)).texts("section[data-organisation] h2") == [
        "Region Västmanland",
        "Örebro kommun",
    ]
    operator.language = "en"
    operator.save(update_fields=["language"])
    english = parse(client.get(HOME))
    assert "No programs yet." in english.texts("section[data-organisation=vastmanland] p")


def test_a_page_number_out_of_range_does_not_stand_in_for_the_first_page(client, operator):
    for n in range(21):
        OrganisationFactory(name=f"Kommun {n:02}", slug=f"kommun-{n:02}")
    client.force_login(operator)

    last = parse(client.get(HOME, {"page": "-1"})).texts("section[data-organisation] h2")
    first = parse(client.get(HOME, {"page": "1"})).texts("section[data-organisation] h2")

    assert last == ["Kommun 20"]
    assert first[:2] == ["Kommun 00", "Kommun 01"]
    assert len(first) == 20
