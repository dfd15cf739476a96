"""Reading awkward and pathological export files: blank rows by the million, a zip-bomb-like
sheet, Excel's "Unicode text" (UTF-16), a quotation mark never closed."""

import codecs
import datetime as dt
import io
import random
import string
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from core.tests import html
from participants.imports import ImportFileError, import_apply, import_preview, read_table
from participants.imports.files import max_unpacked_bytes
from participants.models import Person
from participants.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = ["Anställningsnummer", "Förnamn", "Efternamn", "Förvaltning"]
TOO_MANY_ROWS = (
    "Filen har fler än %d rader (tomma rader räknas också). Dela upp den i mindre filer, "
    "eller ta bort de tomma raderna under den sista chefen."
)


@pytest.fixture
def org():
    return OrganisationFactory(name="Örebro kommun", slug="orebro")


def _refused(org, data, filename="chefer.xlsx") -> str:
    with pytest.raises(ImportFileError) as excinfo:
        import_preview(organisation=org, data=data, filename=filename)
    assert Person.objects.count() == 0
    return str(excinfo.value)


def _xlsx(rows, *, more_rows_xml: bytes = b"", dimension: str = "") -> bytes:
    """A workbook saved by openpyxl, with raw <row> elements added after ``rows`` and the
    sheet's dimension set as Excel sets it for a sheet formatted that far down."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    if not more_rows_xml and not dimension:
        return saved.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            part = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", more_rows_xml + b"</sheetData>")
                start = part.index(b'<dimension ref="') + len(b'<dimension ref="')
                end = part.index(b'"', start)
                part = part[:start] + dimension.encode() + part[end:]
            target.writestr(entry.filename, part)
    return out.getvalue()


def _blank_rows(first: int, last: int) -> bytes:
    """Rows as Excel writes formatted but empty ones."""
    return b"".join(b'<row r="%d" spans="1:9"/>' % n for n in range(first, last + 1))


# --- Every row counts toward the row limit ---------------------------------------------------


def test_xlsx_formatted_down_to_row_1_9_million_is_refused_at_the_row_limit(org):
    # Header, one manager, and a formatted cell at row 1,900,000: a tiny file whose sheet
    # reads as 1.9 million rows, nearly all blank.
    data = _xlsx(
        [HEADER, [1001, "Åsa", "Öberg", "Kommunledningsförvaltningen"]],
        more_rows_xml=b'<row r="1900000"><c r="A1900000" s="1"/></row>',
        dimension="A1:D1900000",
    )
    assert len(data) < 10_000

    assert _refused(org, data) == TOO_MANY_ROWS % 20000


def test_xlsx_reading_stops_at_the_first_row_past_the_limit(org):
    # Past the limit come 30,000 blank rows (far more than the XML parser reads ahead) and
    # then XML that is not well formed. A reader that went on would reach it and call the
    # file damaged (the next test); one that stops at the limit never sees it.
    broken = b'<row r="30100"><c r="A30100"><v>1</v></row>'
    data = _xlsx([HEADER], more_rows_xml=_blank_rows(2, 30_050) + broken, dimension="A1:D30100")

    with override_settings(IMPORT_MAX_ROWS=10):
        assert _refused(org, data) == TOO_MANY_ROWS % 10


def test_xlsx_with_xml_that_is_not_well_formed_in_its_rows_is_refused_as_damaged(org):
    broken = b'<row r="3"><c r="A3"><v>1</v></row>'
    data = _xlsx([HEADER, [1001, "Åsa", "Öberg", "Social"]], more_rows_xml=broken)

    assert _refused(org, data) == "XLSX-filen gick inte att läsa: den kan vara skadad."


def test_blank_rows_in_the_middle_count_toward_the_limit_and_are_skipped(org):
    rows = [HEADER, [1001, "Åsa", "Öberg", "Social"], [None], [None], [1002, "Bo", "Ek", "Social"]]

    with override_settings(IMPORT_MAX_ROWS=4):
        preview = import_preview(organisation=org, data=_xlsx(rows))
    with override_settings(IMPORT_MAX_ROWS=3):
        message = _refused(org, _xlsx(rows))

    assert [c.row for c in preview.created] == [2, 5]
    assert message == TOO_MANY_ROWS % 3


def test_csv_blank_lines_count_toward_the_limit(org):
    data = "Anställningsnummer;Förnamn;Efternamn;Förvaltning\r\n1;A;B;C\r\n\r\n;;;\r\n2;D;E;F\r\n"

    with override_settings(IMPORT_MAX_ROWS=3):
        message = _refused(org, data.encode("utf-8"), "chefer.csv")

    assert message == TOO_MANY_ROWS % 3


# --- The unpacked-size limit ------------------------------------------------------------


def test_xlsx_of_1_9_million_formatted_blank_rows_is_refused_before_parsing(org):
    data = _xlsx([HEADER], more_rows_xml=_blank_rows(2, 1_900_001), dimension="A1:I1900001")

    assert _refused(org, data) == (
        "XLSX-filen packas upp till 53,3 MB, mer än 20000 rader behöver (20,1 MB). Spara den "
        "med bara de kolumner som importen läser, eller som CSV."
    )


def test_unpacked_limit_follows_the_row_limit():
    assert max_unpacked_bytes() == 1024 * 1024 + 20_000 * 1_000
    with override_settings(IMPORT_MAX_ROWS=100):
        assert max_unpacked_bytes() == 1024 * 1024 + 100 * 1_000


def _real_export(rows: int) -> bytes:
    """The nine columns the import reads, saved by openpyxl, with made-up managers."""
    names = random.Random(13)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [*HEADER[:3], "E-post", "Förvaltning", "Enhet", "Chefsnivå", "Närmaste chef (anst.nr)",
         "Chef sedan"]
    )  # fmt: skip
    for n in range(rows):
        first = "".join(names.choices(string.ascii_lowercase, k=10))
        last = "".join(names.choices(string.ascii_lowercase, k=14))
        sheet.append(
            [100_000 + n, first, last, f"{first}.{last}@orebro.se", f"Förvaltning {n % 20}",
             f"Enhet nummer {n % 400}", "Enhetschef", 100_000 + n // 10,
             dt.date(2010, 1, 1) + dt.timedelta(days=n % 4000)]
        )  # fmt: skip
    saved = io.BytesIO()
    workbook.save(saved)
    return saved.getvalue()


def test_the_unpacked_limit_leaves_twice_what_a_real_export_at_the_row_limit_needs():
    # Size grows with the rows: 2,000 rows measure what 20,000 need, at a tenth of the time.
    data = _real_export(2_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())

    assert max_unpacked_bytes() >= 2 * unpacked * 10
    with override_settings(IMPORT_MAX_ROWS=2_000):
        table = read_table(data=data, filename="chefer.xlsx")
    assert (len(table.rows), table.rows[-1][0]) == (2_000, 2_001)


def _with_shared_strings(rows: list[list[str]], *, extra: int = 0, prefix: str = "") -> bytes:
    """A workbook as Excel writes one: the header inline, every other text a shared string,
    and ``extra`` strings no cell uses."""
    texts = [text for row in rows for text in row]
    texts += [f"{n:x}-{n * 7919 % 100_003}" for n in range(extra)]
    tag = f"{prefix}:" if prefix else ""
    table = (
        f'<{tag}sst xmlns{":" + prefix if prefix else ""}="{MAIN_NS}">'
        + "".join(f"<{tag}si><{tag}t>{t}</{tag}t></{tag}si>" for t in texts)
        + f"</{tag}sst>"
    ).encode()
    cells = b""
    for r, row in enumerate(rows, start=2):
        cells += b'<row r="%d">' % r
        for c, _text in enumerate(row):
            index = texts.index(_text)
            cells += b'<c r="%s%d" t="s"><v>%d</v></c>' % (b"ABCD"[c : c + 1], r, index)
        cells += b"</row>"
    saved = io.BytesIO(_xlsx([HEADER], more_rows_xml=cells, dimension=f"A1:D{len(rows) + 1}"))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            part = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                part = part.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            if entry.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b"</Relationships>", SHARED_STRINGS_REL + b"</Relationships>")
            target.writestr(entry.filename, part)
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHARED_STRINGS_REL = (
    b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)


def test_xlsx_with_shared_strings_as_excel_writes_them_is_read():
    data = _with_shared_strings(
        [["7001", "Åsa", "Öberg", "Social"], ["7002", "Bo", "Ek", "Kultur"]]
    )

    table = read_table(data=data, filename="chefer.xlsx")

    assert table.rows == [
        (2, ["7001", "Åsa", "Öberg", "Social"]),
        (3, ["7002", "Bo", "Ek", "Kultur"]),
    ]


def test_xlsx_with_more_shared_strings_than_the_rows_need_is_refused_before_parsing(org):
    # 50,001 strings, 1.7 MB unpacked: counted a megabyte at a time, none twice or missed.
    rows = [["7001", "Åsa", "Öberg", "Social"]]
    with override_settings(IMPORT_MAX_ROWS=5_000):
        accepted = read_table(data=_with_shared_strings(rows, extra=50_000 - 4, prefix="x"))
        message = _refused(org, _with_shared_strings(rows, extra=50_001 - 4, prefix="x"))

    assert accepted.rows == [(2, ["7001", "Åsa", "Öberg", "Social"])]
    assert message == (
        "XLSX-filen innehåller 50001 olika texter, fler än 5000 rader behöver. Spara den "
        "med bara de kolumner som importen läser, eller som CSV."
    )


def test_a_formatted_cell_in_the_last_column_does_not_widen_the_rows():
    wide = b"".join(b'<row r="%d"><c r="XFD%d" s="1"/></row>' % (n, n) for n in (3, 4))
    data = _xlsx(
        [HEADER, [1001, "Åsa", "Öberg", "Social"]], more_rows_xml=wide, dimension="A1:XFD4"
    )

    table = read_table(data=data, filename="chefer.xlsx")

    assert table.headers == HEADER
    assert table.rows == [(2, [1001, "Åsa", "Öberg", "Social"])]


# --- Excel's "Unicode text" (UTF-16, tab-separated) ---------------------------------------


def _unicode_text(lines) -> bytes:
    return codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le")


UNICODE_TEXT_ROWS = [
    "Anställningsnummer\tFörnamn\tEfternamn\tE-post\tFörvaltning\tChefsnivå",
    "6001\tÅsa\tÖberg\tasa@orebro.se\tSocialförvaltningen\tFörvaltningschef",
    '6002\tMärta\t"Lindén, d.y."\tmarta@orebro.se\tSocialförvaltningen\tEnhetschef',
]


def test_excel_unicode_text_utf16_with_tabs_is_imported(org):
    preview = import_apply(organisation=org, data=_unicode_text(UNICODE_TEXT_ROWS))

    assert (preview.file_format, preview.encoding, preview.delimiter) == (
        "CSV", "UTF-16 LE (BOM)", "\t",
    )  # fmt: skip
    assert sorted(Person.objects.values_list("employee_number", "first_name", "last_name")) == [
        ("6001", "Åsa", "Öberg"),
        ("6002", "Märta", "Lindén, d.y."),
    ]


def test_utf16_big_endian_with_bom_is_read(org):
    data = codecs.BOM_UTF16_BE + "\r\n".join(UNICODE_TEXT_ROWS).encode("utf-16-be")

    preview = import_preview(organisation=org, data=data)

    assert (preview.encoding, len(preview.created)) == ("UTF-16 BE (BOM)", 2)


def test_utf16_file_cut_in_the_middle_of_a_character_is_refused(org):
    data = _unicode_text(UNICODE_TEXT_ROWS)[:-1]

    assert _refused(org, data, "chefer.txt") == "Filen är inte giltig UTF-16-text."


def test_preview_page_names_the_encoding_and_the_tab(client, hr_user, org):
    client.force_login(hr_user)
    upload = SimpleUploadedFile("chefer.txt", _unicode_text(UNICODE_TEXT_ROWS), "text/plain")

    response = client.post(
        reverse("participants:import_upload", kwargs={"org": org.slug}),
        {"file": upload},
        follow=True,
    )

    assert html.parse(response).texts("main ul li")[:2] == [
        "Fil: CSV, 2 rader.",
        "Teckenkodning: UTF-16 LE (BOM); avgränsare: tabb.",
    ]


def test_upload_help_names_the_formats(client, hr_user, org):
    client.force_login(hr_user)

    response = client.get(reverse("participants:import_upload", kwargs={"org": org.slug}))

    assert response.context["form"].fields["file"].help_text == (
        "CSV (avgränsad med ; eller , eller tabb, även Excels ”Unicode-text”) eller XLSX, "
        "högst 5 MB, med kolumnnamn på första raden."
    )


def test_command_names_the_tab_separator(org, tmp_path, capsys):
    path = tmp_path / "chefer.txt"
    path.write_bytes(_unicode_text(UNICODE_TEXT_ROWS))

    call_command("import_managers", str(path), "--organisation", "orebro", "--dry-run")

    assert capsys.readouterr().out.splitlines()[1] == (
        "Teckenkodning: UTF-16 LE (BOM); avgränsare: tabb."
    )


# --- CSV the csv module cannot read --------------------------------------------------------


def test_quotation_mark_never_closed_names_the_row_in_swedish(org):
    lines = [
        "Anställningsnummer;Förnamn;Efternamn;Förvaltning",
        "1;Åsa;Öberg;Social",
        '2;"Bo;Ek;Social',
        *(f"{n};Namn{n};Efternamn{n};Förvaltningen för ärenden nummer {n}" for n in range(3000)),
    ]
    data = "\r\n".join(lines).encode("utf-8")

    assert _refused(org, data, "chefer.csv") == (
        "Rad 3 har ett fält som är längre än 131072 tecken. Oftast beror det på ett "
        'citattecken (") som aldrig stängs.'
    )


def test_nul_character_after_the_first_4_kb_is_refused(org):
    lines = ["Anställningsnummer;Förnamn;Efternamn;Förvaltning"]
    lines += [f"{n};A;B;C" for n in range(1000)] + ["1001;A\x00;B;C"]
    data = "\r\n".join(lines).encode("utf-8")

    assert _refused(org, data, "chefer.csv") == (
        "Filen är varken CSV eller XLSX. Spara den från Excel som CSV eller XLSX och försök igen."
    )
