"""Sessions, invitations, reminders, attendance and completion: the writes and the reads they need.

Rules (each with one Swedish message):
- a group's sessions follow the module order, and a module starts only after the
  previous one has ended;
- a process leader is never booked on two sessions at overlapping times, in any
  organisation (another organisation's booking is named without details);
- present or absent can be registered from the session's first day; excused
  (anmäld frånvaro) also before;
- an enrollment is completed when every module of its program was attended (present).

E-mail goes through the outbox (``core.outbox``): the ``OutboxTask`` rows are the
record of what was asked for and what went out. A group's invitation request is
one row (``programs.send_group_invitations``) whose result lists the members
already mailed, so a re-delivered task mails nobody twice. A reminder is one row
per member and session (``programs.send_session_reminder``); an existing row
means the reminder has been taken care of.

Reads are scoped to one organisation and, for a process leader, to the groups
they lead (as one of the group's process leaders or as a session's process leader).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import OutboxTask
from core.outbox import enqueue
from participants.accounts import activation_url, ensure_login, send_login_links
from participants.models import Consultant, Organisation, Person, Role, User

from .calendar import sessions_ics
from .models import Attendance, Enrollment, Group, Module, Program, Round, Session
from .services import session_save

SEND_INVITATIONS = "programs.send_group_invitations"
SEND_REMINDER = "programs.send_session_reminder"
SEND_LOGIN_LINK = "participants.send_login_link"
IN_FLIGHT = (OutboxTask.State.PENDING, OutboxTask.State.QUEUED)
# A login link asked for this recently is not sent again (a double click, a second HR user).
LOGIN_LINK_GRACE = dt.timedelta(minutes=15)
PLACE_STATUSES = [s for s in Enrollment.Status if s not in Enrollment.INACTIVE_STATUSES]


def reminder_days() -> int:
    return int(getattr(settings, "SESSION_REMINDER_DAYS", 7))


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _place_holders(**filters) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(status__in=PLACE_STATUSES, **filters)


# --- Who sees which groups and sessions ----------------------------------------------------


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


def round_for_organisation_or_404(*, organisation: Organisation, round_id: int) -> Round:
    round_ = (
        Round.objects.select_related("program")
        .filter(program__organisation=organisation, pk=round_id)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def process_leaders_for(*, organisation: Organisation) -> QuerySet[Consultant]:
    return Consultant.objects.filter(organisations=organisation).order_by("name")


def participant_sessions(*, user: User, organisation: Organisation) -> QuerySet[Session]:
    """The sessions of every group in which the user holds a place, loaded for sessions_ics."""
    own_place = _place_holders(
        group_id=OuterRef("group_id"),
        person__user=user,
        person__active=True,
        person__organisation=organisation,
    )
    return (
        sessions_in(organisation=organisation)
        .filter(Exists(own_place))
        .select_related("module__program", "group", "process_leader")
        .order_by("starts_at")
    )


def group_sessions(*, group: Group) -> list[Session]:
    """A group's sessions in module order, loaded for sessions_ics and e-mail."""
    return list(
        Session.objects.filter(group=group)
        .select_related("module__program", "group", "process_leader")
        .order_by("module__order")
    )


# --- Scheduling a group's sessions ---------------------------------------------------------

PLAN_FIELDS = ("starts_at", "ends_at", "venue", "process_leader")


def plan_field(order: int, name: str) -> str:
    """The key of one module's value, in the scheduling form and in the service's errors."""
    return f"m{order}_{name}"


@dataclass
class SessionPlan:
    """What the scheduling page asks for one module; no times means "not scheduled yet"."""

    module: Module
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str = ""
    process_leader: Consultant | None = None
    session: Session | None = None  # the stored session of this module, if any

    @property
    def has_times(self) -> bool:
        return self.starts_at is not None and self.ends_at is not None

    def times_changed(self) -> bool:
        stored = self.session
        when = (self.starts_at, self.ends_at)
        return stored is None or (stored.starts_at, stored.ends_at) != when

    def booking_changed(self) -> bool:
        leader_id = self.process_leader.pk if self.process_leader else None
        return self.times_changed() or leader_id != self.session.process_leader_id

    def differs_from_stored(self) -> bool:
        return self.booking_changed() or self.venue != self.session.venue


def schedule_plans(*, group: Group) -> list[SessionPlan]:
    """One plan per module of the group's program, in order, filled from the stored sessions."""
    modules = Module.objects.filter(program_id=group.round.program_id).order_by("order")
    stored = {
        s.module_id: s for s in Session.objects.filter(group=group).select_related("process_leader")
    }
    plans = []
    for module in modules:
        session = stored.get(module.pk)
        plans.append(
            SessionPlan(
                module=module,
                starts_at=session.starts_at if session else None,
                ends_at=session.ends_at if session else None,
                venue=session.venue if session else "",
                process_leader=session.process_leader if session else None,
                session=session,
            )
        )
    return plans


def _plan_errors(*, plans: list[SessionPlan]) -> dict[str, list[ValidationError]]:
    """Times missing, ending before starting, or out of module order."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    previous = None
    for plan in plans:
        order = plan.module.order
        problem = None
        if plan.starts_at is None and plan.ends_at is None:
            if plan.session is not None:
                message = _("Module %(order)d is already scheduled; give it a start and an end.")
                problem = ("starts_at", message, "scheduled")
            elif plan.venue or plan.process_leader:
                message = _(
                    "Module %(order)d: give the start and the end, or leave the module empty."
                )
                problem = ("starts_at", message, "required")
        elif plan.starts_at is None:
            problem = ("starts_at", _("Module %(order)d: give the start too."), "required")
        elif plan.ends_at is None:
            problem = ("ends_at", _("Module %(order)d: give the end too."), "required")
        elif plan.ends_at <= plan.starts_at:
            message = _("Module %(order)d must end after it starts.")
            problem = ("ends_at", message, "ends_before_start")
        elif (
            previous is not None
            and plan.starts_at < previous.ends_at
            and (plan.times_changed() or previous.times_changed())
        ):
            message = _(
                "Module %(order)d cannot start before module %(previous)d has ended (%(end)s)."
            )
            problem = ("starts_at", message, "module_order")
        if problem is not None:
            name, message, code = problem
            text = message % {
                "order": order,
                "previous": previous.module.order if previous else 0,
                "end": _when(previous.ends_at) if previous else "",
            }
            errors[plan_field(order, name)].append(ValidationError(text, code=code))
        if plan.has_times and (problem is None or problem[2] == "module_order"):
            previous = plan
    return errors


def _booking_errors(*, group: Group, plans: list[SessionPlan]) -> dict[str, list[ValidationError]]:
    """A process leader booked elsewhere at an overlapping time, or not working for us.

    Only new or changed bookings are checked: a clash already stored (from an
    import, say) does not block changing the venue of another module.
    """
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    booked = [
        p
        for p in plans
        if p.has_times
        and p.ends_at > p.starts_at
        and p.process_leader is not None
        and p.booking_changed()
    ]
    if not booked:
        return errors
    organisation_id = group.round.program.organisation_id
    leader_ids = {p.process_leader.pk for p in booked}
    ours = set(
        Consultant.objects.filter(pk__in=leader_ids, organisations=organisation_id).values_list(
            "pk", flat=True
        )
    )
    others = list(
        Session.objects.filter(
            process_leader_id__in=leader_ids,
            starts_at__lt=max(p.ends_at for p in booked),
            ends_at__gt=min(p.starts_at for p in booked),
        )
        .exclude(group=group)
        .select_related("module", "group__round__program")
        .order_by("starts_at")
    )
    for plan in booked:
        key = plan_field(plan.module.order, "process_leader")
        leader = plan.process_leader
        if leader.pk not in ours:
            message = _("%(leader)s does not work for this organisation.")
            errors[key].append(
                ValidationError(message % {"leader": leader.name}, code="other_organisation")
            )
            continue
        clash = next(
            (
                other
                for other in others
                if other.process_leader_id == leader.pk
                and other.starts_at < plan.ends_at
                and other.ends_at > plan.starts_at
            ),
            None,
        )
        if clash is None:
            continue
        if clash.group.round.program.organisation_id == organisation_id:
            message = _(
                "%(leader)s is already booked then: %(group)s, module %(order)d, "
                "%(start)s–%(end)s. Choose another time or process leader."
            ) % {
                "leader": leader.name,
                "group": clash.group,
                "order": clash.module.order,
                "start": _when(clash.starts_at),
                "end": _when(clash.ends_at),
            }
        else:
            message = _(
                "%(leader)s is already booked at that time in another organisation. "
                "Choose another time or process leader."
            ) % {"leader": leader.name}
        errors[key].append(ValidationError(message, code="double_booked"))
    return errors


def _save_order(plans: list[SessionPlan]) -> list[SessionPlan]:
    """An order in which saving one session at a time never breaks the module order on the way.

    Sessions moving later are saved last module first; then new sessions and those
    moving earlier, first module first. Each save then only meets stored
    neighbours that already agree with the validated plan.
    """
    later = [p for p in plans if p.session is not None and p.starts_at >= p.session.starts_at]
    earlier = [p for p in plans if p not in later]
    return sorted(later, key=lambda p: -p.module.order) + sorted(
        earlier, key=lambda p: p.module.order
    )


@dataclass
class ScheduleResult:
    changed: int
    # Times changed after invitations went out (or were asked for): they should be sent again.
    invitations_outdated: bool = False


@transaction.atomic
def group_schedule_save(*, group: Group, plans: list[SessionPlan]) -> ScheduleResult:
    """Schedule the group's sessions of every module at once, through ``session_save``.

    Raises ValidationError whose keys are ``plan_field(order, name)``; nothing is
    stored then. Side effects: sessions created or changed.
    """
    list(Group.objects.select_for_update().filter(pk=group.pk))
    leader_ids = sorted({p.process_leader.pk for p in plans if p.process_leader})
    # Two coordinators booking the same process leader at once wait for each other.
    list(Consultant.objects.select_for_update().filter(pk__in=leader_ids).order_by("pk"))
    errors = _plan_errors(plans=plans)
    for key, found in _booking_errors(group=group, plans=plans).items():
        errors[key].extend(found)
    if errors:
        raise ValidationError(dict(errors))
    changed = [p for p in plans if p.has_times and p.differs_from_stored()]
    times_changed = any(
        p.session is not None
        and (p.starts_at, p.ends_at) != (p.session.starts_at, p.session.ends_at)
        for p in changed
    )
    for plan in _save_order(changed):
        try:
            session_save(
                group=group,
                module=plan.module,
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                venue=plan.venue,
                process_leader=plan.process_leader,
                session=plan.session,
            )
        except ValidationError as exc:
            order = plan.module.order
            raise ValidationError(
                {
                    plan_field(order, name if name in PLAN_FIELDS else "starts_at"): messages
                    for name, messages in exc.message_dict.items()
                }
            ) from exc
    outdated = times_changed and (
        OutboxTask.objects.filter(task_name=SEND_INVITATIONS, kwargs__group_id=group.pk)
        .exclude(state=OutboxTask.State.FAILED)
        .exists()
    )
    return ScheduleResult(changed=len(changed), invitations_outdated=outdated)


# --- Invitations and login links -----------------------------------------------------------


def _has_usable_login(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_usable_password()


def _line_managers_without_login(*, group: Group) -> QuerySet[Person]:
    """Line managers of the group's members who hold no place in the program and cannot log in."""
    reports_here = _place_holders(group=group, person__line_manager=OuterRef("pk"))
    own_place = _place_holders(program_id=group.round.program_id, person=OuterRef("pk"))
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
        for e in _place_holders(group=group)
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
    for enrollment in _place_holders(group=group).select_related("person__user"):
        user = ensure_login(person=enrollment.person)
        if user is not None and user.is_active:
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
        for e in _place_holders(group=group, person__active=True)
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


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def invitation_message(
    *, enrollment: Enrollment, sessions: list[Session], ics: bytes
) -> EmailMultiAlternatives:
    """The Swedish invitation (text and HTML) with the group's calendar attached."""
    person = enrollment.person
    user = person.user
    group = enrollment.group
    program = group.round.program
    context = {
        "person": person,
        "group": group,
        "program": program,
        "sessions": sessions,
        "start_url": _site_url(
            reverse("core:participant_start", kwargs={"org": program.organisation.slug})
        ),
        "activation_url": ""
        if user.has_usable_password()
        else _site_url(activation_url(user=user)),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("programs/email/invitation_subject.txt", context).strip()
        text = render_to_string("programs/email/invitation.txt", context)
        html = render_to_string("programs/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
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
        _place_holders(group=group).select_related("person__user").order_by("person__last_name")
    )
    for enrollment in members:
        if enrollment.pk in already_sent:
            continue
        user = ensure_login(person=enrollment.person)
        if user is None or not user.is_active:
            unreachable += 1
            continue
        enrollment.group = group
        invitation_message(enrollment=enrollment, sessions=sessions, ics=ics).send()
        sent.append(enrollment.pk)
        if on_sent is not None:
            on_sent(sent)
    return {"sent": sorted(sent), "unreachable": unreachable}


# --- Reminders -------------------------------------------------------------------------------


def reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue a reminder to each member of each session starting within SESSION_REMINDER_DAYS.

    Once per member and session: a pair that already has a reminder row gets
    none. Returns how many were queued.
    Side effects: one OutboxTask ``programs.send_session_reminder`` per member
    and session, published after commit.
    """
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=reminder_days())
    with transaction.atomic():
        sessions = dict(
            Session.objects.select_for_update()
            .filter(starts_at__gt=now, starts_at__lte=horizon)
            .values_list("pk", "group_id")
        )
        if not sessions:
            return 0
        members: dict[int, list[int]] = defaultdict(list)
        for pk, group_id in (
            _place_holders(group_id__in=set(sessions.values()), person__active=True)
            .exclude(person__email="")
            .values_list("pk", "group_id")
        ):
            members[group_id].append(pk)
        done = {
            (kwargs["session_id"], kwargs["enrollment_id"])
            for kwargs in OutboxTask.objects.filter(
                task_name=SEND_REMINDER, kwargs__session_id__in=list(sessions)
            ).values_list("kwargs", flat=True)
        }
        queued = 0
        for session_id, group_id in sorted(sessions.items()):
            for enrollment_id in members[group_id]:
                if (session_id, enrollment_id) in done:
                    continue
                enqueue(SEND_REMINDER, session_id=session_id, enrollment_id=enrollment_id)
                queued += 1
    return queued


def reminder_deliver(
    *, session_id: int, enrollment_id: int, now: dt.datetime | None = None
) -> dict:
    """Mail one member a reminder of one session, if it is still ahead and they hold a place."""
    now = now or timezone.now()
    session = (
        Session.objects.select_related(
            "module__program__organisation", "group__round__program", "process_leader"
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.starts_at <= now:
        return {"sent": False, "reason": "session gone or started"}
    enrollment = (
        _place_holders(pk=enrollment_id, group_id=session.group_id, person__active=True)
        .select_related("person__user")
        .first()
    )
    if enrollment is None:
        return {"sent": False, "reason": "no longer a member"}
    person = enrollment.person
    address = person.user.email if person.user else person.email
    if not address:
        return {"sent": False, "reason": "no e-mail address"}
    program = session.module.program
    context = {
        "person": person,
        "session": session,
        "program": program,
        "days": (timezone.localdate(session.starts_at) - timezone.localdate(now)).days,
        "start_url": _site_url(
            reverse("core:participant_start", kwargs={"org": program.organisation.slug})
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("programs/email/reminder_subject.txt", context).strip()
        text = render_to_string("programs/email/reminder.txt", context)
        html = render_to_string("programs/email/reminder.html", context)
        ics = sessions_ics([session], name=f"{program.name}: {session.group}")
    message = EmailMultiAlternatives(subject, text, to=[address])
    message.attach_alternative(html, "text/html")
    message.attach(f"modul-{session.module.order}.ics", ics, "text/calendar")
    message.send()
    return {"sent": True}


# --- Attendance and completion ---------------------------------------------------------------


def attendance_field(enrollment_id: int) -> str:
    """The key of one member's status, in the attendance form and in the service's errors."""
    return f"attendance_{enrollment_id}"


@dataclass
class AttendanceRow:
    enrollment: Enrollment
    status: str | None

    @property
    def person(self) -> Person:
        return self.enrollment.person


def attendance_rows(*, session: Session) -> list[AttendanceRow]:
    """Every member holding a place in the session's group, with what was recorded."""
    recorded = dict(
        Attendance.objects.filter(session=session).values_list("enrollment_id", "status")
    )
    return [
        AttendanceRow(enrollment=e, status=recorded.get(e.pk))
        for e in _place_holders(group_id=session.group_id)
        .select_related("person__department")
        .order_by("person__last_name", "person__first_name", "pk")
    ]


def attendance_opens_on(session: Session) -> dt.date:
    """Present and absent can be registered from this day (excused also before)."""
    return timezone.localdate(session.starts_at)


@dataclass
class AttendanceResult:
    saved: int
    completed: int


@transaction.atomic
def attendance_register(
    *, session: Session, statuses: Mapping[int, str], today: dt.date | None = None
) -> AttendanceResult:
    """Record present, absent or excused for members of the session's group, in one go.

    ``statuses`` maps enrollment id → status; members left out keep what was
    recorded. Raises ValidationError keyed by ``attendance_field(id)`` for a
    person who is not a member of the group, or for present/absent before the
    session's first day; nothing is stored then.
    Side effects: Attendance rows created or changed; enrollment statuses
    updated (see ``enrollments_completion_update``).
    """
    today = today or timezone.localdate()
    members = {e.pk: e for e in _place_holders(group_id=session.group_id).select_related("person")}
    errors = {}
    for enrollment_id, status in statuses.items():
        key = attendance_field(enrollment_id)
        enrollment = members.get(enrollment_id)
        if enrollment is None:
            errors[key] = ValidationError(
                _("This person is not a member of the group."), code="not_a_member"
            )
        elif status not in Attendance.Status.values:
            errors[key] = ValidationError(
                _("%(name)s: choose present, absent or excused.") % {"name": enrollment.person},
                code="invalid_status",
            )
        elif status != Attendance.Status.EXCUSED and today < attendance_opens_on(session):
            message = _(
                "%(name)s: present or absent can be registered from %(date)s, when the "
                "session starts. Excused absence can be registered now."
            )
            opens = formats.date_format(attendance_opens_on(session), "DATE_FORMAT")
            errors[key] = ValidationError(
                message % {"name": enrollment.person, "date": opens}, code="not_started"
            )
    if errors:
        raise ValidationError(errors)
    if statuses:
        Attendance.objects.bulk_create(
            [
                Attendance(enrollment_id=pk, session=session, status=status)
                for pk, status in statuses.items()
            ],
            update_conflicts=True,
            unique_fields=["enrollment", "session"],
            update_fields=["status"],
        )
    completed = enrollments_completion_update(
        enrollment_ids=list(statuses), program_id=session.group.round.program_id
    )
    return AttendanceResult(saved=len(statuses), completed=completed)


def enrollments_completion_update(*, enrollment_ids: list[int], program_id: int) -> int:
    """Bring enrollment statuses in line with attendance. Returns how many became completed.

    Completed: present at a session of every module of the program. A planned
    enrollment with any attendance is active; a completed one that no longer
    qualifies is active again. Withdrawn and moved enrollments are left alone.
    """
    if not enrollment_ids:
        return 0
    module_count = Module.objects.filter(program_id=program_id).count()
    attended = dict(
        Attendance.objects.filter(
            enrollment_id__in=enrollment_ids,
            status=Attendance.Status.PRESENT,
            session__module__program_id=program_id,
        )
        .values("enrollment_id")
        .annotate(n=Count("session__module", distinct=True))
        .values_list("enrollment_id", "n")
    )
    with_attendance = set(
        Attendance.objects.filter(enrollment_id__in=enrollment_ids).values_list(
            "enrollment_id", flat=True
        )
    )
    to_complete, to_activate = [], []
    for pk, status in _place_holders(pk__in=enrollment_ids).values_list("pk", "status"):
        done = module_count > 0 and attended.get(pk, 0) >= module_count
        if done and status != Enrollment.Status.COMPLETED:
            to_complete.append(pk)
        elif not done and (
            status == Enrollment.Status.COMPLETED
            or (status == Enrollment.Status.PLANNED and pk in with_attendance)
        ):
            to_activate.append(pk)
    Enrollment.objects.filter(pk__in=to_complete).update(status=Enrollment.Status.COMPLETED)
    Enrollment.objects.filter(pk__in=to_activate).update(status=Enrollment.Status.ACTIVE)
    return len(to_complete)


# --- Attendance and completion rates ---------------------------------------------------------


@dataclass
class Rates:
    """Members and completions; attendance registrations by status."""

    members: int = 0
    completed: int = 0
    present: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def recorded(self) -> int:
        return self.present + self.absent + self.excused

    @property
    def completion_percent(self) -> int | None:
        return round(100 * self.completed / self.members) if self.members else None

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.present / self.recorded) if self.recorded else None

    def add(self, other: "Rates") -> None:
        for name in ("members", "completed", "present", "absent", "excused"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SessionRates:
    session: Session
    members: int
    present: int
    absent: int
    excused: int

    @property
    def not_recorded(self) -> int:
        return max(0, self.members - self.present - self.absent - self.excused)


@dataclass
class GroupProgress:
    group: Group
    rates: Rates
    sessions: list[SessionRates]


def _attendance_counts() -> dict:
    """Per session: attendance of members holding a place, one count per status."""
    return {
        f"n_{status}": Count(
            "attendances",
            filter=Q(
                attendances__status=status, attendances__enrollment__status__in=PLACE_STATUSES
            ),
        )
        for status in Attendance.Status.values
    }


def group_progress(*, group: Group) -> GroupProgress:
    """Completion and attendance of one group, per session too. Two queries."""
    rates = Rates()
    for status, n in (
        _place_holders(group=group).values_list("status").annotate(n=Count("pk")).order_by()
    ):
        rates.members += n
        if status == Enrollment.Status.COMPLETED:
            rates.completed += n
    sessions = []
    for session in (
        Session.objects.filter(group=group)
        .select_related("module", "process_leader")
        .annotate(**_attendance_counts())
        .order_by("module__order")
    ):
        row = SessionRates(
            session=session,
            members=rates.members,
            present=session.n_present,
            absent=session.n_absent,
            excused=session.n_excused,
        )
        rates.present += row.present
        rates.absent += row.absent
        rates.excused += row.excused
        sessions.append(row)
    return GroupProgress(group=group, rates=rates, sessions=sessions)


@dataclass
class RoundProgress:
    round: Round
    rates: Rates
    groups: list[tuple[Group, Rates]] = field(default_factory=list)


def program_progress(*, program: Program) -> list[RoundProgress]:
    """Completion and attendance per round and per group of the program. Four queries."""
    by_group: dict[int, Rates] = defaultdict(Rates)
    for group_id, status, n in (
        _place_holders(program=program)
        .values_list("group_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_group[group_id].members += n
        if status == Enrollment.Status.COMPLETED:
            by_group[group_id].completed += n
    for group_id, status, n in (
        Attendance.objects.filter(
            session__group__round__program=program, enrollment__status__in=PLACE_STATUSES
        )
        .values_list("session__group_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        setattr(by_group[group_id], status, getattr(by_group[group_id], status) + n)
    rounds = Round.objects.filter(program=program).order_by("number").prefetch_related("groups")
    result = []
    for round_ in rounds:
        progress = RoundProgress(round=round_, rates=Rates())
        for group in sorted(round_.groups.all(), key=lambda g: g.number):
            rates = by_group.get(group.pk, Rates())
            progress.groups.append((group, rates))
            progress.rates.add(rates)
        result.append(progress)
    return result


# --- Month view and the process leader's start page -----------------------------------------


def month_bounds(first_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    following = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        dt.datetime.combine(first_day, dt.time.min, tzinfo=zone),
        dt.datetime.combine(following, dt.time.min, tzinfo=zone),
    )


def month_sessions(*, organisation: Organisation, first_day: dt.date) -> QuerySet[Session]:
    """The organisation's sessions starting in the month, in time order."""
    start, end = month_bounds(first_day)
    return (
        sessions_in(organisation=organisation)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("module", "group__round", "process_leader")
        .order_by("starts_at", "group__round__number", "group__number", "pk")
    )


def nearest_session_months(
    *, organisation: Organisation, first_day: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The months of the nearest sessions before and after the month, in one query."""
    start, end = month_bounds(first_day)
    found = sessions_in(organisation=organisation).aggregate(
        before=Max("starts_at", filter=Q(starts_at__lt=start)),
        after=Min("starts_at", filter=Q(starts_at__gte=end)),
    )
    return tuple(
        timezone.localtime(found[k]).date().replace(day=1) if found[k] else None
        for k in ("before", "after")
    )


@dataclass
class ProcessLeaderOverview:
    groups: list[Group]  # each with .size and .next_start
    upcoming: list[Session]
    to_register: list[Session]  # started, with members whose attendance is not recorded


def process_leader_overview(
    *, user: User, organisation: Organisation, now: dt.datetime | None = None, limit: int = 10
) -> ProcessLeaderOverview:
    """My groups and next sessions, and sessions still waiting for attendance. Three queries."""
    now = now or timezone.now()
    roles = {Role.PROCESS_LEADER}
    members = (
        _place_holders(group_id=OuterRef("group_id"))
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recorded = (
        Attendance.objects.filter(session_id=OuterRef("pk"), enrollment__status__in=PLACE_STATUSES)
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sessions = sessions_visible_to(user=user, organisation=organisation, roles=roles)
    related = ("module", "group__round__program", "process_leader")
    groups = list(
        groups_visible_to(user=user, organisation=organisation, roles=roles)
        .select_related("round__program")
        .annotate(
            size=Coalesce(
                Subquery(
                    _place_holders(group_id=OuterRef("pk"))
                    .order_by()
                    .values("group_id")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            next_start=Subquery(
                Session.objects.filter(group_id=OuterRef("pk"), starts_at__gte=now)
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
        .order_by("-round__program__starts_on", "round__number", "number")
    )
    upcoming = list(
        sessions.filter(ends_at__gte=now).select_related(*related).order_by("starts_at")[:limit]
    )
    to_register = list(
        sessions.filter(starts_at__lte=now)
        .annotate(
            members=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            recorded=Coalesce(Subquery(recorded, output_field=IntegerField()), 0),
        )
        .filter(recorded__lt=F("members"))
        .select_related(*related)
        .order_by("-starts_at")[:limit]
    )
    return ProcessLeaderOverview(groups=groups, upcoming=upcoming, to_register=to_register)


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
