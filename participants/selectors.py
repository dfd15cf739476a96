"""Reads about people and organisations, always scoped to the asking user."""

import functools

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import (
    Consultant,
    Membership,
    Organisation,
    Person,
    Role,
    User,
)

# Enrollment states that make a person a participant (not withdrawn or moved).
_PARTICIPANT_STATUSES = ("planned", "active", "completed")


@functools.cache
def _organisation_roles_sql() -> str:
    """SQL for one organisation (by slug) and what the user holds in it, one row per
    stored role (at least one row).

    Hand-written because it runs on every organisation page: the same question as
    ORM Exists() annotations cost ~4 ms per request to compile and plan; this costs a
    fraction of that. Columns: the organisation's fields, then stored role (or NULL),
    active Person of the user (or NULL), is participant, has direct reports, is a
    named reviewer, is a consultant of the organisation.
    """
    from programs.models import Enrollment

    organisation = Organisation._meta.db_table
    columns = ", ".join(f"o.{field.column}" for field in Organisation._meta.concrete_fields)
    through = Consultant.organisations.through._meta.db_table
    statuses = ", ".join(["%s"] * len(_PARTICIPANT_STATUSES))
    return f"""
        SELECT {columns}, m.role, p.id,
          EXISTS (SELECT 1 FROM {Enrollment._meta.db_table} e
                  WHERE e.person_id = p.id AND e.status IN ({statuses})),
          EXISTS (SELECT 1 FROM {Person._meta.db_table} r
                  WHERE r.line_manager_id = p.id AND r.active),
          EXISTS (SELECT 1 FROM {Enrollment._meta.db_table} e
                  WHERE e.reviewer_id = p.id AND e.status IN ({statuses})),
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


def _organisation_roles(*, user: User, slug: str) -> tuple[Organisation, set[Role], bool] | None:
    """(organisation, roles, has an active Person there), or None if there is no such slug.

    Stored roles come from Membership rows; the others follow from the people data:
    - participant: the user's active Person in the organisation holds a place
      (planned, active or completed) in a program;
    - line manager: that Person has active direct reports, or HR named them as the
      reviewer of someone's agreements;
    - process leader: the user is a consultant working for the organisation.
    """
    statuses = list(_PARTICIPANT_STATUSES)
    params = [*statuses, *statuses, user.pk, user.pk, user.pk, slug]
    with connection.cursor() as cursor:
        cursor.execute(_organisation_roles_sql(), params)
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
    found = _organisation_roles(user=user, slug=organisation.slug)
    return found[1] if found else set()


def organisation_and_roles_or_404(*, user: User, slug: str) -> tuple[Organisation, set[Role]]:
    """The organisation with this slug and the user's roles in it, in one query.

    404 unless the user belongs to it (any role, or an active Person there; the same
    rule as ``organisations_for``): a user of another organisation learns nothing,
    not even that it exists.
    """
    if not user.is_authenticated:
        raise Http404
    found = _organisation_roles(user=user, slug=slug)
    if found is None:
        raise Http404
    organisation, roles, is_person = found
    if not roles and not is_person:
        raise Http404
    return organisation, roles


def organisations_for(*, user: User) -> QuerySet[Organisation]:
    """Every organisation in which the user holds any role, stored or derived."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            Q(memberships__user=user)
            | Q(people__user=user, people__active=True)
            | Q(consultants__user=user)
        )
        .distinct()
        .order_by("name")
    )


# --- The manager registry -----------------------------------------------------------------


def people_in(*, organisation: Organisation) -> QuerySet[Person]:
    """Every manager of the organisation: the only way views reach Person rows."""
    return Person.objects.filter(organisation=organisation)


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
    from programs.models import Enrollment

    current = Enrollment.objects.filter(person=OuterRef("pk")).exclude(
        status__in=Enrollment.INACTIVE_STATUSES
    )
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
    from django.db.models import Prefetch

    from programs.models import Agreement, Attendance, Enrollment, Session

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
