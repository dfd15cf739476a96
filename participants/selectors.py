"""Reads about people and organisations, always scoped to the asking user."""

from django.db.models import Q, QuerySet

from .models import Organisation, Person, User


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
