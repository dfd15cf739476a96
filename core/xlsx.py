"""Writing spreadsheets that are safe to open in Excel.

A cell whose text starts with = + - @ (or a tab/carriage return before them)
would run as a formula; such text is prefixed with an apostrophe-like quote so
Excel shows it as text. Numbers and dates stay numbers and dates.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as it should be written: text that looks like a formula is neutralised."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Build an XLSX from (title, headers, rows) triples and return its bytes."""
    # Imported here, not at start-up: openpyxl brings numpy, about 30 MiB in every web
    # worker that never writes a spreadsheet (issue 17's worker memory line).
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=str(title)[:31])
        sheet.append([safe_cell(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            values = [safe_cell(v) for v in row]
            sheet.append(values)
            for index, value in enumerate(values[: len(widths)]):
                widths[index] = max(widths[index], min(60, len(str(value)) if value else 0))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
