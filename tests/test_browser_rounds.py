"""In Chromium, with axe on every page and state: compose a round's pool, move a person and see
the warning (htmx), accept and see the groups; move a participant; the intake; a new round."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from participants.tests.factories import DepartmentFactory, PersonFactory
from programs.models import Enrollment, Group
from programs.tests.factories import EnrollmentFactory, GroupFactory, ProgramFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
DEPARTMENTS = [
    "Socialförvaltningen",
    "Tekniska förvaltningen",
    "Förskoleförvaltningen",
    "Kultur- och fritidsförvaltningen",
]


@pytest.fixture
def program(org):
    return ProgramFactory(
        organisation=org,
        name="Sveriges viktigaste chefsjobb",
        starts_on=dt.date(2015, 1, 1),
        ends_on=TODAY + dt.timedelta(days=900),
    )


@pytest.fixture
def pool(org, program):
    """Round 1 and 50 managers from four departments, none of them in the program."""
    round_1 = RoundFactory(program=program, number=1, starts_on=dt.date(2015, 2, 2))
    departments = [DepartmentFactory(organisation=org, name=name) for name in DEPARTMENTS]
    people = [
        PersonFactory(organisation=org, department=departments[i % 4], last_name=f"Ek{i:02d}")
        for i in range(50)
    ]
    return {"round": round_1, "people": people}


def test_hr_composes_a_round_moves_a_person_and_accepts(
    page, live_server, axe, login_as, hr_user, org, program, pool
):
    round_1 = pool["round"]
    login_as(page, hr_user)
    page.goto(
        live_server.url
        + reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})
    )
    axe(page, context="program overview with the rounds actions")

    page.get_by_role("link", name="Välj deltagare till Omgång 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj deltagare till Omgång 1")
    expect(page.locator("#pool tbody tr")).to_have_count(50)
    axe(page, context="pool")

    page.get_by_role("button", name="Sätt samman grupper").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Välj minst en chef till omgången: markera dem i listan.")
    axe(page, context="pool: no one selected")

    page.get_by_role("link", name="Markera alla som visas").click()
    expect(page.locator("#pool input[name=people]:checked")).to_have_count(50)
    page.get_by_role("button", name="Sätt samman grupper").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Förslag till Omgång 1")
    rows = page.locator("#proposal-summary-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("25")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("25")
    expect(page.locator("#proposal-summary")).to_contain_text("Inga varningar")
    axe(page, context="proposal")

    # htmx: the page is not reloaded, so a marker set now survives the move.
    page.evaluate("window.beforeMove = true")
    page.locator("#proposal-groups input[name=move]").first.check()
    page.get_by_label("Flytta de markerade till").select_option(label="Grupp 2")
    page.get_by_role("button", name="Flytta", exact=True).click()

    status = page.get_by_role("status").filter(has_text="flyttades")
    expect(status).to_contain_text("1 person flyttades till Grupp 2, som nu har 26.")
    expect(rows.nth(1)).to_contain_text("För stor: 26 personer, högst 25.")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("24")
    assert page.evaluate("window.beforeMove") is True
    axe(page, context="proposal after a move, with a warning")

    page.get_by_role("button", name="Flytta", exact=True).click()
    expect(page.locator("#proposal-status")).to_contain_text("Markera de personer du vill flytta.")
    axe(page, context="proposal: move without ticks")

    page.get_by_role("button", name="Godkänn och skapa grupperna").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Förslaget har varningar. Markera rutan för att godkänna det ändå"
    )
    assert Group.objects.count() == 0
    axe(page, context="accept without confirming the warnings")

    page.get_by_label("Godkänn grupperna trots varningarna").check()
    page.get_by_role("button", name="Godkänn och skapa grupperna").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sveriges viktigaste chefsjobb")
    expect(page.get_by_role("status").first).to_contain_text(
        "Omgång 1: 2 utvecklingsgrupper skapades, med 50 planerade deltagare."
    )
    groups_table = page.locator(f"#round-{round_1.pk}-groups tbody tr")
    expect(groups_table).to_have_count(2)
    expect(groups_table.nth(0)).to_contain_text("Grupp 1")
    expect(groups_table.nth(1)).to_contain_text("Grupp 2")
    assert sorted(g.enrollments.count() for g in Group.objects.all()) == [24, 26]
    axe(page, context="program overview with the accepted groups")


def test_empty_proposal_page_is_accessible(page, live_server, axe, login_as, hr_user, org, pool):
    login_as(page, hr_user)

    page.goto(
        live_server.url
        + reverse("programs:round_proposal", kwargs={"org": org.slug, "round_id": pool["round"].pk})
    )

    expect(page.locator(".empty-state")).to_contain_text("Det finns inget förslag för omgången än.")
    axe(page, context="no proposal yet")


def test_hr_moves_a_participant_to_another_group(
    page, live_server, axe, login_as, hr_user, org, program, pool
):
    source = GroupFactory(round=pool["round"], number=1)
    GroupFactory(round=pool["round"], number=2)
    mover = EnrollmentFactory(group=source, person=pool["people"][0])
    login_as(page, hr_user)
    page.goto(
        live_server.url
        + reverse("programs:group_detail", kwargs={"org": org.slug, "group_id": source.pk})
    )

    page.get_by_role("link", name="Flytta en deltagare till en annan grupp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flytta en deltagare från Grupp 1")
    axe(page, context="move form")

    page.get_by_role("button", name="Flytta").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Välj deltagaren som ska flyttas.")
    axe(page, context="move form with errors")

    page.get_by_label("Deltagare").select_option(label=mover.person.full_name)
    page.get_by_label("Flytta till").select_option(label="Grupp 2 · 0 deltagare")
    page.get_by_role("button", name="Flytta").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Grupp 1")
    expect(page.get_by_role("status").first).to_contain_text(
        f"{mover.person.full_name} flyttades från Grupp 1 till Grupp 2."
    )
    mover.refresh_from_db()
    assert mover.status == Enrollment.Status.MOVED
    axe(page, context="group detail after a move")


def test_hr_adds_a_new_manager_from_the_intake(
    page, live_server, axe, login_as, hr_user, org, program, pool
):
    next_round = RoundFactory(
        program=program,
        number=2,
        starts_on=TODAY + dt.timedelta(days=30),
        ends_on=TODAY + dt.timedelta(days=200),
    )
    group = GroupFactory(round=next_round, number=3)
    newcomer = PersonFactory(
        organisation=org, first_name="Åsa", last_name="Öberg", manager_since=dt.date(2016, 4, 1)
    )
    login_as(page, hr_user)
    page.goto(
        live_server.url
        + reverse("programs:intake", kwargs={"org": org.slug, "program_id": program.pk})
    )

    first_row = page.locator("#intake tbody tr").first
    expect(first_row).to_contain_text("Åsa Öberg")
    expect(first_row).to_contain_text("Tillträdde efter starten")
    axe(page, context="intake")

    first_row.get_by_role("button", name="Lägg till").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Åsa Öberg lades till i Grupp 3 (Omgång 2)."
    )
    expect(page.get_by_role("status").first).to_contain_text(
        "Grupp 3 har 1 deltagare; programmets grupper ska ha 20–25."
    )
    assert Enrollment.objects.get(person=newcomer).group == group
    axe(page, context="intake after adding, with a size warning")


def test_intake_without_an_upcoming_round_is_accessible(
    page, live_server, axe, login_as, hr_user, org, program, pool
):
    login_as(page, hr_user)

    page.goto(
        live_server.url
        + reverse("programs:intake", kwargs={"org": org.slug, "program_id": program.pk})
    )

    expect(page.locator(".alert-info")).to_contain_text(
        "Det finns ingen kommande omgång att lägga till chefer i."
    )
    axe(page, context="intake without an upcoming round")


def test_hr_creates_a_round_after_a_mistake(
    page, live_server, axe, login_as, hr_user, org, program, pool
):
    login_as(page, hr_user)
    page.goto(
        live_server.url
        + reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})
    )

    page.get_by_role("link", name="Ny omgång").click()
    expect(page.get_by_label("Nummer")).to_have_value("2")
    axe(page, context="new round")

    page.get_by_label("Start").fill("2014-01-05")
    page.get_by_label("Slut").fill("2014-06-01")
    page.get_by_role("button", name="Skapa omgången").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Omgången måste börja inom programmets period"
    )
    axe(page, context="new round with errors")

    page.get_by_label("Start").fill("2016-01-11")
    page.get_by_label("Slut").fill("2016-06-30")
    page.get_by_role("button", name="Skapa omgången").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Välj deltagare till Omgång 2")
    expect(page.get_by_role("status").first).to_contain_text(
        "Omgång 2 är sparad. Välj nu vilka som deltar i den."
    )
