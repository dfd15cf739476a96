"""Importing managers from HR-system exports: formats, validation, all or nothing, hostile files."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from participants.imports import ImportFileError, ImportRefused, import_apply, import_preview
from participants.models import Department, Level, LoginConfirmation, Person, Role
from participants.tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from svc.roles import roles_in

pytestmark = pytest.mark.django_db

SWEDISH_HEADER = (
    "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Enhet;Chefsnivå;"
    "Närmaste chef (anst.nr);Chef sedan"
)
GOOD_ROWS = [
    "1001;Åsa;Öberg;asa.oberg@orebro.se;Kommunledningsförvaltningen;;Kommunledning;;2012-01-01",
    "1002;Björn;Ärlig;bjorn.arlig@orebro.se;Socialförvaltningen;;Förvaltningschef;1001;2014-05-01",
    "1003;Märta;Lindén;marta.linden@orebro.se;Socialförvaltningen;Hemtjänst Norr;Enhetschef;1002;"
    "1/3/2015",
    "1004;Göran;Ståhl;goran.stahl@orebro.se;Tekniska förvaltningen;Gata;Avdelningschef;1001;"
    "2015-03-01 00:00",
]


def _csv(lines, encoding="cp1252", header=SWEDISH_HEADER):
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _snapshot(org):
    return sorted(
        Person.objects.filter(organisation=org).values_list(
            "employee_number", "first_name", "last_name", "email", "department__name",
            "level", "line_manager__employee_number", "manager_since", "active",
        )
    )  # fmt: skip


@pytest.fixture
def org():
    return OrganisationFactory(name="Örebro kommun", slug="orebro")


def test_windows_1252_semicolon_csv_with_swedish_headers_is_previewed(org):
    preview = import_preview(organisation=org, data=_csv(GOOD_ROWS), filename="chefer.csv")

    assert preview.ok
    assert (preview.file_format, preview.encoding, preview.delimiter) == (
        "CSV",
        "Windows-1252",
        ";",
    )
    assert [c.name for c in preview.created] == [
        "Åsa Öberg", "Björn Ärlig", "Märta Lindén", "Göran Ståhl",
    ]  # fmt: skip
    assert preview.date_formats == ["D/M/ÅÅÅÅ", "ÅÅÅÅ-MM-DD", "ÅÅÅÅ-MM-DD tt:mm"]
    assert preview.new_departments == [
        "Gata", "Hemtjänst Norr", "Kommunledningsförvaltningen", "Socialförvaltningen",
        "Tekniska förvaltningen",
    ]  # fmt: skip
    assert Person.objects.count() == 0


def test_apply_creates_people_departments_and_line_managers(org):
    import_apply(organisation=org, data=_csv(GOOD_ROWS), filename="chefer.csv")

    marta = Person.objects.get(organisation=org, employee_number="1003")
    assert (marta.first_name, marta.last_name) == ("Märta", "Lindén")
    assert marta.department.name == "Hemtjänst Norr"
    assert marta.department.parent.name == "Socialförvaltningen"
    assert marta.level == Level.FIRST_LINE
    assert marta.line_manager.employee_number == "1002"
    assert marta.manager_since == dt.date(2015, 3, 1)
    assert Person.objects.get(employee_number="1004").manager_since == dt.date(2015, 3, 1)
    assert Department.objects.filter(organisation=org).count() == 5


def test_importing_the_same_file_twice_changes_nothing(org):
    data = _csv(GOOD_ROWS)
    import_apply(organisation=org, data=data)
    before = _snapshot(org)
    departments = Department.objects.count()

    second = import_apply(organisation=org, data=data)

    assert (len(second.created), len(second.updated), second.unchanged) == (0, 0, 4)
    assert _snapshot(org) == before
    assert Department.objects.count() == departments


def test_changed_row_is_shown_as_an_update_with_its_fields(org):
    import_apply(organisation=org, data=_csv(GOOD_ROWS))
    changed = [*GOOD_ROWS[:3], GOOD_ROWS[3].replace("Gata", "Park").replace("Ståhl", "Stål")]

    preview = import_preview(organisation=org, data=_csv(changed))

    assert [(c.employee_number, c.fields) for c in preview.updated] == [
        ("1004", ["efternamn", "enhet"])
    ]
    assert preview.unchanged == 3


def test_three_bad_rows_are_listed_and_nothing_is_written(org):
    bad = [
        *GOOD_ROWS,
        "1005;;Karlsson;karl@orebro.se;Socialförvaltningen;;Enhetschef;1002;2015-01-01",
        "1006;Lisa;Berg;lisa@orebro.se;Socialförvaltningen;;Chefsnivå 9;1002;2015-01-01",
        "1007;Per;Holm;per@orebro.se;Socialförvaltningen;;Enhetschef;9999;31/31/2015",
    ]

    preview = import_preview(organisation=org, data=_csv(bad))
    with pytest.raises(ImportRefused):
        import_apply(organisation=org, data=_csv(bad))

    assert not preview.ok
    assert preview.errors == [
        (6, "Förnamn saknas."),
        (
            7,
            "Okänd chefsnivå ”chefsnivå 9”. Använd en av: Kommunledning, Förvaltningschef, "
            "Avdelningschef, Enhetschef/första linjen.",
        ),
        (8, "Datumet ”31/31/2015” går inte att tolka. Skriv det som 2015-03-01 eller 1/3/2015."),
        (
            8,
            "Närmaste chef med anställningsnummer 9999 finns varken i filen eller bland "
            "organisationens chefer.",
        ),
    ]
    assert Person.objects.count() == 0
    assert Department.objects.count() == 0


def test_line_manager_loop_in_the_file_is_a_row_error(org):
    rows = [
        "2001;Anna;Ek;;Socialförvaltningen;;Enhetschef;2002;",
        "2002;Bo;Ek;;Socialförvaltningen;;Enhetschef;2001;",
    ]

    preview = import_preview(organisation=org, data=_csv(rows))

    assert preview.errors == [
        (2, "Chefsleden bildar en slinga genom anställningsnummer 2001."),
        (3, "Chefsleden bildar en slinga genom anställningsnummer 2002."),
    ]


def test_line_manager_loop_through_existing_data_is_a_row_error(org):
    top = PersonFactory(organisation=org, employee_number="3001")
    PersonFactory(organisation=org, employee_number="3002", line_manager=top)
    rows = ["3001;Carl;Top;;Socialförvaltningen;;Kommunledning;3002;"]

    preview = import_preview(organisation=org, data=_csv(rows))

    assert preview.errors == [(2, "Chefsleden bildar en slinga genom anställningsnummer 3001.")]


def test_utf8_with_bom_comma_csv_with_english_headers(org):
    header = (
        "employee_number,first_name,last_name,email,department,level,line_manager,manager_since"
    )
    rows = ["4001,Östen,Åkesson,osten@orebro.se,Kulturförvaltningen,first-line manager,,2016-02-01"]
    data = b"\xef\xbb\xbf" + _csv(rows, encoding="utf-8", header=header)

    preview = import_apply(organisation=org, data=data)

    assert (preview.encoding, preview.delimiter) == ("UTF-8 (BOM)", ",")
    person = Person.objects.get(employee_number="4001")
    assert (person.first_name, person.department.name) == ("Östen", "Kulturförvaltningen")


def test_xlsx_with_dates_as_cells_is_imported(org):
    data = _xlsx(
        [
            ["Anställningsnummer", "Förnamn", "Efternamn", "Förvaltning", "Chef sedan"],
            [5001, "Ylva", "Ödman", "Miljöförvaltningen", dt.datetime(2016, 8, 15)],
        ]
    )

    preview = import_apply(organisation=org, data=data, filename="chefer.xlsx")

    assert (preview.file_format, preview.date_formats) == ("XLSX", ["Excel-datum"])
    person = Person.objects.get(employee_number="5001")
    assert person.manager_since == dt.date(2016, 8, 15)


def test_changed_email_changes_the_record_and_asks_the_holder_to_confirm_it(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="gammal@orebro.se")
    PersonFactory(
        organisation=org, employee_number="6001", email="gammal@orebro.se", user=user,
        first_name="Eva", last_name="Ny",
    )  # fmt: skip
    rows = ["6001;Eva;Ny;ny@orebro.se;Socialförvaltningen;;Enhetschef;;"]

    with django_capture_on_commit_callbacks(execute=True):
        import_apply(organisation=org, data=_csv(rows))

    user.refresh_from_db()
    assert Person.objects.get(employee_number="6001").email == "ny@orebro.se"
    assert (user.email, user.is_active) == ("gammal@orebro.se", True)
    confirmation = LoginConfirmation.objects.get(user=user)
    assert (confirmation.kind, confirmation.state, confirmation.new_email) == (
        "email", "pending", "ny@orebro.se"
    )  # fmt: skip
    assert [m.to for m in mailoutbox] == [["ny@orebro.se"]]
    assert mailoutbox[0].subject == "Bekräfta din nya e-postadress"


def test_inactive_person_loses_the_roles_here_and_keeps_the_login(org):
    user = UserFactory(email="hr@orebro.se")
    MembershipFactory(user=user, organisation=org)
    elsewhere = OrganisationFactory(slug="region")
    MembershipFactory(user=user, organisation=elsewhere, role=Role.STEERING)
    PersonFactory(organisation=org, employee_number="6101", email="hr@orebro.se", user=user)
    header = SWEDISH_HEADER + ";Aktiv"

    import_apply(
        organisation=org,
        data=_csv(["6101;Hanna;R;hr@orebro.se;HR;;Enhetschef;;;nej"], header=header),
    )

    user.refresh_from_db()
    assert user.is_active is True
    assert user.check_password("correct-horse-battery")
    assert roles_in(user=user, organisation=org) == set()
    assert roles_in(user=user, organisation=elsewhere) == {Role.STEERING}


def test_import_only_touches_its_own_organisation(org):
    other = OrganisationFactory(slug="annan")
    PersonFactory(organisation=other, employee_number="1001", first_name="Annan")
    DepartmentFactory(organisation=other, name="Socialförvaltningen")

    import_apply(organisation=org, data=_csv(GOOD_ROWS))

    assert Person.objects.get(organisation=other, employee_number="1001").first_name == "Annan"
    assert Person.objects.filter(organisation=org).count() == 4


# --- Hostile and broken files -------------------------------------------------------------


def _refused(org, data, filename="fil.csv") -> str:
    with pytest.raises(ImportFileError) as excinfo:
        import_preview(organisation=org, data=data, filename=filename)
    assert Person.objects.count() == 0
    return str(excinfo.value)


def test_empty_file_is_refused(org):
    assert _refused(org, b"") == "Filen är tom."


def test_file_with_only_headers_is_refused(org):
    assert _refused(org, _csv([])) == "Filen har kolumnnamn men inga rader."


def test_png_renamed_to_csv_is_refused(org):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
    assert _refused(org, png, "chefer.csv") == (
        "Filen är varken CSV eller XLSX. Spara den från Excel som CSV eller XLSX och försök igen."
    )


def test_missing_required_columns_are_named(org):
    message = _refused(org, _csv(["1;A"], header="Anställningsnummer;Namn"))
    assert message == (
        "Filen saknar obligatoriska kolumner: Förnamn, Efternamn, Förvaltning. "
        "Första raden måste innehålla kolumnnamnen."
    )


def test_zip_bomb_is_refused_before_parsing(org):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (150 * 1024 * 1024))

    message = _refused(org, buffer.getvalue(), "chefer.xlsx")

    assert message == (
        "XLSX-filen packas upp till långt mer data än ett kalkylark rymmer och vägrades."
    )


def test_billion_laughs_xlsx_is_refused(org):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<worksheet>&lol2;</worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", laughs)

    message = _refused(org, buffer.getvalue(), "chefer.xlsx")

    assert message == "XLSX-filen innehåller XML-entitetsdeklarationer och vägrades."


def test_damaged_xlsx_is_refused(org):
    data = _xlsx([["Anställningsnummer"], [1]])
    assert (
        _refused(org, data[: len(data) // 2], "chefer.xlsx") == "Filen är inte en giltig XLSX-fil."
    )


def test_too_large_file_is_refused(org):
    with override_settings(IMPORT_MAX_BYTES=1000):
        message = _refused(org, _csv(GOOD_ROWS * 10))

    assert message == "Filen är för stor (0,0 MB). Gränsen är 0,0 MB."


def test_too_many_rows_is_refused(org):
    with override_settings(IMPORT_MAX_ROWS=3):
        message = _refused(org, _csv(GOOD_ROWS))

    assert message == (
        "Filen har fler än 3 rader (tomma rader räknas också). Dela upp den i mindre filer, "
        "eller ta bort de tomma raderna under den sista chefen."
    )


def test_hostile_text_is_stored_as_plain_text(org):
    rows = ['7001;<script>alert(1)</script>;=HYPERLINK("x");;Social;;Enhetschef;;']

    import_apply(organisation=org, data=_csv(rows, encoding="utf-8"))

    person = Person.objects.get(employee_number="7001")
    assert person.first_name == "<script>alert(1)</script>"
    assert person.last_name == '=HYPERLINK("x")'


# --- The command line --------------------------------------------------------------------


def test_command_dry_run_prints_the_preview_and_writes_nothing(org, tmp_path, capsys):
    path = tmp_path / "chefer.csv"
    path.write_bytes(_csv(GOOD_ROWS))

    call_command("import_managers", str(path), "--organisation", "orebro", "--dry-run")

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Fil: CSV, 4 rader."
    assert out[1] == "Teckenkodning: Windows-1252; avgränsare: ”;”."
    assert out[2] == "Datum lästa som: D/M/ÅÅÅÅ, ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM-DD tt:mm."
    assert out[3] == "Nya: 4. Ändrade: 0. Oförändrade: 0. Felaktiga rader: 0."
    assert out[-1] == "Provkörning: inget skrevs."
    assert Person.objects.count() == 0


def test_command_with_bad_rows_fails_and_writes_nothing(org, tmp_path):
    path = tmp_path / "chefer.csv"
    path.write_bytes(_csv(["8001;;X;;Social;;Enhetschef;;"]))

    with pytest.raises(CommandError) as excinfo:
        call_command("import_managers", str(path), "--organisation", "orebro")

    assert str(excinfo.value) == "Importen har fel; inget importerades."
    assert Person.objects.count() == 0
