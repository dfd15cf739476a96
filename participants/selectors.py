"""Reads about people and organisations, always scoped to the asking user."""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    Consultant,
    LoginConfirmation,
    ManagerImport,
    Membership,
    Organisation,
    Person,
    PlatformOperator,
    User,
)


def _table(model) -> str:
    return model._meta.db_table


@functools.cache
def _organisation_ids_sql() -> str:
    """The ids of the organisations a user belongs to; three parameters, the user's id each.

    The one form of the rule of ``organisations_for``: a stored role (a membership), an
    active manager record, or working there as a consultant.
    """
    through = _table(Consultant.organisations.through)
    return f"""
        SELECT organisation_id FROM {_table(Membership)} WHERE user_id = %s
        UNION ALL
        SELECT organisation_id FROM {_table(Person)} WHERE user_id = %s AND active
        UNION ALL
        SELECT co.organisation_id FROM {through} co
          JOIN {_table(Consultant)} c ON c.id = co.consultant_id
          WHERE c.user_id = %s
    """  # noqa: S608 - names come from the models' _meta; every value is a parameter


def _organisation_columns(alias: str) -> str:
    return ", ".join(f"{alias}.{field.column}" for field in Organisation._meta.concrete_fields)


def _organisations_from(rows, *, width: int | None = None) -> list[Organisation]:
    fields = Organisation._meta.concrete_fields
    names = [field.attname for field in fields]
    width = width or len(fields)
    return [
        Organisation.from_db(connection.alias, names, row[:width])
        for row in rows
        if row[0] is not None
    ]


def organisations_for(*, user: User) -> list[Organisation]:
    """Every organisation in which the user holds any role, stored or derived, by name.

    One hand-written query, on indexes of the user: it runs on every start page and
    every password login. The ORM's join of the three relations with DISTINCT read
    every person of every organisation at national scale (150,000 managers, ~200 ms);
    the same question as ORM subqueries still cost ~1.3 ms to compile.
    """
    if not user.is_authenticated:
        return []
    sql = f"""
        SELECT {_organisation_columns("o")} FROM {_table(Organisation)} o
        WHERE o.id IN ({_organisation_ids_sql()}) ORDER BY o.name
    """  # noqa: S608 - as above
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * 3)
        return _organisations_from(cursor.fetchall())


@dataclass(frozen=True)
class StartFacts:
    """What the start page (``/``) needs to know of a login, read in one query."""

    organisations: list[Organisation]  # as organisations_for
    platform_operator: bool  # as participants.access.is_platform_operator
    consultant: bool  # the login is a consultant's
    # A login confirmation waits (the same rule as accounts.pending_confirmations,
    # of a kind other than a new e-mail address): only then are they read.
    confirmations_waiting: bool


@functools.cache
def _start_facts_sql() -> str:
    # One row even without organisations: the flags, left-joined to the organisations.
    return f"""
        SELECT {_organisation_columns("o")}, f.operator, f.consultant, f.confirmations
        FROM (SELECT
            EXISTS (SELECT 1 FROM {_table(PlatformOperator)} WHERE user_id = %s) AS operator,
            EXISTS (SELECT 1 FROM {_table(Consultant)} WHERE user_id = %s) AS consultant,
            EXISTS (SELECT 1 FROM {_table(LoginConfirmation)}
                    WHERE user_id = %s AND state = %s AND kind <> %s AND created_at >= %s)
              AS confirmations
        ) f
        LEFT JOIN {_table(Organisation)} o ON o.id IN ({_organisation_ids_sql()})
        ORDER BY o.name
    """  # noqa: S608 - as above


def start_facts(*, user: User) -> StartFacts:
    """The organisations of ``organisations_for`` and the login's flags. One query."""
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    params = [
        user.pk,
        user.pk,
        user.pk,
        LoginConfirmation.State.PENDING,
        LoginConfirmation.Kind.EMAIL,
        connection.ops.adapt_datetimefield_value(since),
        *[user.pk] * 3,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_start_facts_sql(), params)
        rows = cursor.fetchall()
    width = len(Organisation._meta.concrete_fields)
    operator, consultant, confirmations = rows[0][width:]
    return StartFacts(
        organisations=_organisations_from(rows, width=width),
        platform_operator=bool(operator),
        consultant=bool(consultant),
        confirmations_waiting=bool(confirmations),
    )


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
