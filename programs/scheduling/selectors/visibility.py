"""Reads: who sees which groups and sessions, and a group's or a participant's sessions."""

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import Http404

from participants.models import Consultant, Organisation, Role, User

from ... import selectors
from ...models import Group, Session
from ..common import place_holders


def _leads_group(user: User, group_ref: str) -> Q:
    """The group (``OuterRef(group_ref)``) has the user's consultant as a process leader."""
    through = Group.process_leaders.through.objects.filter(
        group_id=OuterRef(group_ref), consultant__user=user
    )
    return Q(Exists(through))


def groups_visible_to(*, user: User, organisation: Organisation, roles) -> QuerySet[Group]:
    """HR sees every group; a process leader the groups they lead or hold a session of."""
    groups = Group.objects.filter(round__program__organisation=organisation)
    if Role.HR in roles:
        return groups
    if Role.PROCESS_LEADER in roles:
        led_sessions = Session.objects.filter(group_id=OuterRef("pk"), process_leader__user=user)
        return groups.filter(_leads_group(user, "pk") | Q(Exists(led_sessions)))
    return groups.none()


def group_visible_or_404(*, user: User, organisation: Organisation, roles, group_id: int) -> Group:
    group = (
        groups_visible_to(user=user, organisation=organisation, roles=roles)
        .select_related("round__program")
        .filter(pk=group_id)
        .first()
    )
    if group is None:
        raise Http404
    return group


def sessions_in(*, organisation: Organisation) -> QuerySet[Session]:
    return Session.objects.filter(group__round__program__organisation=organisation)


def sessions_visible_to(*, user: User, organisation: Organisation, roles) -> QuerySet[Session]:
    """HR sees every session; a process leader those they lead and those of groups they lead."""
    sessions = sessions_in(organisation=organisation)
    if Role.HR in roles:
        return sessions
    if Role.PROCESS_LEADER in roles:
        return sessions.filter(Q(process_leader__user=user) | _leads_group(user, "group_id"))
    return sessions.none()


def session_visible_or_404(
    *, user: User, organisation: Organisation, roles, session_id: int
) -> Session:
    session = (
        sessions_visible_to(user=user, organisation=organisation, roles=roles)
        .select_related("group__round__program", "module", "process_leader")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def process_leaders_for(*, organisation: Organisation) -> QuerySet[Consultant]:
    return Consultant.objects.filter(organisations=organisation).order_by("name")


def participant_sessions(*, user: User, organisation: Organisation) -> QuerySet[Session]:
    """The sessions of every group in which the user holds a place, and the make-up sessions
    of other groups that place is booked into; loaded for sessions_ics."""
    mine = {"person__user": user, "person__active": True, "person__organisation": organisation}
    own_place = place_holders(group_id=OuterRef("group_id"), **mine)
    make_up = place_holders(make_up_bookings__session=OuterRef("pk"), **mine)
    return (
        sessions_in(organisation=organisation)
        .filter(Exists(own_place) | Exists(make_up))
        .select_related("module__program", "group", "process_leader")
        .order_by("starts_at")
    )


def group_sessions(*, group: Group) -> list[Session]:
    """A group's sessions in module order (``programs.selectors.group_sessions``), with what
    sessions_ics and e-mail read besides."""
    return list(selectors.group_sessions(group=group).select_related("module__program", "group"))
