"""Reading an uploaded export: size and row caps, encodings, CSV and XLSX, hostile files."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# --- Limits ----------------------------------------------------------------------------

# The size and row caps are settings (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS), read at each call.
# Every row counts toward the row cap, blank ones too, and reading stops there: a sheet
# formatted down to row 1,048,576 is refused at once instead of being read to the end.
#
# An XLSX unpacking to more than the rows it may hold need, or compressing better than
# MAX_RATIO, is refused before openpyxl parses it. Measured with openpyxl, which writes
# every string inline (the wordiest form; Excel shares them): 20,000 rows of the nine
# columns the import reads unpack to 10.2 MB, 510 bytes a row, and took openpyxl 13 s to
# read on a busy machine; parsing time grows with the XML, so this limit is what bounds
# it. Twice the measured row leaves room for longer values and a few more columns: with
# the base, 20.1 MB at the default cap. A sheet of 1.9 million blank rows (30 to 45 bytes
# each) is refused unread. An export with 21 more columns of text (1,780 bytes a row)
# fits up to 11,000 rows; the message says to leave out the columns the import ignores.
XLSX_BYTES_PER_ROW = 1_000
# The workbook's other parts (styles, theme, properties): 18 KB from openpyxl.
XLSX_BYTES_BASE = 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 500
# Shared strings: openpyxl reads every one when it opens a workbook, about 35 µs each (a
# million, in a 2.5 MB file, took 35 s). The nine columns the import reads and one more,
# each cell a different text, need ten a row.
SHARED_STRINGS_PER_ROW = 10
# Columns read from a sheet. One formatted cell in column XFD would otherwise make every
# row 16,384 cells wide; a header beyond this column is not found.
XLSX_MAX_COLUMNS = 256


def max_unpacked_bytes() -> int:
    """The most an XLSX may unpack to: what IMPORT_MAX_ROWS rows need, with room."""
    return XLSX_BYTES_BASE + settings.IMPORT_MAX_ROWS * XLSX_BYTES_PER_ROW


def max_shared_strings() -> int:
    return settings.IMPORT_MAX_ROWS * SHARED_STRINGS_PER_ROW


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


# --- Reading the file ------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number in the file, cells)
    file_format: str
    encoding: str = ""
    delimiter: str = ""


_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"BM",
    b"Rar!", b"7z\xbc\xaf",
)  # fmt: skip


def read_table(*, data: bytes, filename: str = "") -> Table:
    """Turn uploaded bytes into a header row and data rows. Raises ImportFileError."""
    if len(data) == 0:
        raise ImportFileError(_("The file is empty."))
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": _mb(len(data)), "limit": _mb(settings.IMPORT_MAX_BYTES)}
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(_UTF16_BOMS):
        # Excel's "Unicode text": UTF-16 with its byte order mark, tab-separated. Its
        # NUL bytes are text, not the mark of a binary file.
        return _read_csv(data)
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise ImportFileError(_not_csv_or_xlsx())
    return _read_csv(data)


def _not_csv_or_xlsx() -> str:
    return _("The file is neither CSV nor XLSX. Save it from Excel as CSV or XLSX and try again.")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding, for the preview. Raises ImportFileError."""
    for bom, codec, name in (
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (BOM)"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (BOM)"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                raise ImportFileError(_("The file is not valid UTF-16 text.")) from exc
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file is not valid UTF-8 text.")) from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file's character encoding is unknown. Save it as UTF-8 or as CSV from Excel.")
        ) from exc


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    if "\x00" in text:
        raise ImportFileError(_not_csv_or_xlsx())
    first_line = text.splitlines()[0]
    # The commonest separator in the header row; on a tie, the first of these.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[object]]]:
        while True:
            # A record may span lines; it is named by the line it starts on.
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(_csv_error(exc, start)) from exc
            yield start, cells

    rows = numbered()
    _number, headers = next(rows)
    return Table(headers, _data_rows(rows), "CSV", encoding, delimiter)


def _csv_error(exc: csv.Error, line: int) -> str:
    if str(exc).startswith("field larger than field limit"):
        return _(
            "Row %(line)d has a field longer than %(limit)d characters. The usual cause is "
            'a quotation mark (") that is never closed.'
        ) % {"line": line, "limit": csv.field_size_limit()}
    return _("The file could not be read as CSV (row %(line)d).") % {"line": line}


def _data_rows(numbered: Iterable[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
    """The rows that hold something. Every row counts toward the cap, blank ones too, and
    reading stops at the first row past it."""
    rows = []
    for count, (number, cells) in enumerate(numbered, start=1):
        if count > settings.IMPORT_MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        if any(str(c).strip() for c in cells):
            rows.append((number, cells))
    return rows


def _too_many_rows() -> str:
    return _(
        "The file has more than %(limit)d rows (empty rows count too). Split it into "
        "smaller files, or delete the empty rows below the last manager."
    ) % {"limit": settings.IMPORT_MAX_ROWS}


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse zip bombs and XML with entity declarations before openpyxl sees the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("The file is not a valid XLSX file.")) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ImportFileError(_("The XLSX file has too many parts to be a spreadsheet."))
        names = {e.filename for e in entries}
        if "xl/workbook.xml" not in names:
            raise ImportFileError(_("The file is a ZIP archive but not an XLSX spreadsheet."))
        total = sum(e.file_size for e in entries)
        packed = max(1, sum(e.compress_size for e in entries))
        if total / packed > MAX_RATIO:
            raise ImportFileError(
                _("The XLSX file unpacks to far more data than a spreadsheet holds; refused.")
            )
        if total > max_unpacked_bytes():
            raise ImportFileError(
                _(
                    "The XLSX file unpacks to %(size)s MB, more than %(rows)d rows need "
                    "(%(limit)s MB). Save it with only the columns the import reads, or as CSV."
                )
                % {
                    "size": _mb(total),
                    "rows": settings.IMPORT_MAX_ROWS,
                    "limit": _mb(max_unpacked_bytes()),
                }
            )
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(entry) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportFileError(
                    _("The XLSX file contains XML entity declarations and was refused.")
                )
        strings = sum(
            _shared_strings_in(archive, e) for e in entries if e.filename.endswith(".xml")
        )
        if strings > max_shared_strings():
            raise ImportFileError(
                _(
                    "The XLSX file holds %(count)d different texts, more than %(rows)d rows "
                    "need. Save it with only the columns the import reads, or as CSV."
                )
                % {"count": strings, "rows": settings.IMPORT_MAX_ROWS}
            )


# A shared string's start tag, with or without a namespace prefix: <si>, <x:si>, <si/>.
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")


def _shared_strings_in(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """Count a part's shared strings as it unpacks, a megabyte at a time; any part may be
    the table (openpyxl finds it by content type, not by name)."""
    count, tail = 0, b""
    with archive.open(entry) as part:
        while chunk := part.read(1024 * 1024):
            data = tail + chunk
            # A tag cut at the chunk's end is counted with the next chunk.
            cut = data.rfind(b"<")
            if cut != -1 and b">" not in data[cut:]:
                data, tail = data[:cut], data[cut:]
            else:
                tail = b""
            count += len(_SHARED_STRING.findall(data))
    return count


def _read_xlsx(data: bytes) -> Table:
    _check_xlsx_archive(data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken files
        raise ImportFileError(_damaged()) from exc
    try:
        rows = _sheet_rows(workbook.worksheets[0])
        header_cells = next(rows, None)
        if header_cells is None:
            raise ImportFileError(_("The file is empty."))
        headers = [str(c) for c in header_cells]
        while headers and not headers[-1].strip():
            headers.pop()
        width = len(headers)
        data_rows = _data_rows((number, cells[:width]) for number, cells in enumerate(rows, 2))
    finally:
        workbook.close()
    return Table(headers, data_rows, "XLSX")


def _sheet_rows(sheet) -> Iterator[list[object]]:
    """Every row's values, blank rows too, up to one row past the cap.

    The bounds are given, not taken from the sheet's own dimension, which may be wrong
    or claim the whole grid."""
    rows = sheet.iter_rows(
        max_row=settings.IMPORT_MAX_ROWS + 2,  # the header, the cap, one more
        max_col=XLSX_MAX_COLUMNS,
        values_only=True,
    )
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the sheet's XML is parsed as it is read
            raise ImportFileError(_damaged()) from exc
        yield ["" if c is None else c for c in cells]


def _damaged() -> str:
    return _("The XLSX file could not be read: it may be damaged.")
