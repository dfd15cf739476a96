"""Writes: scheduling a group's four sessions, in module order, within the round's dates
and without double-booking."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from participants.models import Consultant

from ...models import Group, Round, Session
from ...services import double_booking_error, outside_round, outside_round_error, session_save
from ..common import when_text
from ..selectors.invitations import invitations_asked_for
from ..selectors.plans import SessionPlan

PLAN_FIELDS = ("starts_at", "ends_at", "venue", "process_leader")


def plan_field(order: int, name: str) -> str:
    """The key of one module's value, in the scheduling form and in the service's errors."""
    return f"m{order}_{name}"


def _plan_errors(*, plans: list[SessionPlan], round_: Round) -> dict[str, list[ValidationError]]:
    """Times missing, ending before starting, outside the round's dates (when set or
    changed: ``programs.services.outside_round``), or out of module order."""
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
        elif plan.times_changed() and (
            outside := outside_round(round_=round_, starts_at=plan.starts_at, ends_at=plan.ends_at)
        ):
            error = outside_round_error(round_=round_, module=plan.module)
            errors[plan_field(order, outside)].append(error)
            continue  # not a "previous" module for the order check of the next
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
                "end": when_text(previous.ends_at) if previous else "",
            }
            errors[plan_field(order, name)].append(ValidationError(text, code=code))
        if plan.has_times and (problem is None or problem[2] == "module_order"):
            previous = plan
    return errors


def _booking_errors(*, group: Group, plans: list[SessionPlan]) -> dict[str, list[ValidationError]]:
    """A process leader booked elsewhere at an overlapping time (in any organisation they
    work for: ``programs.services.booking_clash``), or not working for us.

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
            # Only organisations they work for (``programs.services.booking_clash``).
            group__round__program__organisation__consultants=F("process_leader"),
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
        errors[key].append(
            double_booking_error(
                process_leader=leader, clash=clash, organisation_id=organisation_id
            )
        )
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
    errors = _plan_errors(plans=plans, round_=group.round)
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
    outdated = times_changed and invitations_asked_for(group=group).exists()
    return ScheduleResult(changed=len(changed), invitations_outdated=outdated)
