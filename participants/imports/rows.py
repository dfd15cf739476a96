"""Validating rows: columns, values, dates, line managers and loops; the preview."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Department, Level, Organisation, Person
from .files import ImportFileError, read_table

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


def load_existing(organisation: Organisation) -> dict[str, Person]:
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


def changed_fields(row: Row, person: Person) -> list[str]:
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
    existing = load_existing(organisation)
    _check_line_managers(rows, existing)

    created, updated, unchanged = [], [], 0
    for row in rows:
        if row.errors:
            continue
        person = existing.get(row.employee_number)
        name = f"{row.first_name} {row.last_name}"
        if person is None:
            created.append(Change(row.number, row.employee_number, name))
        elif fields := changed_fields(row, person):
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
