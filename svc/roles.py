"""Which roles a user holds in an organisation: the role resolution, which reads every app.

Stored roles (HR coordinator, process leader, steering group) come from a
``Membership``; the others follow from the data:

- participant: the user's active manager record there holds a place in a
  program (``Enrollment.objects.holding_place()``, programs.places);
- line manager: that record has active direct reports, or HR named it the
  reviewer of someone's agreements;
- process leader: the user is a consultant working for the organisation.

It sits in the project layer because it reads people and programs. Views get
its answer from ``svc.middleware.OrganisationRolesMiddleware`` through the
request (``participants.access``), never by importing this module.
"""

import functools

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import Http404

from participants.models import Consultant, Membership, Organisation, Person, Role, User
from programs.models import Enrollment


def _holding_place_exists(column: str) -> tuple[str, tuple]:
    """EXISTS over the enrollments holding a place whose ``column`` is the person ``p``."""
    query = Enrollment.objects.holding_place().filter(**{column: RawSQL("p.id", ())})
    sql, params = query.values("pk").query.sql_with_params()
    return f"EXISTS ({sql})", params


@functools.cache
def _organisation_roles_sql() -> tuple[str, tuple]:
    """SQL for one organisation (by slug) and what the user holds in it, one row per
    stored role (at least one row), and its constant parameters.

    Hand-written because it runs on every organisation page: the same question as
    ORM Exists() annotations cost ~4 ms per request to compile and plan; this costs a
    fraction of that. Columns: the organisation's fields, then stored role (or NULL),
    active Person of the user (or NULL), is participant, has direct reports, is a
    named reviewer, is a consultant of the organisation.
    """
    organisation = Organisation._meta.db_table
    columns = ", ".join(f"o.{field.column}" for field in Organisation._meta.concrete_fields)
    through = Consultant.organisations.through._meta.db_table
    participant, participant_params = _holding_place_exists("person_id")
    reviewer, reviewer_params = _holding_place_exists("reviewer_id")
    sql = f"""
        SELECT {columns}, m.role, p.id,
          {participant},
          EXISTS (SELECT 1 FROM {Person._meta.db_table} r
                  WHERE r.line_manager_id = p.id AND r.active),
          {reviewer},
          EXISTS (SELECT 1 FROM {Consultant._meta.db_table} c
                  JOIN {through} co ON co.consultant_id = c.id
                  WHERE c.user_id = %s AND co.organisation_id = o.id)
        FROM {organisation} o
        LEFT JOIN {Membership._meta.db_table} m
          ON m.organisation_id = o.id AND m.user_id = %s
        LEFT JOIN {Person._meta.db_table} p
          ON p.organisation_id = o.id AND p.user_id = %s AND p.active
        WHERE o.slug = %s
    """  # noqa: S608 - names come from the models' _meta; every value is a parameter
    return sql, (*participant_params, *reviewer_params)


def organisation_roles(*, user: User, slug: str) -> tuple[Organisation, set[Role], bool] | None:
    """(organisation, roles, has an active manager record there), or None if no such slug."""
    sql, constant = _organisation_roles_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constant, user.pk, user.pk, user.pk, slug])
        rows = cursor.fetchall()
    if not rows:
        return None
    width = len(Organisation._meta.concrete_fields)
    names = [field.attname for field in Organisation._meta.concrete_fields]
    organisation = Organisation.from_db(connection.alias, names, rows[0][:width])
    roles = {Role(row[width]) for row in rows if row[width]}
    _, person_id, participant, reports, reviewer, consultant = rows[0][width:]
    if participant:
        roles.add(Role.PARTICIPANT)
    if reports or reviewer:
        roles.add(Role.LINE_MANAGER)
    if consultant:
        roles.add(Role.PROCESS_LEADER)
    return organisation, roles, person_id is not None


def roles_in(*, user: User, organisation: Organisation) -> set[Role]:
    """All roles (stored and derived) the user holds in the organisation. One query."""
    if not user.is_authenticated:
        return set()
    found = organisation_roles(user=user, slug=organisation.slug)
    return found[1] if found else set()


def organisation_and_roles_or_404(*, user: User, slug: str) -> tuple[Organisation, set[Role]]:
    """The organisation with this slug and the user's roles in it, in one query.

    404 unless the user belongs to it (any role, or an active manager record there;
    the same rule as ``organisations_for``): a user of another organisation learns
    nothing, not even that it exists.
    """
    if not user.is_authenticated:
        raise Http404
    found = organisation_roles(user=user, slug=slug)
    if found is None or not (found[1] or found[2]):
        raise Http404
    return found[0], found[1]
