"""Departments as the program counts them: by förvaltning, the top-level department.

Groups are mixed by förvaltning and the overview shows each group's mix by förvaltning:
a unit inside a department counts as that department. A manager's ``department`` is
often such a unit (the import's "Enhet"); pages and lists that say "Förvaltning" show
``DepartmentTree.top_name`` of it. ``department_tree`` is the one place that walks the
tree up.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from participants.models import Department, Organisation

NO_DEPARTMENT = "none"  # the department key of managers without a department


@dataclass(frozen=True)
class DepartmentTree:
    """Every department of an organisation mapped to its top-level department (förvaltning).

    Groups are mixed by förvaltning: a unit inside a department counts as that department.
    """

    top_of: dict[int, int]
    names: dict[int, str]

    def key(self, department_id: int | None) -> int | str:
        if department_id is None or department_id not in self.top_of:
            return NO_DEPARTMENT
        return self.top_of[department_id]

    def name(self, key: int | str) -> str:
        if key == NO_DEPARTMENT or key not in self.names:
            return _("No department")
        return self.names[key]

    def top_name(self, department_id: int | None) -> str | None:
        """The name of the förvaltning a manager's department (often a unit) belongs to."""
        key = self.key(department_id)
        return None if key == NO_DEPARTMENT else self.names[key]

    def descendants(self, top_id: int) -> list[int]:
        return [pk for pk, top in self.top_of.items() if top == top_id]

    def key_names(self) -> dict[int | str, str]:
        """Department key -> name, for composition.warnings_for."""
        names: dict[int | str, str] = {top: self.names[top] for top in set(self.top_of.values())}
        names[NO_DEPARTMENT] = _("No department")
        return names


def department_tree(*, organisation: Organisation | int) -> DepartmentTree:
    """One query (an organisation or its id); the tree (tens of rows) is walked in Python."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    rows = {
        pk: (parent_id, name)
        for pk, parent_id, name in Department.objects.filter(
            organisation_id=organisation_id
        ).values_list("pk", "parent_id", "name")
    }
    top_of = {}
    for pk in rows:
        current, seen = pk, set()
        while rows[current][0] in rows and current not in seen:
            seen.add(current)
            current = rows[current][0]
        top_of[pk] = current
    return DepartmentTree(top_of=top_of, names={pk: name for pk, (_p, name) in rows.items()})
