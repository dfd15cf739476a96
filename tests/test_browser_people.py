"""In Chromium with axe: the manager registry, the import from an HR export, activation links."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from participants.accounts import send_login_links
from participants.models import Person
from participants.tests.factories import DepartmentFactory, PersonFactory
from programs.tests.factories import EnrollmentFactory, GroupFactory, ProgramFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Enhet;Chefsnivå;"
    "Närmaste chef (anst.nr);Chef sedan"
)
GOOD = [
    "1001;Åsa;Öberg;asa@orebro.se;Kommunledningsförvaltningen;;Kommunledning;;2012-01-01",
    "1002;Björn;Ärlig;bjorn@orebro.se;Socialförvaltningen;;Förvaltningschef;1001;2014-05-01",
    "1003;Märta;Lindén;marta@orebro.se;Socialförvaltningen;Hemtjänst;Enhetschef;1002;1/3/2015",
    "1004;Göran;Ståhl;goran@orebro.se;Tekniska förvaltningen;;Avdelningschef;1001;2015-03-01",
]
BAD = [
    "1005;;Karlsson;karl@orebro.se;Socialförvaltningen;;Enhetschef;1002;2015-01-01",
    "1006;Lisa;Berg;lisa@orebro.se;Socialförvaltningen;;Chefsnivå 9;1002;2015-01-01",
    "1007;Per;Holm;per@orebro.se;Socialförvaltningen;;Enhetschef;9999;2015-01-01",
]
FIXED = [
    "1005;Karl;Karlsson;karl@orebro.se;Socialförvaltningen;;Enhetschef;1002;2015-01-01",
    "1006;Lisa;Berg;lisa@orebro.se;Socialförvaltningen;;Enhetschef;1002;2015-01-01",
    "1007;Per;Holm;per@orebro.se;Socialförvaltningen;;Enhetschef;1002;2015-01-01",
]


def _csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode("cp1252"))
    return path


def _upload(page, live_server, org, path):
    page.goto(f"{live_server.url}/o/{org.slug}/import/")
    page.get_by_label("Fil från HR-systemet").set_input_files(str(path))
    page.get_by_role("button", name="Visa förhandsvisning").click()


def test_import_of_a_windows_1252_csv_with_bad_rows_then_fixed_then_again(
    page, live_server, axe, login_as, hr_user, org, tmp_path
):
    login_as(page, hr_user)
    page.goto(f"{live_server.url}/o/{org.slug}/import/")
    axe(page, context="upload")

    _upload(page, live_server, org, _csv(tmp_path, "chefer.csv", [*GOOD, *BAD]))

    expect(page.get_by_role("heading", level=1)).to_have_text("Filen har fel")
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_have_text(re.compile(r"^\s*6\s*Förnamn saknas\.\s*$"))
    expect(rows.nth(1)).to_contain_text("Okänd chefsnivå ”chefsnivå 9”.")
    expect(rows.nth(2)).to_contain_text(
        "Närmaste chef med anställningsnummer 9999 finns varken i filen eller bland "
        "organisationens chefer."
    )
    expect(page.get_by_role("button", name="Bekräfta importen")).to_have_count(0)
    axe(page, context="preview with errors")
    assert Person.objects.count() == 0

    _upload(page, live_server, org, _csv(tmp_path, "chefer-rattad.csv", [*GOOD, *FIXED]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska förhandsvisningen")
    expect(page.get_by_text("Teckenkodning: Windows-1252; avgränsare: ”;”.")).to_be_visible()
    axe(page, context="preview")
    page.get_by_role("button", name="Bekräfta importen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Importen är klar")
    expect(page.get_by_role("status")).to_contain_text("Importen är klar.")
    axe(page, context="result")
    assert sorted(Person.objects.values_list("first_name", flat=True)) == [
        "Björn", "Göran", "Karl", "Lisa", "Märta", "Per", "Åsa",
    ]  # fmt: skip
    before = list(Person.objects.order_by("pk").values())

    _upload(page, live_server, org, _csv(tmp_path, "chefer-igen.csv", [*GOOD, *FIXED]))
    unchanged = page.get_by_role("row", name=re.compile("Oförändrade"))
    expect(unchanged).to_contain_text("7")
    page.get_by_role("button", name="Bekräfta importen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importen är klar")
    assert list(Person.objects.order_by("pk").values()) == before


def test_import_of_a_picture_shows_the_error_summary(
    page, live_server, axe, login_as, hr_user, org, tmp_path
):
    picture = tmp_path / "chefer.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    login_as(page, hr_user)

    _upload(page, live_server, org, picture)

    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("Filen är varken CSV eller XLSX.")
    axe(page, context="unreadable file")


def test_registry_list_detail_and_form_with_an_error(
    page, live_server, axe, login_as, hr_user, org
):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    anna = PersonFactory(
        organisation=org, first_name="Anna", last_name="Ek", department=social,
        employee_number="501",
    )  # fmt: skip
    program = ProgramFactory(organisation=org)
    EnrollmentFactory(person=anna, group=GroupFactory(round=RoundFactory(program=program)))
    login_as(page, hr_user)

    page.goto(f"{live_server.url}/o/{org.slug}/chefer/")
    expect(page.get_by_role("link", name="Anna Ek")).to_be_visible()
    axe(page, context="registry")
    page.get_by_role("textbox", name="Sök").fill("zzz")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_text("Ingen chef matchar sökningen.")).to_be_visible()
    axe(page, context="registry, no match")

    page.goto(f"{live_server.url}/o/{org.slug}/chefer/{anna.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Ek")
    axe(page, context="detail")

    page.get_by_role("link", name="Ändra").click()
    page.get_by_label("Närmaste chef (anställningsnummer)").fill("404")
    page.get_by_role("button", name="Spara").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ingen chef i organisationen har anställningsnummer 404.")
    axe(page, context="form error")


def test_activation_link_from_the_outbox_sets_a_password_and_lands_on_my_program(
    page, live_server, axe, org
):
    group = GroupFactory(round=RoundFactory(program=ProgramFactory(organisation=org)))
    person = PersonFactory(organisation=org, email="ny.deltagare@orebro.se")
    EnrollmentFactory(person=person, group=group)
    send_login_links(people=[person])
    link = re.search(r"https?://[^/\s]+(/aktivera/\S+/)", mail.outbox[-1].body).group(1)

    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj ditt lösenord")
    axe(page, context="choose password")
    page.locator("#id_new_password1").fill("kort")
    page.locator("#id_new_password2").fill("kort")
    page.get_by_role("button", name="Spara lösenordet och logga in").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe(page, context="password too short")

    page.locator("#id_new_password1").fill("ett-långt-lösenord-2015")
    page.locator("#id_new_password2").fill("ett-långt-lösenord-2015")
    page.get_by_role("button", name="Spara lösenordet och logga in").click()

    expect(page).to_have_url(f"{live_server.url}/o/{org.slug}/mitt-program/")
    expect(page.get_by_role("status")).to_contain_text("Ditt lösenord är sparat. Välkommen!")
    axe(page, context="my program after activation")

    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Länken fungerar inte")
    axe(page, context="used link")
    page.get_by_role("link", name="Skicka en ny länk till mig").click()
    page.get_by_label("E-postadress").fill("ny.deltagare@orebro.se")
    page.get_by_role("button", name="Skicka länken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    axe(page, context="link sent")
