"""Reads about people and organisations, always scoped to the asking user."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, Organisation, Role, User


def derived_roles(*, user: User, organisation: Organisation) -> set[Role]:
    """Roles that follow from the people data rather than from a Membership.

    A user whose Person is enrolled is a participant; a user whose Person has
    direct reports (or is a named reviewer) is a line manager. Until the
    people data exists this returns nothing.
    """
    return set()


def organisations_for(*, user: User) -> QuerySet[Organisation]:
    """Every organisation in which the user holds any role."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


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
