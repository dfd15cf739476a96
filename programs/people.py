"""The manager registry's reads that show program data: who is in the program, and one
manager's places, sessions, attendance and agreement states (never agreement texts)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from participants.models import Organisation, Person
from participants.selectors import people_in

from .departments import DepartmentTree, department_tree
from .models import Agreement, Attendance, Enrollment, Session


def registry_people(
    *,
    organisation: Organisation,
    search: str = "",
    department=None,
    level: str = "",
    enrolled: str = "",
    manager_since_from=None,
    active: str = "",
) -> QuerySet[Person]:
    """The registry list, filtered; one query per page whatever the data size."""
    current = Enrollment.objects.holding_place().filter(person=OuterRef("pk"))
    queryset = (
        people_in(organisation=organisation)
        .select_related("department", "line_manager")
        .annotate(is_enrolled=Exists(current))
        .order_by("last_name", "first_name", "pk")
    )
    if search:
        for word in search.split()[:5]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(employee_number__iexact=word)
                | Q(email__icontains=word)
            )
    if department is not None:
        queryset = queryset.filter(Q(department=department) | Q(department__parent=department))
    if level:
        queryset = queryset.filter(level=level)
    if enrolled == "yes":
        queryset = queryset.filter(is_enrolled=True)
    elif enrolled == "no":
        queryset = queryset.filter(is_enrolled=False)
    if manager_since_from is not None:
        queryset = queryset.filter(manager_since__gte=manager_since_from)
    if active == "yes":
        queryset = queryset.filter(active=True)
    elif active == "no":
        queryset = queryset.filter(active=False)
    return queryset


def person_detail(*, organisation: Organisation, pk: int) -> Person:
    """One manager with enrollments, sessions, attendance and agreement states (never texts)."""
    person = (
        people_in(organisation=organisation)
        .select_related("department__parent", "line_manager", "user")
        .prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("group__round__program")
                .prefetch_related(
                    Prefetch(
                        "group__sessions",
                        queryset=Session.objects.select_related(
                            "module", "process_leader"
                        ).order_by("module__order"),
                    ),
                    Prefetch(
                        "attendances",
                        queryset=Attendance.objects.only(
                            "pk", "enrollment_id", "session_id", "status"
                        ),
                    ),
                    Prefetch(
                        "agreements", queryset=Agreement.objects.defer("texts", "return_comment")
                    ),
                )
                .order_by("-created_at"),
            ),
            "direct_reports",
        )
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    return person


@dataclass(frozen=True)
class RegistryRow:
    """A manager in the registry, with the förvaltning their department belongs to and, when
    that department is a unit below it, the unit."""

    person: Person
    forvaltning: str | None
    unit: str


def forvaltning_and_unit(tree: DepartmentTree, person: Person) -> tuple[str | None, str]:
    """A manager's förvaltning, and their unit when their department is one below it."""
    top = tree.top_name(person.department_id)
    own = person.department.name if person.department_id else ""
    return top, (own if own != top else "")


def registry_rows(people, *, organisation: Organisation) -> list[RegistryRow]:
    """The managers with their förvaltning and unit: one query for the department tree."""
    tree = department_tree(organisation=organisation)
    return [RegistryRow(person, *forvaltning_and_unit(tree, person)) for person in people]
