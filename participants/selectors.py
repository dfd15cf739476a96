"""Reads about people and organisations, always scoped to the asking user."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Consultant, Membership, Organisation, Person, Role, User

# Enrollment states that make a person a participant (not withdrawn or moved).
_PARTICIPANT_STATUSES = ("planned", "active", "completed")


def derived_roles(*, user: User, organisation: Organisation) -> set[Role]:
    """Roles that follow from the people data rather than from a Membership.

    - participant: the user's active Person in the organisation holds a place
      (planned, active or completed) in a program;
    - line manager: that Person has active direct reports;
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
            is_consultant=Exists(Consultant.objects.filter(user=user, organisations=organisation)),
        )
        .values("is_participant", "is_line_manager", "is_consultant")
        .first()
    )
    roles = set()
    if person is None:
        if Consultant.objects.filter(user=user, organisations=organisation).exists():
            roles.add(Role.PROCESS_LEADER)
        return roles
    if person["is_participant"]:
        roles.add(Role.PARTICIPANT)
    if person["is_line_manager"]:
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
