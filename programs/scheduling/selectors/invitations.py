"""Reads: who gets a group's invitation and how, the state of each request to send it, and
the "already sent" rule that the writes apply too."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import OutboxTask
from participants.models import Person, User

from ... import selectors
from ...models import Enrollment, Group, InvitationRequest, Module, Session
from ..common import IN_FLIGHT, SUPERSEDED, place_holders
from .visibility import group_sessions


def has_usable_login(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_usable_password()


def line_managers_without_login(*, group: Group) -> QuerySet[Person]:
    """Line managers of the group's members who hold no place in the program and cannot log in."""
    reports_here = place_holders(group=group, person__line_manager=OuterRef("pk"))
    own_place = place_holders(program_id=group.round.program_id, person=OuterRef("pk"))
    return (
        Person.objects.filter(Exists(reports_here), active=True)
        .exclude(Exists(own_place))
        .exclude(email="")
        .filter(Q(user__isnull=True) | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX))
        .exclude(user__is_active=False)
        .select_related("user")
        .order_by("last_name", "first_name", "pk")
    )


# --- Already sent ------------------------------------------------------------------------------


def invitations_asked_for(*, group: Group) -> QuerySet[InvitationRequest]:
    """The "already sent" rule: the group's invitations count as sent while a request for
    them has not failed (waiting, being sent or sent).

    Then a new request needs "send again", and new session times make them out of date.
    ``SendRequest.asked_for`` is the same rule for one request.
    """
    return InvitationRequest.objects.filter(group=group).exclude(
        outbox__state=OutboxTask.State.FAILED
    )


# --- The invitations page ----------------------------------------------------------------------


@dataclass
class MemberContact:
    enrollment: Enrollment

    @property
    def person(self) -> Person:
        return self.enrollment.person

    @property
    def reachable(self) -> bool:
        person = self.person
        return (
            bool(person.email) and person.active and (person.user is None or person.user.is_active)
        )

    @property
    def gets_activation_link(self) -> bool:
        return self.reachable and not has_usable_login(self.person.user)


@dataclass
class SendRequest:
    """One request to send a group's invitations, as the coordinator reads it."""

    request: InvitationRequest

    @property
    def row(self) -> OutboxTask:
        """The outbox task that delivers it: waiting, being sent, done or failed."""
        return self.request.outbox

    @property
    def created_at(self) -> dt.datetime:
        return self.request.created_at

    @property
    def state(self) -> str:
        return self.row.state

    @property
    def finished_at(self) -> dt.datetime | None:
        return self.row.finished_at

    @property
    def requested_by(self) -> str:
        user = self.request.requested_by
        return user.get_full_name() if user is not None else ""

    @property
    def asked_for(self) -> bool:
        """The "already sent" rule (``invitations_asked_for``) for this request."""
        return self.row.state != OutboxTask.State.FAILED

    @property
    def label(self) -> str:
        return invitation_state_label(self.row)


@dataclass
class InvitationOverview:
    group: Group
    sessions: list[Session]
    module_count: int
    members: list[MemberContact]
    line_managers: list[Person]
    requests: list[SendRequest]

    @property
    def in_flight(self) -> OutboxTask | None:
        return next((r.row for r in self.requests if r.row.state in IN_FLIGHT), None)

    @property
    def asked_before(self) -> bool:
        """Asked for before (and not failed): a new send needs "send again"."""
        return any(r.asked_for for r in self.requests)

    @property
    def unreachable(self) -> list[MemberContact]:
        return [m for m in self.members if not m.reachable]

    @property
    def without_password(self) -> list[MemberContact]:
        return [m for m in self.members if m.gets_activation_link]


def invitation_requests(*, group: Group, limit: int = 5) -> list[SendRequest]:
    """The group's latest send requests, newest first, with who asked. One query."""
    return [
        SendRequest(request=r)
        for r in InvitationRequest.objects.filter(group=group)
        .select_related("outbox", "requested_by")
        .order_by("-created_at", "-pk")[:limit]
    ]


def invitation_overview(*, group: Group) -> InvitationOverview:
    """Who will be invited and how, the sessions the invitation holds, and the last requests."""
    members = [
        MemberContact(e) for e in selectors.group_roster(group=group).select_related("person__user")
    ]
    return InvitationOverview(
        group=group,
        sessions=group_sessions(group=group),
        module_count=Module.objects.filter(program_id=group.round.program_id).count(),
        members=members,
        line_managers=list(line_managers_without_login(group=group)),
        requests=invitation_requests(group=group),
    )


def invitation_state_label(row: OutboxTask) -> str:
    """What the coordinator reads about one send request, from the task that delivers it."""
    if row.state == OutboxTask.State.PENDING:
        return _("Waiting: the request is saved and goes out as soon as the mail queue is back.")
    if row.state == OutboxTask.State.QUEUED:
        return _("Being sent.")
    if row.state == OutboxTask.State.DONE:
        sent = len((row.result or {}).get("sent", []))
        return ngettext(
            "Sent to %(count)d participant.", "Sent to %(count)d participants.", sent
        ) % {"count": sent}
    if row.error.startswith(SUPERSEDED):
        return _("Replaced by a newer request; nothing was sent.")
    return _("Failed: the e-mail could not be sent. Try again later.")
