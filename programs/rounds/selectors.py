"""The reads of the rounds pages: departments, the pool, the intake list, the next round."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _

from participants.models import Department, Organisation, Person

from .. import composition
from ..models import Enrollment, Group, Program, Round
from ..places import holding_place_q

NO_DEPARTMENT = "none"  # the department key of managers without a department


# --- Departments ---------------------------------------------------------------------------


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


def candidates_for(
    *, people: Sequence[Person], tree: DepartmentTree
) -> list[composition.Candidate]:
    """People as the composer sees them: id, top-level department, level."""
    return [
        composition.Candidate(id=p.pk, department=tree.key(p.department_id), level=p.level)
        for p in people
    ]


# --- Reads: the pool, the intake list, the next round ----------------------------------------


def holds_place_in(program: Program) -> Exists:
    return Exists(Enrollment.objects.holding_place().filter(person=OuterRef("pk"), program=program))


def pool_people(
    *,
    program: Program,
    tree: DepartmentTree | None = None,
    search: str = "",
    department: Department | None = None,
    level: str = "",
    manager_since_from=None,
    manager_since_to=None,
) -> QuerySet[Person]:
    """Active managers of the program's organisation without a place in it, filtered.

    ``department`` is a top-level department and takes its units along (needs ``tree``).
    One query.
    """
    queryset = (
        Person.objects.filter(organisation_id=program.organisation_id, active=True)
        .exclude(holds_place_in(program))
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )
    for word in search.split()[:5]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(employee_number__iexact=word)
        )
    if department is not None:
        ids = tree.descendants(department.pk) if tree else [department.pk]
        queryset = queryset.filter(department_id__in=ids)
    if level:
        queryset = queryset.filter(level=level)
    if manager_since_from is not None:
        queryset = queryset.filter(manager_since__gte=manager_since_from)
    if manager_since_to is not None:
        queryset = queryset.filter(manager_since__lte=manager_since_to)
    return queryset


def intake_people(*, program: Program) -> QuerySet[Person]:
    """Active managers not in the program: those appointed after it started first.

    The late appointments come longest-waiting first; the others follow by name.
    Each row carries ``appointed_late``. One query.
    """
    late = Q(manager_since__gt=program.starts_on)
    return (
        Person.objects.filter(organisation_id=program.organisation_id, active=True)
        .exclude(holds_place_in(program))
        .select_related("department")
        .annotate(
            appointed_late=Case(
                When(late, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by(
            F("appointed_late").desc(),
            Case(When(late, then=F("manager_since"))).asc(nulls_last=True),
            "last_name",
            "first_name",
            "pk",
        )
    )


def next_round(*, program: Program, today) -> Round | None:
    """The program's earliest round that has not started yet."""
    return program.rounds.filter(starts_on__gt=today).order_by("starts_on", "number").first()


def groups_with_size(*, rounds: Sequence[Round] | QuerySet[Round]) -> list[Group]:
    """The rounds' groups with ``size`` (places held), in round and group order. One query."""
    return list(
        Group.objects.filter(round__in=rounds)
        .select_related("round__program")
        .annotate(
            size=Count(
                "enrollments",
                filter=holding_place_q("enrollments__"),
            )
        )
        .order_by("round__number", "number")
    )


def next_group_number(*, program: Program) -> int:
    """Groups are numbered through the whole program (Grupp 1 to 23 over five rounds)."""
    highest = Group.objects.filter(round__program=program).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1
