"""Reads about people and organisations, always scoped to the asking user."""

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Consultant, ManagerImport, Membership, Organisation, Person, User


def organisations_for(*, user: User) -> QuerySet[Organisation]:
    """Every organisation in which the user holds any role, stored or derived.

    Three ``IN`` subqueries, each on an index of the user, rather than joining the
    three relations and removing the duplicates with DISTINCT: at national scale
    (150,000 managers) the join read every person of every organisation, about
    200 ms on every start page, for a user with no organisation as much as for any.
    """
    if not user.is_authenticated:
        return Organisation.objects.none()
    consultant_of = Consultant.organisations.through.objects.filter(consultant__user=user)
    return Organisation.objects.filter(
        Q(pk__in=Membership.objects.filter(user=user).values("organisation_id"))
        | Q(pk__in=Person.objects.filter(user=user, active=True).values("organisation_id"))
        | Q(pk__in=consultant_of.values("organisation_id"))
    ).order_by("name")


# --- The manager registry -----------------------------------------------------------------


def people_in(*, organisation: Organisation) -> QuerySet[Person]:
    """Every manager of the organisation: the only way views reach Person rows."""
    return Person.objects.filter(organisation=organisation)


# --- Imports ------------------------------------------------------------------------------


def imports_naming(*, organisation_id: int, employee_number: str) -> list[ManagerImport]:
    """The organisation's imports whose stored summary has a created or updated row with
    the employee number ([row, employee number, name, (fields)]), oldest first.

    PostgreSQL narrows them with a JSON containment lookup; SQLite (the demo's default
    database) has no such lookup, so there every import of the organisation is read and
    the rows are matched here. Either way only exact matches of the number are returned.
    """
    found = ManagerImport.objects.filter(organisation_id=organisation_id)
    if connection.features.supports_json_field_contains:
        found = found.filter(
            Q(summary__created__contains=[[employee_number]])
            | Q(summary__updated__contains=[[employee_number]])
        )
    return [
        record
        for record in found.order_by("created_at")
        if any(
            len(line) > 1 and line[1] == employee_number
            for change in ("created", "updated")
            for line in (record.summary or {}).get(change, [])
        )
    ]
