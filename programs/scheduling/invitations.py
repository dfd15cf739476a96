"""Invitations and login links through the outbox."""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.links import site_url
from core.models import OutboxTask
from core.outbox import enqueue
from participants.accounts import (
    LoginState,
    activation_url,
    confirmation_url,
    person_login,
    send_login_links,
)
from participants.models import Person, User

from ..calendar import sessions_ics
from ..models import Enrollment, Group, Module, Session
from .access import group_sessions
from .common import IN_FLIGHT, LOGIN_LINK_GRACE, SEND_INVITATIONS, SEND_LOGIN_LINK, place_holders

# --- Invitations and login links -----------------------------------------------------------


def _has_usable_login(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_usable_password()


def _line_managers_without_login(*, group: Group) -> QuerySet[Person]:
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
        return self.reachable and not _has_usable_login(self.person.user)


@dataclass
class SendRequest:
    """One request to send a group's invitations, as the coordinator reads it."""

    row: OutboxTask
    requested_by: str

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
        return any(r.row.state != OutboxTask.State.FAILED for r in self.requests)

    @property
    def unreachable(self) -> list[MemberContact]:
        return [m for m in self.members if not m.reachable]

    @property
    def without_password(self) -> list[MemberContact]:
        return [m for m in self.members if m.gets_activation_link]


def invitation_requests(*, group: Group, limit: int = 5) -> list[SendRequest]:
    """The group's latest send requests, newest first, with who asked. Two queries."""
    rows = list(
        OutboxTask.objects.filter(task_name=SEND_INVITATIONS, kwargs__group_id=group.pk).order_by(
            "-created_at"
        )[:limit]
    )
    asked_by = {r.kwargs.get("requested_by") for r in rows} - {None}
    names = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=asked_by)}
    return [
        SendRequest(row=r, requested_by=names.get(r.kwargs.get("requested_by"), "")) for r in rows
    ]


def invitation_overview(*, group: Group) -> InvitationOverview:
    """Who will be invited and how, the sessions the invitation holds, and the last requests."""
    members = [
        MemberContact(e)
        for e in place_holders(group=group)
        .select_related("person__user")
        .order_by("person__last_name", "person__first_name", "pk")
    ]
    return InvitationOverview(
        group=group,
        sessions=group_sessions(group=group),
        module_count=Module.objects.filter(program_id=group.round.program_id).count(),
        members=members,
        line_managers=list(_line_managers_without_login(group=group)),
        requests=invitation_requests(group=group),
    )


@dataclass
class InvitationRequest:
    row: OutboxTask
    members: int
    line_managers: int


@transaction.atomic
def invitations_send(
    *, group: Group, requested_by: User | None = None, send_again: bool = False
) -> InvitationRequest:
    """Ask for the group's invitation e-mails, to go out through the outbox.

    Creates the logins members lack (so each invitation can carry a personal
    activation link) and sends login links to line managers of members who are
    not in the program themselves and cannot log in yet.

    Refuses (ValidationError code ``already_sent``) when invitations were asked
    for before, unless ``send_again``; then requests still waiting are
    superseded, so they send nothing. Refuses a group without sessions or
    without a member who can be reached by e-mail.

    Side effects: Users created; one OutboxTask ``programs.send_group_invitations``
    published after commit (kept pending while the broker is down); one
    ``participants.send_login_link`` task per such line manager.
    """
    list(Group.objects.select_for_update().filter(pk=group.pk))  # a double submit waits here
    earlier = OutboxTask.objects.filter(task_name=SEND_INVITATIONS, kwargs__group_id=group.pk)
    if not send_again and earlier.exclude(state=OutboxTask.State.FAILED).exists():
        if earlier.filter(state__in=IN_FLIGHT).exists():
            message = _(
                "The invitations to this group are already waiting to be sent. Tick "
                "“Send again” only if everyone should get a second e-mail."
            )
        else:
            message = _(
                "The invitations to this group have already been sent. Tick “Send again” "
                "if everyone should get them once more."
            )
        raise ValidationError({"send_again": ValidationError(message, code="already_sent")})
    if not Session.objects.filter(group=group).exists():
        raise ValidationError(
            _("Schedule the group's sessions first: the invitation lists them."),
            code="no_sessions",
        )
    reached = 0
    for enrollment in place_holders(group=group).select_related("person__user"):
        if _reachable(person_login(person=enrollment.person)):
            reached += 1
    if not reached:
        raise ValidationError(
            _("No member of the group has an e-mail address. Add the addresses first."),
            code="no_recipients",
        )
    if send_again:
        earlier.filter(state__in=IN_FLIGHT).update(
            state=OutboxTask.State.FAILED,
            finished_at=timezone.now(),
            error="Superseded by a newer request.",
        )
    row = enqueue(
        SEND_INVITATIONS,
        group_id=group.pk,
        requested_by=requested_by.pk if requested_by else None,
    )
    line_managers = send_login_links(people=list(_line_managers_without_login(group=group)))
    return InvitationRequest(row=row, members=reached, line_managers=line_managers)


@dataclass
class LoginLinksResult:
    sent: int
    recently_sent: int


@transaction.atomic
def group_login_links_send(*, group: Group) -> LoginLinksResult:
    """Send a personal login link to members and their line managers (not in the program)
    who cannot log in yet.

    Skipped, so that a double click sends nothing twice: anyone whose link was
    asked for in the last 15 minutes or still waits, and the members when the
    group's invitations (which carry the link) were asked for in that time.
    Side effects: Users created; one ``participants.send_login_link`` task per person.
    """
    list(Group.objects.select_for_update().filter(pk=group.pk))
    recently = Q(state__in=IN_FLIGHT) | Q(created_at__gte=timezone.now() - LOGIN_LINK_GRACE)
    members = [
        e.person
        for e in place_holders(group=group, person__active=True)
        .exclude(person__email="")
        .select_related("person__user")
        if not _has_usable_login(e.person.user)
    ]
    invited_just_now = (
        OutboxTask.objects.filter(recently, task_name=SEND_INVITATIONS, kwargs__group_id=group.pk)
        .exclude(state=OutboxTask.State.FAILED)
        .exists()
    )
    line_managers = list(_line_managers_without_login(group=group))
    user_ids = [p.user_id for p in line_managers + members if p.user_id]
    linked_just_now = set(
        OutboxTask.objects.filter(
            recently, task_name=SEND_LOGIN_LINK, kwargs__user_id__in=user_ids
        ).values_list("kwargs__user_id", flat=True)
    )
    due = [
        p
        for p in line_managers + ([] if invited_just_now else members)
        if p.user_id not in linked_just_now
    ]
    skipped = len(line_managers) + len(members) - len(due)
    return LoginLinksResult(sent=send_login_links(people=due), recently_sent=skipped)


def _reachable(state: LoginState) -> bool:
    """A linked, active login, or an existing login asked to confirm the link."""
    return state.confirmation is not None or (state.user is not None and state.user.is_active)


def invitation_message(
    *,
    enrollment: Enrollment,
    sessions: list[Session],
    ics: bytes,
    login: LoginState | None = None,
) -> EmailMultiAlternatives:
    """The Swedish invitation (text and HTML) with the group's calendar attached.

    A member whose address has a login not yet linked to their record gets
    the link to confirm that instead of a link to choose a password.
    """
    person = enrollment.person
    login = login or LoginState(user=person.user)
    user = login.user
    group = enrollment.group
    program = group.round.program
    context = {
        "person": person,
        "group": group,
        "program": program,
        "sessions": sessions,
        "start_url": site_url(
            reverse("svc:participant_start", kwargs={"org": program.organisation.slug})
        ),
        "activation_url": (
            site_url(activation_url(user=user))
            if user is not None and not user.has_usable_password()
            else ""
        ),
        "confirm_url": confirmation_url(login.confirmation) if login.confirmation else "",
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("programs/email/invitation_subject.txt", context).strip()
        text = render_to_string("programs/email/invitation.txt", context)
        html = render_to_string("programs/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email if user else person.email])
    message.attach_alternative(html, "text/html")
    message.attach(f"{slugify(str(group)) or 'grupp'}.ics", ics, "text/calendar")
    return message


def invitations_deliver(
    *,
    group_id: int,
    already_sent: Collection[int] = (),
    on_sent: Callable[[list[int]], None] | None = None,
) -> dict:
    """Mail the invitation to every current member of the group not in ``already_sent``.

    Members who joined after the request get a login first. ``on_sent`` is
    called with all enrollment ids mailed so far after each e-mail, so a task
    that is run again continues where it stopped.
    Returns ``{"sent": [enrollment ids], "unreachable": n}``.
    """
    group = Group.objects.select_related("round__program__organisation").filter(pk=group_id).first()
    if group is None:
        return {"sent": sorted(already_sent), "unreachable": 0, "group_gone": True}
    sessions = group_sessions(group=group)
    with translation.override(settings.LANGUAGE_CODE):
        ics = sessions_ics(sessions, name=f"{group.round.program.name}: {group}")
    sent = list(already_sent)
    unreachable = 0
    members = (
        place_holders(group=group).select_related("person__user").order_by("person__last_name")
    )
    for enrollment in members:
        if enrollment.pk in already_sent:
            continue
        login = person_login(person=enrollment.person)
        if not _reachable(login):
            unreachable += 1
            continue
        enrollment.group = group
        invitation_message(enrollment=enrollment, sessions=sessions, ics=ics, login=login).send()
        sent.append(enrollment.pk)
        if on_sent is not None:
            on_sent(sent)
    return {"sent": sorted(sent), "unreachable": unreachable}


def invitation_state_label(row: OutboxTask) -> str:
    """What the coordinator reads about one send request."""
    if row.state == OutboxTask.State.PENDING:
        return _("Waiting: the request is saved and goes out as soon as the mail queue is back.")
    if row.state == OutboxTask.State.QUEUED:
        return _("Being sent.")
    if row.state == OutboxTask.State.DONE:
        sent = len((row.result or {}).get("sent", []))
        return ngettext(
            "Sent to %(count)d participant.", "Sent to %(count)d participants.", sent
        ) % {"count": sent}
    if row.error.startswith("Superseded"):
        return _("Replaced by a newer request; nothing was sent.")
    return _("Failed: the e-mail could not be sent. Try again later.")
