"""Reading an uploaded export: size and row caps, encodings, CSV and XLSX, hostile files."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# --- Limits ----------------------------------------------------------------------------

# The size and row caps are settings (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS), read at each call.
# An XLSX holding more than this uncompressed, or compressing better than this
# ratio, is treated as a zip bomb.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 500


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
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise ImportFileError(
            _("The file is neither CSV nor XLSX. Save it from Excel as CSV or XLSX and try again.")
        )
    return _read_csv(data)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
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
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is not valid UTF-8 text.")) from exc
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ImportFileError(
            _("The file could not be read as CSV (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    return Table(headers, rows, "CSV", encoding, delimiter)


def _too_many_rows() -> str:
    return _("The file has more than %(limit)d rows. Split it into smaller files.") % {
        "limit": settings.IMPORT_MAX_ROWS
    }


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
        if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
            raise ImportFileError(
                _("The XLSX file unpacks to far more data than a spreadsheet holds; refused.")
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


def _read_xlsx(data: bytes) -> Table:
    _check_xlsx_archive(data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken files
        raise ImportFileError(_("The XLSX file could not be read: it may be damaged.")) from exc
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise ImportFileError(_("The file is empty."))
        headers = ["" if c is None else str(c) for c in header_cells]
        rows = []
        for number, cells in enumerate(iterator, start=2):
            values = ["" if c is None else c for c in cells]
            if not any(str(v).strip() for v in values):
                continue
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            rows.append((number, values))
    finally:
        workbook.close()
    return Table(headers, rows, "XLSX")
