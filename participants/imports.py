"""Import managers from an HR-system export (CSV or XLSX): parse, validate, preview, apply.

The import is all or nothing. ``import_preview`` reads the file and says what
would be created, updated or left unchanged, and lists every bad row with its
row number and a reason; ``import_apply`` runs the same validation and writes
only when no row is bad. Running the same file twice changes nothing.

Files are checked before they are parsed: a size cap, a row cap, XLSX archives
are inspected for zip bombs and XML entity declarations (and openpyxl parses
through defusedxml), and anything that is neither CSV nor XLSX is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Consultant, Department, Level, Membership, Organisation, Person, User

# --- Limits ----------------------------------------------------------------------------

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)
# An XLSX holding more than this uncompressed, or compressing better than this
# ratio, is treated as a zip bomb.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


# --- Columns ---------------------------------------------------------------------------

# Accepted headers per field, compared case-insensitively after trimming.
HEADERS = {
    "employee_number": [
        "anställningsnummer", "anst.nr", "anstnr", "anställningsnr", "employee_number",
        "employee number", "employee id",
    ],
    "first_name": ["förnamn", "first_name", "first name", "given name"],
    "last_name": ["efternamn", "last_name", "last name", "surname", "family name"],
    "email": ["e-post", "epost", "e-postadress", "email", "e-mail", "e-mail address"],
    "department": ["förvaltning", "verksamhet", "department"],
    "unit": ["enhet", "unit"],
    "level": ["chefsnivå", "nivå", "level", "managerial level"],
    "line_manager": [
        "närmaste chef (anst.nr)", "närmaste chef", "chef (anst.nr)", "line_manager",
        "line manager", "line manager (employee number)", "manager employee number",
    ],
    "manager_since": ["chef sedan", "manager_since", "manager since"],
    "active": ["aktiv", "active"],
}  # fmt: skip
REQUIRED = ("employee_number", "first_name", "last_name", "department")
FIELD_LABELS = {
    "employee_number": gettext_lazy("Employee number"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "department": gettext_lazy("Department"),
}

LEVELS = {
    "kommunledning": Level.MUNICIPAL_MANAGEMENT,
    "municipal management": Level.MUNICIPAL_MANAGEMENT,
    "förvaltningschef": Level.DEPARTMENT_HEAD,
    "head of department": Level.DEPARTMENT_HEAD,
    "avdelningschef": Level.DIVISION_HEAD,
    "head of division": Level.DIVISION_HEAD,
    "enhetschef": Level.FIRST_LINE,
    "första linjen": Level.FIRST_LINE,
    "första linjens chef": Level.FIRST_LINE,
    "enhetschef/första linjen": Level.FIRST_LINE,
    "first-line manager": Level.FIRST_LINE,
    "first line": Level.FIRST_LINE,
}

TRUE_WORDS = {"ja", "j", "yes", "y", "1", "true", "sant", "aktiv", "x"}
FALSE_WORDS = {"nej", "n", "no", "0", "false", "falskt", "inaktiv", "slutat"}

# Date formats, in the order they are tried, with how the preview names them.
DATE_FORMATS = [
    ("%Y-%m-%d", "ÅÅÅÅ-MM-DD"),
    ("%Y-%m-%d %H:%M", "ÅÅÅÅ-MM-DD tt:mm"),
    ("%Y-%m-%d %H:%M:%S", "ÅÅÅÅ-MM-DD tt:mm:ss"),
    ("%d/%m/%Y", "D/M/ÅÅÅÅ"),
]
EXCEL_DATE = "Excel-datum"


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
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": _mb(len(data)), "limit": _mb(MAX_BYTES)}
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
            if len(rows) >= MAX_ROWS:
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
        "limit": MAX_ROWS
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
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            rows.append((number, values))
    finally:
        workbook.close()
    return Table(headers, rows, "XLSX")


# --- Validating rows ---------------------------------------------------------------------


@dataclass
class Row:
    number: int
    employee_number: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    department: str = ""
    unit: str = ""
    level: str = Level.FIRST_LINE
    line_manager: str = ""
    manager_since: dt.date | None = None
    active: bool = True
    errors: list[str] = field(default_factory=list)


@dataclass
class Change:
    row: int
    employee_number: str
    name: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What an import would do. ``ok`` only when no row is bad."""

    file_format: str
    encoding: str
    delimiter: str
    total_rows: int
    created: list[Change]
    updated: list[Change]
    unchanged: int
    errors: list[tuple[int, str]]
    date_formats: list[str]
    new_departments: list[str]
    rows: list[Row] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors and self.total_rows > 0


def _norm(header: object) -> str:
    return re.sub(r"\s+", " ", str(header).replace("\ufeff", "")).strip().lower()


def _map_headers(headers: list[str]) -> dict[str, int]:
    lookup = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = lookup.get(_norm(header))
        if key and key not in mapping:
            mapping[key] = index
    missing = [str(FIELD_LABELS[key]) for key in REQUIRED if key not in mapping]
    if missing:
        raise ImportFileError(
            _(
                "The file lacks required columns: %(missing)s. "
                "The first row must hold the column names."
            )
            % {"missing": ", ".join(missing)}
        )
    return mapping


def _cell(cells: list[object], mapping: dict[str, int], key: str) -> object:
    index = mapping.get(key)
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _parse_date(value: object, used: set[str]) -> dt.date | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        used.add(EXCEL_DATE)
        return value.date()
    if isinstance(value, dt.date):
        used.add(EXCEL_DATE)
        return value
    text = str(value).strip()
    for fmt, label in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        used.add(label)
        return parsed
    raise ValueError(text)


def _parse_row(number, cells, mapping, date_formats: set[str]) -> Row:
    row = Row(number=number, employee_number=_text(_cell(cells, mapping, "employee_number")))
    row.first_name = _text(_cell(cells, mapping, "first_name"))
    row.last_name = _text(_cell(cells, mapping, "last_name"))
    row.email = _text(_cell(cells, mapping, "email")).lower()
    row.department = _text(_cell(cells, mapping, "department"))
    row.unit = _text(_cell(cells, mapping, "unit"))
    row.line_manager = _text(_cell(cells, mapping, "line_manager"))
    for name, label in (
        ("employee_number", _("employee number")),
        ("first_name", _("first name")),
        ("last_name", _("last name")),
        ("department", _("department")),
    ):
        if not getattr(row, name):
            row.errors.append(capfirst(_("The %(field)s is missing.") % {"field": label}))
    for name in ("employee_number", "first_name", "last_name", "department", "unit", "email"):
        value = getattr(row, name)
        if "\x00" in value or len(value) > 200:
            row.errors.append(_("A value is too long or holds invalid characters."))
            break
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(
                _("The e-mail address %(email)s is not valid.") % {"email": row.email}
            )
    level_text = _text(_cell(cells, mapping, "level")).lower()
    if level_text:
        level = LEVELS.get(level_text) or (level_text if level_text in Level.values else None)
        if level is None:
            row.errors.append(
                _("Unknown managerial level “%(level)s”. Use one of: %(choices)s.")
                % {"level": level_text, "choices": ", ".join(str(c) for c in Level.labels)}
            )
        else:
            row.level = level
    try:
        row.manager_since = _parse_date(_cell(cells, mapping, "manager_since"), date_formats)
    except ValueError as exc:
        row.errors.append(
            _("The date “%(value)s” is not understood. Write it as 2015-03-01 or 1/3/2015.")
            % {"value": exc.args[0]}
        )
    active_text = _text(_cell(cells, mapping, "active")).lower()
    if active_text in FALSE_WORDS:
        row.active = False
    elif active_text and active_text not in TRUE_WORDS:
        row.errors.append(
            _("“%(value)s” is not a valid answer for active; write ja or nej.")
            % {"value": active_text}
        )
    return row


def _check_line_managers(rows: list[Row], existing: dict[str, Person]) -> None:
    """Resolve line-manager references and refuse unknown ones and loops."""
    by_number = {row.employee_number: row for row in rows if row.employee_number}
    # The line of managers after the import: the file wins over the database.
    manager_of: dict[str, str] = {
        number: person._line_manager_number
        for number, person in existing.items()
        if person._line_manager_number
    }
    for row in rows:
        if row.employee_number:
            if row.line_manager:
                manager_of[row.employee_number] = row.line_manager
            else:
                manager_of.pop(row.employee_number, None)
    for row in rows:
        if not row.line_manager:
            continue
        if row.line_manager == row.employee_number:
            row.errors.append(_("A manager cannot be their own line manager."))
        elif row.line_manager not in by_number and row.line_manager not in existing:
            row.errors.append(
                _("The line manager with employee number %(number)s is neither in the file nor "
                  "among the organisation's managers.")
                % {"number": row.line_manager}
            )  # fmt: skip
    # Find loops: walk up from every person with a colour per walk.
    state: dict[str, int] = {}
    in_cycle: set[str] = set()
    for start in list(manager_of):
        path: list[str] = []
        node = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = manager_of.get(node)
        if node is not None and state.get(node) == 1 and node in path:
            in_cycle.update(path[path.index(node) :])
        for visited in path:
            state[visited] = 2
    for row in rows:
        if row.employee_number in in_cycle and row.line_manager:
            row.errors.append(
                _("The line of managers makes a loop through employee number %(number)s.")
                % {"number": row.employee_number}
            )


def _load_existing(organisation: Organisation) -> dict[str, Person]:
    people = {}
    queryset = Person.objects.filter(organisation=organisation).select_related(
        "department__parent", "line_manager", "user"
    )
    for person in queryset:
        person._line_manager_number = (
            person.line_manager.employee_number if person.line_manager else ""
        )
        people[person.employee_number] = person
    return people


def _department_names(person: Person) -> tuple[str, str]:
    department = person.department
    if department is None:
        return "", ""
    if department.parent_id:
        return department.parent.name, department.name
    return department.name, ""


def _changes(row: Row, person: Person) -> list[str]:
    department, unit = _department_names(person)
    pairs = [
        ("first_name", person.first_name, row.first_name, _("first name")),
        ("last_name", person.last_name, row.last_name, _("last name")),
        ("email", person.email.lower(), row.email, _("e-mail address")),
        ("department", department, row.department, _("department")),
        ("unit", unit, row.unit, _("unit")),
        ("level", person.level, row.level, _("managerial level")),
        ("line_manager", person._line_manager_number, row.line_manager, _("line manager")),
        ("manager_since", person.manager_since, row.manager_since, _("manager since")),
        ("active", person.active, row.active, _("active")),
    ]
    return [str(label) for _key, old, new, label in pairs if old != new]


def import_preview(*, organisation: Organisation, data: bytes, filename: str = "") -> Preview:
    """Read and validate a file; nothing is written. Raises ImportFileError."""
    table = read_table(data=data, filename=filename)
    mapping = _map_headers(table.headers)
    if not table.rows:
        raise ImportFileError(_("The file has column names but no rows."))
    date_formats: set[str] = set()
    rows = [_parse_row(n, cells, mapping, date_formats) for n, cells in table.rows]
    seen: dict[str, int] = {}
    for row in rows:
        if not row.employee_number:
            continue
        if row.employee_number in seen:
            row.errors.append(
                _("Employee number %(number)s appears again (first on row %(row)d).")
                % {"number": row.employee_number, "row": seen[row.employee_number]}
            )
        else:
            seen[row.employee_number] = row.number
    existing = _load_existing(organisation)
    _check_line_managers(rows, existing)

    created, updated, unchanged = [], [], 0
    for row in rows:
        if row.errors:
            continue
        person = existing.get(row.employee_number)
        name = f"{row.first_name} {row.last_name}"
        if person is None:
            created.append(Change(row.number, row.employee_number, name))
        elif fields := _changes(row, person):
            updated.append(Change(row.number, row.employee_number, name, fields))
        else:
            unchanged += 1
    known = set(Department.objects.filter(organisation=organisation).values_list("name", flat=True))
    new_departments = sorted(
        {r.department for r in rows if r.department and r.department not in known}
        | {r.unit for r in rows if r.unit and r.unit not in known}
    )
    errors = [(row.number, message) for row in rows for message in row.errors]
    return Preview(
        file_format=table.file_format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        total_rows=len(rows),
        created=created,
        updated=updated,
        unchanged=unchanged,
        errors=errors,
        date_formats=sorted(date_formats),
        new_departments=new_departments,
        rows=rows,
    )


# --- Applying --------------------------------------------------------------------------


class ImportRefused(Exception):
    """The file has bad rows; nothing was written."""

    def __init__(self, preview: Preview):
        super().__init__(_("The import has errors; nothing was imported."))
        self.preview = preview


def _departments(
    organisation: Organisation, rows: Iterable[Row]
) -> dict[tuple[str, str], Department]:
    """Get or create the department (and unit) of every row. Returns (department, unit) → row."""
    top = {
        d.name: d for d in Department.objects.filter(organisation=organisation, parent__isnull=True)
    }
    children = {
        (d.parent.name, d.name): d
        for d in Department.objects.filter(
            organisation=organisation, parent__isnull=False
        ).select_related("parent")
    }
    result = {}
    for row in rows:
        if row.department not in top:
            top[row.department] = Department.objects.create(
                organisation=organisation, name=row.department
            )
        key = (row.department, row.unit)
        if row.unit:
            if key not in children:
                children[key] = Department.objects.create(
                    organisation=organisation, name=row.unit, parent=top[row.department]
                )
            result[key] = children[key]
        else:
            result[key] = top[row.department]
    return result


@transaction.atomic
def import_apply(*, organisation: Organisation, data: bytes, filename: str = "") -> Preview:
    """Validate again and write everything, or nothing when any row is bad.

    Side effects: creates missing departments; creates and updates Person rows;
    updates the e-mail of linked logins and blocks the login of people who are
    no longer active (unless they hold another role).
    """
    preview = import_preview(organisation=organisation, data=data, filename=filename)
    if not preview.ok:
        raise ImportRefused(preview)
    # Lock the organisation's people against a concurrent import.
    list(Person.objects.select_for_update().filter(organisation=organisation).values_list("pk"))
    existing = _load_existing(organisation)
    departments = _departments(organisation, preview.rows)

    to_create, to_update = [], []
    for row in preview.rows:
        person = existing.get(row.employee_number)
        values = {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "email": row.email,
            "department": departments[(row.department, row.unit)],
            "level": row.level,
            "manager_since": row.manager_since,
            "active": row.active,
        }
        if person is None:
            person = Person(
                organisation=organisation, employee_number=row.employee_number, **values
            )
            to_create.append(person)
            existing[row.employee_number] = person
        elif _changes(row, person):
            for key, value in values.items():
                setattr(person, key, value)
            to_update.append(person)
    Person.objects.bulk_create(to_create, batch_size=1000)
    fields = ["first_name", "last_name", "email", "department", "level", "manager_since", "active"]
    Person.objects.bulk_update(to_update, fields, batch_size=1000)

    relinked = []
    for row in preview.rows:
        person = existing[row.employee_number]
        manager = existing.get(row.line_manager) if row.line_manager else None
        if person.line_manager_id != (manager.pk if manager else None):
            person.line_manager = manager
            relinked.append(person)
    Person.objects.bulk_update(relinked, ["line_manager"], batch_size=1000)
    _sync_logins(to_update)
    return preview


def _sync_logins(people: list[Person]) -> None:
    """A changed e-mail moves the login with it; a person no longer active cannot log in."""
    for person in people:
        if person.user_id is None:
            continue
        user = User.objects.get(pk=person.user_id)
        changed = []
        taken = User.objects.filter(email__iexact=person.email).exclude(pk=user.pk).exists()
        if person.email and user.email != person.email and not taken:
            user.email = person.email
            changed.append("email")
        has_other_role = (
            Membership.objects.filter(user=user).exists()
            or Consultant.objects.filter(user=user).exists()
        )
        if not person.active and user.is_active and not has_other_role:
            user.is_active = False
            changed.append("is_active")
        if changed:
            user.save(update_fields=changed)
