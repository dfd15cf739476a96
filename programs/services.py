"""Writes about the program. Rules that span rows live here, each with one message.

- A person holds at most one place per program (also a database constraint).
- Group size outside the program's bounds is a warning, never a block (the rule
  is ``programs.group_size``).
- A session of module n+1 may not start before the group's session of module n.
- A session lies within its round's dates (``outside_round``), checked when its times
  are set or changed.
- A process leader is never booked on two sessions at overlapping times, in any
  organisation they work for (``booking_clash``), checked when a session's times or
  process leader are set or changed; another organisation's session is named only by
  its time (``double_booking_error``).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from participants.models import Consultant

from .group_size import group_size_warning
from .models import Enrollment, Group, Module, Round, Session


@dataclass
class Result:
    """A stored object and the warnings the user should see about it."""

    obj: object
    warnings: list[str] = field(default_factory=list)


def _already_enrolled_error():
    return ValidationError(
        _("This manager is already enrolled in the program."), code="already_enrolled"
    )


@transaction.atomic
def enrollment_create(*, person, group: Group, status=Enrollment.Status.PLANNED) -> Result:
    """Enroll a person in a group. Refuses a second place in the same program.

    Returns the enrollment and, if the group is now outside the size bounds,
    a warning (the enrollment is stored all the same).
    """
    program = group.round.program
    if person.organisation_id != program.organisation_id:
        raise ValidationError(
            _("The manager belongs to another organisation."), code="other_organisation"
        )
    if Enrollment.objects.filter(person=person, program=program).holding_place().exists():
        raise _already_enrolled_error()
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                person=person, group=group, program=program, status=status
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise _already_enrolled_error() from exc
    warning = group_size_warning(group=group)
    return Result(enrollment, [warning] if warning else [])


def _module_order_error(*, module: Module, other: Session, before: bool) -> ValidationError:
    if before:
        message = _(
            "Module %(order)d cannot start before module %(other_order)d has started for "
            "this group (%(other_start)s)."
        )
    else:
        message = _(
            "Module %(order)d cannot start after module %(other_order)d for this group "
            "(%(other_start)s)."
        )
    text = message % {
        "order": module.order,
        "other_order": other.module.order,
        "other_start": other.starts_at.date().isoformat(),
    }
    return ValidationError({"starts_at": ValidationError(text, code="module_order")})


def validate_module_order(*, session: Session) -> None:
    """The group's sessions must follow the modules' order."""
    siblings = (
        Session.objects.filter(group_id=session.group_id)
        .exclude(pk=session.pk)
        .select_related("module")
    )
    order = session.module.order
    for other in siblings:
        if other.module.order < order and session.starts_at < other.starts_at:
            raise _module_order_error(module=session.module, other=other, before=True)
        if other.module.order > order and session.starts_at > other.starts_at:
            raise _module_order_error(module=session.module, other=other, before=False)


def outside_round(*, round_: Round, starts_at, ends_at) -> str | None:
    """Which time lies outside the round's dates: "starts_at", "ends_at" or None.

    A session lies within its round when it starts on or after the round's first
    day and ends on or before its last day (dates in Swedish time).
    """
    first = timezone.localdate(starts_at)
    if not round_.starts_on <= first <= round_.ends_on:
        return "starts_at"
    if timezone.localdate(ends_at) > round_.ends_on:
        return "ends_at"
    return None


def outside_round_error(*, round_: Round, module: Module) -> ValidationError:
    """The one message of ``outside_round``, naming the round's dates."""
    message = _("Module %(order)d must be held within the round's dates, %(start)s–%(end)s.")
    return ValidationError(
        message
        % {
            "order": module.order,
            "start": formats.date_format(round_.starts_on, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(round_.ends_on, "SHORT_DATE_FORMAT"),
        },
        code="outside_round",
    )


def validate_within_round(*, session: Session, round_: Round) -> None:
    """Raise a ValidationError at the time that lies outside the round's dates."""
    field = outside_round(round_=round_, starts_at=session.starts_at, ends_at=session.ends_at)
    if field is not None:
        raise ValidationError({field: outside_round_error(round_=round_, module=session.module)})


def booking_clash(
    *, process_leader: Consultant, starts_at, ends_at, group: Group
) -> Session | None:
    """The first session of another group, in an organisation the process leader works for,
    that they lead at a time overlapping ``starts_at``–``ends_at``; or None.

    A session of an organisation the consultant no longer works for is not theirs any more
    (it is in neither their calendar nor this rule). The group's own sessions are the module
    order's business.
    """
    return (
        Session.objects.filter(
            process_leader=process_leader,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
            group__round__program__organisation__consultants=process_leader,
        )
        .exclude(group=group)
        .select_related("module", "group__round__program")
        .order_by("starts_at")
        .first()
    )


def double_booking_error(
    *, process_leader: Consultant, clash: Session, organisation_id: int
) -> ValidationError:
    """The one message of a clash: in our organisation it names the group, module and
    times; in another it says only when the process leader is busy, nothing of whose
    session it is (no organisation, program, group or module)."""
    if clash.group.round.program.organisation_id == organisation_id:
        message = _(
            "%(leader)s is already booked then: %(group)s, module %(order)d, "
            "%(start)s–%(end)s. Choose another time or process leader."
        ) % {
            "leader": process_leader.name,
            "group": clash.group,
            "order": clash.module.order,
            "start": _when(clash.starts_at),
            "end": _when(clash.ends_at),
        }
    else:
        same_day = timezone.localdate(clash.starts_at) == timezone.localdate(clash.ends_at)
        end = timezone.localtime(clash.ends_at)
        message = _(
            "%(leader)s is already booked %(start)s–%(end)s in another assignment. "
            "Choose another time or process leader."
        ) % {
            "leader": process_leader.name,
            "start": _when(clash.starts_at),
            "end": formats.time_format(end, "H:i") if same_day else _when(clash.ends_at),
        }
    return ValidationError(message, code="double_booked")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def validate_no_double_booking(*, session: Session, organisation_id: int) -> None:
    """Raise a ValidationError at the process leader if they lead another session then."""
    if session.process_leader is None:
        return
    clash = booking_clash(
        process_leader=session.process_leader,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        group=session.group,
    )
    if clash is not None:
        raise ValidationError(
            {
                "process_leader": double_booking_error(
                    process_leader=session.process_leader,
                    clash=clash,
                    organisation_id=organisation_id,
                )
            }
        )


@transaction.atomic
def session_save(
    *,
    group: Group,
    module: Module,
    starts_at,
    ends_at,
    venue: str = "",
    process_leader: Consultant | None = None,
    session: Session | None = None,
) -> Session:
    """Create or change a group's session of a module. Raises ValidationError.

    A new session, or a change of its times, must lie within the round's dates; a new
    session, or a change of its times or process leader, must not double-book the
    process leader in any organisation (``validate_no_double_booking``). A
    change of time, venue or process leader raises the session's calendar sequence,
    so a re-sent .ics replaces the entry in people's calendars.
    """
    if module.program_id != group.round.program_id:
        raise ValidationError(
            {
                "module": ValidationError(
                    _("The module belongs to another program."), code="other_program"
                )
            }
        )
    session = session or Session()
    before = _calendar_fields(session) if session.pk else None
    times_before = (session.starts_at, session.ends_at) if session.pk else None
    session.group = group
    session.module = module
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.venue = venue
    session.process_leader = process_leader
    if before is not None and before != _calendar_fields(session):
        session.calendar_sequence += 1
    session.full_clean()
    if times_before != (starts_at, ends_at):
        validate_within_round(session=session, round_=group.round)
    booking_changed = (
        before is None
        or times_before != (starts_at, ends_at)
        or before[3] != session.process_leader_id
    )
    if booking_changed and process_leader is not None:
        # Two coordinators booking the same process leader at once wait for each other.
        list(Consultant.objects.select_for_update().filter(pk=process_leader.pk))
        validate_no_double_booking(
            session=session, organisation_id=group.round.program.organisation_id
        )
    validate_module_order(session=session)
    session.save()
    return session


def _calendar_fields(session: Session) -> tuple:
    """What a calendar entry shows that, changed, must replace the entry people hold."""
    return (session.starts_at, session.ends_at, session.venue, session.process_leader_id)
