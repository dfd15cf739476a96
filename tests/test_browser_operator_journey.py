"""Issue 18's acceptance, in Chromium with axe (and its 320 px reflow check) on every page: the
platform operator creates an organisation, invites its HR coordinator, who accepts, and starts a
program from the SVC template; that HR coordinator imports the managers and composes a round.

Everything goes through the links and forms a user sees, from ``/``: the only addresses typed
are the login page's (where ``/`` sends an anonymous visitor), the activation link of the
e-mail, and, at the end, the organisation's HR start page, which the operator must not reach.
No page on the way is an admin page."""

import datetime as dt
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from participants.models import Department, Membership, Organisation, Person, PlatformOperator, Role
from participants.tests.factories import UserFactory
from programs.models import Enrollment, Group, Program, Round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
HR_PASSWORD = "ett-långt-lösenord-2027"
SVC = "Sveriges viktigaste chefsjobb (SVC)"
SVC_MODULES = ["Del av en helhet", "Klar ledare", "Säker chef", "Initiativrik utvecklare"]
PROGRAM = "Chefsprogrammet 2027"
ACTIVATION = re.compile(r"https?://[^/\s]+(/aktivera/[^/\s]+/[^/\s]+/)")

# What the operator types into "Förvaltningar och enheter": two förvaltningar, three units.
DEPARTMENTS = (
    "Socialförvaltningen / Hemtjänst\n"
    "Socialförvaltningen / Individ- och familjeomsorg\n"
    "Tekniska förvaltningen / Gata och park"
)
DEPARTMENT_ROWS = {
    ("Socialförvaltningen", None),
    ("Hemtjänst", "Socialförvaltningen"),
    ("Individ- och familjeomsorg", "Socialförvaltningen"),
    ("Tekniska förvaltningen", None),
    ("Gata och park", "Tekniska förvaltningen"),
}

# The HR system's export: 44 managers, 22 in each förvaltning, most of them in its units.
HEADER = [
    "Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Förvaltning", "Enhet",
    "Chefsnivå", "Närmaste chef (anst.nr)", "Chef sedan",
]  # fmt: skip
PLACES = (
    [("Socialförvaltningen", "Hemtjänst")] * 12
    + [("Socialförvaltningen", "Individ- och familjeomsorg")] * 9
    + [("Tekniska förvaltningen", "Gata och park")] * 14
    + [("Tekniska förvaltningen", "")] * 7
)
FIRST_NAMES = ["Åsa", "Björn", "Märta", "Göran", "Lena", "Örjan", "Karin", "Nils", "Ella", "Per"]


def _managers() -> list[list]:
    """Two heads of department (3001, 3002) and the first-line managers who report to them."""
    rows = [
        ["3001", "Sara", "Lind", "sara.lind@kommuntest.se", "Socialförvaltningen", "",
         "Förvaltningschef", "", dt.date(2011, 8, 15)],
        ["3002", "Tomas", "Berg", "tomas.berg@kommuntest.se", "Tekniska förvaltningen", "",
         "Förvaltningschef", "", dt.date(2013, 2, 1)],
    ]  # fmt: skip
    for i, (department, unit) in enumerate(PLACES):
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], f"Ek{i:02d}"
        head = "3001" if department == "Socialförvaltningen" else "3002"
        level = "Avdelningschef" if i % 7 == 0 else "Enhetschef"
        rows.append(
            [
                str(3100 + i), first, last, f"chef{3100 + i}@kommuntest.se",
                department, unit, level, head, dt.date(2014 + i % 10, 1 + i % 12, 1),
            ]
        )  # fmt: skip
    return rows


def _export(tmp_path) -> str:
    """The managers as the HR system exports them: an XLSX workbook."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chefer"
    sheet.append(HEADER)
    for row in _managers():
        sheet.append(row)
    path = tmp_path / "chefer-kommun-test.xlsx"
    workbook.save(path)
    return str(path)


def _record_paths(page, visited: list[str]) -> None:
    """Every address the browser asks for, pages and htmx requests alike."""
    page.on("request", lambda request: visited.append(urlsplit(request.url).path))


def test_the_operator_starts_an_organisation_and_hands_over_to_its_hr_who_composes_a_round(
    page, new_context, live_server, axe, tmp_path
):
    # Arrange: the consultancy's operator, a login above organisations; nothing else exists.
    operator = UserFactory(email="drift@konsultbolaget.test", full_name="Olle Operatör")
    PlatformOperator.objects.create(user=operator)
    today = timezone.localdate()
    ends_on = today + dt.timedelta(days=1095)  # the SVC template's period_days
    round_start, round_end = today + dt.timedelta(days=14), today + dt.timedelta(days=180)
    visited: list[str] = []
    _record_paths(page, visited)

    # --- 1. The operator logs in and creates the organisation ------------------------------
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/logga-in/?next=/")
    axe(page, context="the login page")
    page.get_by_label("E-postadress").fill("drift@konsultbolaget.test")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    expect(page).to_have_url(f"{live_server.url}/konsol/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plattformskonsol")
    expect(page.locator("#organisation-count")).to_have_text("0 organisationer.")
    axe(page, context="the console, empty")

    page.get_by_role("link", name="Ny organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny organisation")
    axe(page, context="new organisation")
    page.locator("#id_name").fill("Kommun Test")
    page.get_by_label("Förvaltningar och enheter (valfritt)").fill(DEPARTMENTS)
    page.get_by_role("button", name="Skapa organisationen").click()

    expect(page).to_have_url(f"{live_server.url}/konsol/organisationer/kommun-test/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommun Test")
    expect(page.get_by_role("status")).to_contain_text("Kommun Test är skapad, på /o/kommun-test/.")
    expect(page.locator("#coordinators")).to_have_text("Ingen HR-samordnare än.")
    axe(page, context="the new organisation in the console")
    organisation = Organisation.objects.get(slug="kommun-test")
    assert organisation.name == "Kommun Test"
    assert {
        (d.name, d.parent.name if d.parent else None)
        for d in Department.objects.filter(organisation=organisation).select_related("parent")
    } == DEPARTMENT_ROWS
    assert not Membership.objects.filter(organisation=organisation).exists()

    # --- 2. The operator invites the HR coordinator, who accepts in her own browser ----------
    page.locator("#id_full_name").fill("Hanna Rask")
    page.locator("#id_email").fill("hanna.rask@kommuntest.se")
    page.get_by_role("button", name="Bjud in").click()
    expect(page.get_by_role("status")).to_contain_text(
        "En inloggning är skapad för hanna.rask@kommuntest.se som HR-samordnare i Kommun Test."
    )
    expect(page.locator("#coordinators li")).to_have_text(
        ["Hanna Rask <hanna.rask@kommuntest.se> (har inte loggat in än)"]
    )
    axe(page, context="the organisation with its invited HR coordinator")
    [message] = mail.outbox
    assert message.to == ["hanna.rask@kommuntest.se"]
    link = ACTIVATION.search(message.body).group(1)

    hr = new_context().new_page()
    _record_paths(hr, visited)
    hr.goto(f"{live_server.url}{link}")
    expect(hr.get_by_role("heading", level=1)).to_have_text("Välj ditt lösenord")
    axe(hr, context="the HR coordinator chooses a password")
    hr.locator("#id_new_password1").fill(HR_PASSWORD)
    hr.locator("#id_new_password2").fill(HR_PASSWORD)
    hr.get_by_role("button", name="Spara lösenordet och logga in").click()

    expect(hr).to_have_url(f"{live_server.url}/o/kommun-test/hr/")
    expect(hr.get_by_role("heading", level=1)).to_have_text("Programadministration")
    expect(hr.get_by_role("status")).to_contain_text("Ditt lösenord är sparat. Välkommen!")
    expect(hr.get_by_text("Det finns inga program i organisationen ännu.")).to_be_visible()
    axe(hr, context="the HR coordinator's start page, no program yet")
    membership = Membership.objects.select_related("user").get(organisation=organisation)
    assert (membership.role, membership.user.email, membership.user.full_name) == (
        Role.HR, "hanna.rask@kommuntest.se", "Hanna Rask",
    )  # fmt: skip
    assert membership.user.check_password(HR_PASSWORD)
    assert membership.user.last_login is not None

    page.reload()
    expect(page.locator("#coordinators li")).to_have_text(["Hanna Rask <hanna.rask@kommuntest.se>"])
    axe(page, context="the organisation, its HR coordinator has logged in")

    # --- 3. The operator starts a program from the SVC template -----------------------------
    page.get_by_role("link", name="Starta ett program från en mall").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta ett program från en mall")
    axe(page, context="start a program in Kommun Test")
    page.get_by_label(SVC).check()
    page.get_by_label("Programmets namn").fill(PROGRAM)
    # The first day left empty: the program starts today and lasts the template's three years.
    expect(page.get_by_label("Programmets första dag")).to_have_value("")
    page.get_by_role("button", name="Starta programmet").click()

    expect(page).to_have_url(f"{live_server.url}/konsol/organisationer/kommun-test/")
    expect(page.get_by_role("status")).to_contain_text(f"{PROGRAM} är startat i Kommun Test.")
    programs = page.get_by_role("table", name="Program i Kommun Test")
    console_row = programs.locator("tbody tr")
    expect(console_row).to_have_count(1)
    expect(console_row.locator("th")).to_contain_text(PROGRAM)
    expect(console_row.locator("th span")).to_have_text(f"{today:%Y-%m-%d}–{ends_on:%Y-%m-%d}")
    expect(console_row.locator("[data-cell=state]")).to_have_text("Pågår")
    expect(console_row.locator("[data-cell=rounds]")).to_have_text("0")
    expect(console_row.locator("[data-cell=participants]")).to_have_text("0")
    axe(page, context="the organisation with its new program")
    program = Program.objects.get(organisation=organisation)
    assert (program.name, program.starts_on, program.ends_on) == (
        PROGRAM, today, ends_on,
    )  # fmt: skip
    assert (program.min_group_size, program.max_group_size) == (20, 25)
    assert list(program.modules.order_by("order").values_list("name", flat=True)) == SVC_MODULES
    assert not program.rounds.exists()

    # --- 4. The handover: the HR coordinator finds the program under Program ----------------
    hr.get_by_role("link", name="Program", exact=True).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Program")
    axe(hr, context="HR's program list with the started program")
    hr.get_by_role("link", name=PROGRAM).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text(PROGRAM)
    expect(hr.locator("#modules tbody th")).to_have_text(SVC_MODULES)
    expect(hr.get_by_text("Programmet har inga omgångar ännu.").last).to_be_visible()
    expect(hr.get_by_test_id("group-count")).to_have_text("0")
    axe(hr, context="the started program's page")

    # She imports the managers from the HR system's export ...
    hr.get_by_role("link", name="Chefer", exact=True).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Chefer")
    axe(hr, context="the manager registry, empty")
    hr.get_by_role("link", name="Importera från HR-systemet").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Importera chefer")
    axe(hr, context="import: upload")
    hr.get_by_label("Fil från HR-systemet").set_input_files(_export(tmp_path))
    hr.get_by_role("button", name="Visa förhandsvisning").click()

    expect(hr.get_by_role("heading", level=1)).to_have_text("Granska förhandsvisningen")
    expect(hr.get_by_text("Fil: XLSX, 44 rader.")).to_be_visible()
    expect(hr.get_by_role("row", name=re.compile("^Nya chefer"))).to_contain_text("44")
    expect(hr.get_by_role("row", name=re.compile("^Rader med fel"))).to_contain_text("0")
    # The departments the operator created are the ones the file names: none is new.
    expect(hr.get_by_text("Nya förvaltningar och enheter:")).to_have_count(0)
    assert Person.objects.count() == 0
    axe(hr, context="import: preview")
    hr.get_by_role("button", name="Bekräfta importen").click()

    expect(hr.get_by_role("heading", level=1)).to_have_text("Importen är klar")
    expect(hr.get_by_role("status")).to_contain_text("Importen är klar.")
    axe(hr, context="import: result")
    people = Person.objects.filter(organisation=organisation).select_related(
        "department__parent", "line_manager"
    )
    assert people.count() == 44 == Person.objects.count()
    assert Department.objects.count() == len(DEPARTMENT_ROWS)
    assert Counter((p.department.parent or p.department).name for p in people) == {
        "Socialförvaltningen": 22,
        "Tekniska förvaltningen": 22,
    }
    marta = people.get(employee_number="3102")
    assert (marta.first_name, marta.last_name, marta.email, marta.department.name) == (
        "Märta", "Ek02", "chef3102@kommuntest.se", "Hemtjänst",
    )  # fmt: skip
    assert (marta.line_manager.employee_number, marta.manager_since) == (
        "3001",
        dt.date(2016, 3, 1),
    )

    hr.get_by_role("link", name="Gå till cheferna").click()
    expect(hr.get_by_role("link", name="Märta Ek02")).to_be_visible()
    axe(hr, context="the manager registry after the import")

    # ... creates the program's first round ...
    hr.get_by_role("link", name="Program", exact=True).click()
    hr.get_by_role("link", name=PROGRAM).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text(PROGRAM)
    axe(hr, context="the program's page, its managers imported")
    hr.get_by_role("link", name="Ny omgång").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Ny omgång")
    expect(hr.get_by_label("Nummer")).to_have_value("1")
    axe(hr, context="new round")
    hr.get_by_label("Start").fill(f"{round_start:%Y-%m-%d}")
    hr.get_by_label("Slut").fill(f"{round_end:%Y-%m-%d}")
    hr.get_by_role("button", name="Skapa omgången").click()

    # ... chooses everyone in the pool and composes the groups ...
    expect(hr.get_by_role("heading", level=1)).to_have_text("Välj deltagare till Omgång 1")
    expect(hr.get_by_role("status").first).to_contain_text(
        "Omgång 1 är sparad. Välj nu vilka som deltar i den."
    )
    expect(hr.locator("#pool tbody tr")).to_have_count(44)
    axe(hr, context="the round's pool")
    round_1 = Round.objects.get(program=program)
    assert (round_1.number, round_1.starts_on, round_1.ends_on) == (
        1, round_start, round_end,
    )  # fmt: skip

    hr.get_by_role("link", name="Markera alla som visas").click()
    expect(hr.locator("#pool input[name=people]:checked")).to_have_count(44)
    axe(hr, context="the pool, everyone ticked")
    hr.get_by_role("button", name="Sätt samman grupper").click()

    expect(hr.get_by_role("heading", level=1)).to_have_text("Förslag till Omgång 1")
    rows = hr.locator("#proposal-summary-table tbody tr")
    expect(rows).to_have_count(2)
    for row in (rows.nth(0), rows.nth(1)):
        expect(row.locator("td").nth(0)).to_have_text("22")
        expect(row.locator(".department-mix li")).to_have_text(
            ["Socialförvaltningen 11", "Tekniska förvaltningen 11"]
        )
    expect(hr.locator("#proposal-summary")).to_contain_text("Inga varningar")
    assert not Group.objects.exists()
    axe(hr, context="the proposal")

    # ... accepts them, and sees the round's groups with their members.
    hr.get_by_role("button", name="Godkänn och skapa grupperna").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text(PROGRAM)
    expect(hr.get_by_role("status").first).to_contain_text(
        "Omgång 1: 2 utvecklingsgrupper skapades, med 44 planerade deltagare."
    )
    groups = hr.locator(f"#round-{round_1.pk}-groups tbody tr")
    expect(groups.locator("th")).to_have_text(["Grupp 1", "Grupp 2"])
    for row in (groups.nth(0), groups.nth(1)):
        expect(row.locator("td").nth(0)).to_have_text("22")
        expect(row.locator(".department-mix li")).to_have_text(
            ["Socialförvaltningen 11", "Tekniska förvaltningen 11"]
        )
    expect(hr.get_by_test_id("group-count")).to_have_text("2")
    expect(hr.get_by_test_id("participant-count")).to_have_text("44")
    axe(hr, context="the program with the round's groups")

    stored = {
        group.number: sorted(e.person.employee_number for e in group.enrollments.all())
        for group in Group.objects.filter(round=round_1).prefetch_related("enrollments__person")
    }
    assert sorted(stored) == [1, 2]
    assert [len(members) for members in stored.values()] == [22, 22]
    assert sorted(stored[1] + stored[2]) == sorted(p.employee_number for p in people)
    assert set(Enrollment.objects.values_list("status", flat=True)) == {Enrollment.Status.PLANNED}

    hr.get_by_role("link", name="Grupp 1", exact=True).click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Grupp 1")
    expect(hr.get_by_test_id("member-count")).to_have_text("22")
    expect(hr.locator("#members tbody tr")).to_have_count(22)
    members = sorted(hr.locator("#members tbody th").all_inner_texts())
    assert members == sorted(p.full_name for p in people if p.employee_number in stored[1])
    axe(hr, context="group 1 with its members")

    # The operator sees the programme in figures, never the organisation's own pages.
    page.reload()
    expect(console_row.locator("[data-cell=rounds]")).to_have_text("1")
    expect(console_row.locator("[data-cell=groups]")).to_have_text("2")
    expect(console_row.locator("[data-cell=participants]")).to_have_text("44")
    axe(page, context="the console's organisation page after the handover")
    for address in (
        f"/o/kommun-test/program/{program.pk}/",
        "/o/kommun-test/",
        "/o/kommun-test/hr/",
    ):
        response = page.goto(f"{live_server.url}{address}")
        assert response.status == 404, f"the operator reached {address}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    axe(page, context="the operator on the organisation's HR start page: 404")

    assert "/" in visited and "/konsol/" in visited and "/o/kommun-test/hr/" in visited
    assert [path for path in visited if path.startswith("/admin/")] == []
