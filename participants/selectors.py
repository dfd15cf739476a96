"""Reads about people and organisations, always scoped to the asking user."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Consultant, Department, Membership, Organisation, Person, Role, User

# Enrollment states that make a person a participant (not withdrawn or moved).
_PARTICIPANT_STATUSES = ("planned", "active", "completed")


def derived_roles(*, user: User, organisation: Organisation) -> set[Role]:
    """Roles that follow from the people data rather than from a Membership.

    - participant: the user's active Person in the organisation holds a place
      (planned, active or completed) in a program;
    - line manager: that Person has active direct reports, or HR named them as the
      reviewer of someone's agreements;
    - process leader: the user is a consultant working for the organisation.

    One query, whatever the data size.
    """
    from programs.models import Enrollment

    person = (
        Person.objects.filter(organisation=organisation, user=user, active=True)
        .annotate(
            is_participant=Exists(
                Enrollment.objects.filter(person=OuterRef("pk"), status__in=_PARTICIPANT_STATUSES)
            ),
            is_line_manager=Exists(Person.objects.filter(line_manager=OuterRef("pk"), active=True)),
            # A manager HR named to review someone's agreements acts as their line manager.
            is_reviewer=Exists(
                Enrollment.objects.filter(reviewer=OuterRef("pk"), status__in=_PARTICIPANT_STATUSES)
            ),
            is_consultant=Exists(Consultant.objects.filter(user=user, organisations=organisation)),
        )
        .values("is_participant", "is_line_manager", "is_reviewer", "is_consultant")
        .first()
    )
    roles = set()
    if person is None:
        if Consultant.objects.filter(user=user, organisations=organisation).exists():
            roles.add(Role.PROCESS_LEADER)
        return roles
    if person["is_participant"]:
        roles.add(Role.PARTICIPANT)
    if person["is_line_manager"] or person["is_reviewer"]:
        roles.add(Role.LINE_MANAGER)
    if person["is_consultant"]:
        roles.add(Role.PROCESS_LEADER)
    return roles


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


def organisation_for_user_or_404(*, user: User, slug: str) -> Organisation:
    """The organisation with this slug, if the user belongs to it; 404 otherwise.

    A user of another organisation learns nothing, not even that it exists.
    """
    organisation = organisations_for(user=user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def roles_in(*, user: User, organisation: Organisation) -> set[Role]:
    """All roles (stored and derived) the user holds in the organisation."""
    stored = {
        Role(value)
        for value in Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    }
    return stored | derived_roles(user=user, organisation=organisation)


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


def departments_in(*, organisation: Organisation):
    return Department.objects.filter(organisation=organisation).select_related("parent")
