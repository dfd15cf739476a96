"""Writes: asking for a group's invitations and login links, and mailing the invitations.

E-mail goes through the outbox (``core.outbox``); each request to send a group's
invitations is an ``InvitationRequest`` with the outbox task that delivers it.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.links import site_url
from core.mail import mail_language, render_email
from core.models import OutboxTask
from core.outbox import enqueue
from participants.accounts import (
    LoginState,
    activation_url,
    confirmation_url,
    login_links_asked_for,
    person_login,
    send_login_links,
)
from participants.models import User

from ...calendar import sessions_ics
from ...models import Enrollment, Group, InvitationRequest, Session
from ..common import (
    IN_FLIGHT,
    LOGIN_LINK_GRACE,
    SEND_INVITATIONS,
    SUPERSEDED,
    place_holders,
)
from ..selectors.invitations import (
    has_usable_login,
    invitations_asked_for,
    line_managers_without_login,
)
from ..selectors.visibility import group_sessions


@dataclass
class InvitationsResult:
    request: InvitationRequest
    members: int
    line_managers: int

    @property
    def row(self) -> OutboxTask:
        """The outbox task that mails the members."""
        return self.request.outbox


@transaction.atomic
def invitations_send(
    *, group: Group, requested_by: User | None = None, send_again: bool = False
) -> InvitationsResult:
    """Ask for the group's invitation e-mails, to go out through the outbox.

    Creates the logins members lack (so each invitation can carry a personal
    activation link) and sends login links to line managers of members who are
    not in the program themselves and cannot log in yet.

    Refuses (ValidationError code ``already_sent``) when invitations were asked
    for before (``invitations_asked_for``), unless ``send_again``; then requests
    still waiting are superseded, so they send nothing. Refuses a group without
    sessions or without a member who can be reached by e-mail.

    Side effects: Users created; one InvitationRequest and its OutboxTask
    ``programs.send_group_invitations``, published after commit (kept pending
    while the broker is down); one ``participants.send_login_link`` task per
    such line manager.
    """
    list(Group.objects.select_for_update().filter(pk=group.pk))  # a double submit waits here
    asked_for = invitations_asked_for(group=group)
    if not send_again and asked_for.exists():
        if asked_for.filter(outbox__state__in=IN_FLIGHT).exists():
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
        OutboxTask.objects.filter(invitation_request__group=group, state__in=IN_FLIGHT).update(
            state=OutboxTask.State.FAILED, finished_at=timezone.now(), error=SUPERSEDED
        )
    request = InvitationRequest.objects.create(
        group=group,
        requested_by=requested_by,
        send_again=send_again,
        outbox=enqueue(SEND_INVITATIONS, group_id=group.pk),
    )
    line_managers = send_login_links(people=list(line_managers_without_login(group=group)))
    return InvitationsResult(request=request, members=reached, line_managers=line_managers)


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
    since = timezone.now() - LOGIN_LINK_GRACE
    members = [
        e.person
        for e in place_holders(group=group, person__active=True)
        .exclude(person__email="")
        .select_related("person__user")
        if not has_usable_login(e.person.user)
    ]
    invited_just_now = (
        invitations_asked_for(group=group)
        .filter(Q(outbox__state__in=IN_FLIGHT) | Q(created_at__gte=since))
        .exists()
    )
    line_managers = list(line_managers_without_login(group=group))
    user_ids = [p.user_id for p in line_managers + members if p.user_id]
    linked_just_now = login_links_asked_for(user_ids=user_ids, since=since)
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
    message = render_email(
        "programs/email/invitation", context, to=[user.email if user else person.email]
    )
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
    with mail_language():
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
