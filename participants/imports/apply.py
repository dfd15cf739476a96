"""Writing a validated import, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ..accounts import person_record_changed
from ..models import Department, Organisation, Person
from .rows import Preview, Row, changed_fields, import_preview, load_existing

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
    for changed addresses and people no longer active, what
    ``accounts.person_record_changed`` does (never a change to a login itself).
    """
    preview = import_preview(organisation=organisation, data=data, filename=filename)
    if not preview.ok:
        raise ImportRefused(preview)
    # Lock the organisation's people against a concurrent import.
    list(Person.objects.select_for_update().filter(organisation=organisation).values_list("pk"))
    existing = load_existing(organisation)
    departments = _departments(organisation, preview.rows)

    to_create, to_update, before = [], [], {}
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
        elif changed_fields(row, person):
            before[person.pk] = (person.email, person.active)
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
    for person in to_update:
        old_email, was_active = before[person.pk]
        if old_email != person.email or was_active != person.active:
            person_record_changed(person=person, old_email=old_email, was_active=was_active)
    return preview
