"""The writes of the rounds pages: a new round, an accepted proposal, an intake, a move.

One transaction each.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Person

from ..group_size import group_size_warning
from ..models import Agreement, Enrollment, Group, Program, Round
from ..services import Result, enrollment_create
from .selectors import holds_place_in, next_group_number


@transaction.atomic
def round_create(*, program: Program, number: int, starts_on: dt.date, ends_on: dt.date) -> Round:
    """Create a round in the program. Raises ValidationError (keyed by field).

    The round must lie within the program's period. Creating the same round again (same
    number and dates, e.g. a double submit) returns the stored one; another round with a
    taken number is refused.
    """
    existing = Round.objects.filter(program=program, number=number).first()
    if existing is not None:
        if (existing.starts_on, existing.ends_on) == (starts_on, ends_on):
            return existing
        raise ValidationError(
            {
                "number": ValidationError(
                    _("The program already has a round %(number)d.") % {"number": number},
                    code="round_number_taken",
                )
            }
        )
    round_ = Round(program=program, number=number, starts_on=starts_on, ends_on=ends_on)
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The round must end on or after its start.")
    if not program.starts_on <= starts_on <= program.ends_on:
        errors["starts_on"] = _("The round must start within the program's period, %(period)s.") % {
            "period": _period(program)
        }
    elif ends_on > program.ends_on:
        errors["ends_on"] = _("The round must end within the program's period, %(period)s.") % {
            "period": _period(program)
        }
    if errors:
        raise ValidationError(errors)
    round_.full_clean()
    round_.save()
    return round_


def _period(program: Program) -> str:
    return (
        f"{date_format(program.starts_on, 'SHORT_DATE_FORMAT')}–"
        f"{date_format(program.ends_on, 'SHORT_DATE_FORMAT')}"
    )


@dataclass
class Accepted:
    groups: list[Group]
    warnings: list[str] = field(default_factory=list)
    created: bool = True
    enrollment_count: int = 0


def names_list(*, people: Sequence[Person], limit: int = 5) -> str:
    """The first ``limit`` names, and how many more, for a message."""
    shown = ", ".join(p.full_name for p in people[:limit])
    if len(people) > limit:
        more = len(people) - limit
        shown += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
    return shown


@transaction.atomic
def proposal_accept(
    *, round_: Round, groups: Sequence[Sequence[int]], kept_name: str = ""
) -> Accepted:
    """Create the proposal's groups in the round and a planned enrollment for each member.

    All or nothing. Empty groups are skipped; the first group gets ``kept_name`` (the set
    kept together) if given. Groups are numbered after the program's highest number.

    Idempotent: the round row is locked, so a second submit waits for the first and then
    finds every member placed in this round; it returns those groups with
    ``created=False``. If only some members have a place in the program by now (intake
    or another round), ValidationError names them and nothing is written.

    Enrollments are created in bulk rather than through ``enrollment_create`` (about four
    queries per person): the same rules hold, checked for everyone at once (same
    organisation, active, one place per program), and the database constraint still
    guards the race with other writers.
    """
    round_ = Round.objects.select_for_update().select_related("program").get(pk=round_.pk)
    program = round_.program
    kept_name = kept_name if groups and groups[0] else ""  # the kept group was emptied
    groups = [list(g) for g in groups if g]
    ids = [pk for g in groups for pk in g]
    if len(set(ids)) != len(ids):
        raise ValueError("a person is in more than one proposed group")
    if not ids:
        raise ValidationError(_("The proposal has no one in it."), code="empty")
    people = {
        p.pk: p
        for p in Person.objects.filter(organisation_id=program.organisation_id, pk__in=ids)
        .annotate(holds_place=holds_place_in(program=program))
        .order_by("last_name", "first_name", "pk")
    }
    placed = [p for p in people.values() if p.holds_place]
    if len(placed) == len(ids):
        places_in_round = Enrollment.objects.holding_place().filter(
            program=program, group__round=round_, person_id__in=ids
        )
        if places_in_round.count() == len(ids):  # this proposal was accepted a moment ago
            existing = Group.objects.filter(pk__in=places_in_round.values("group_id"))
            return Accepted(groups=list(existing.order_by("number")), created=False)
    if placed:
        raise ValidationError(
            ngettext(
                "%(count)d person in the proposal has got a place in the program since it was "
                "made: %(names)s.",
                "%(count)d people in the proposal have got a place in the program since it was "
                "made: %(names)s.",
                len(placed),
            )
            % {"count": len(placed), "names": names_list(people=placed)},
            code="already_enrolled",
        )
    gone = [pk for pk in ids if pk not in people or not people[pk].active]
    if gone:
        inactive = [people[pk] for pk in gone if pk in people]
        raise ValidationError(
            ngettext(
                "%(count)d person in the proposal is no longer an active manager%(names)s.",
                "%(count)d people in the proposal are no longer active managers%(names)s.",
                len(gone),
            )
            % {"count": len(gone), "names": f": {names_list(people=inactive)}" if inactive else ""},
            code="inactive",
        )

    first = next_group_number(program=program)
    new_groups = [
        Group(
            round=round_,
            number=first + i,
            name=kept_name[:200] if i == 0 and kept_name else "",
        )
        for i in range(len(groups))
    ]
    for group in new_groups:
        group.full_clean(exclude=["round"])
    new_groups = Group.objects.bulk_create(new_groups)
    enrollments = [
        Enrollment(person_id=pk, group=group, program=program, status=Enrollment.Status.PLANNED)
        for group, members in zip(new_groups, groups, strict=True)
        for pk in members
    ]
    try:
        with transaction.atomic():
            Enrollment.objects.bulk_create(enrollments)
    except IntegrityError as exc:  # someone placed one of them a moment ago
        raise ValidationError(
            _("Someone in the proposal got a place in the program meanwhile. Check the proposal."),
            code="already_enrolled",
        ) from exc
    warnings = []
    for group, members in zip(new_groups, groups, strict=True):
        group.round = round_
        warning = group_size_warning(group=group, size=len(members))
        if warning:
            warnings.append(warning)
    return Accepted(groups=new_groups, warnings=warnings, enrollment_count=len(enrollments))


@dataclass
class Placed:
    enrollment: Enrollment
    warnings: list[str] = field(default_factory=list)
    created: bool = True


@transaction.atomic
def intake_add(*, person: Person, group: Group) -> Placed:
    """Give a manager a planned place in a group (the intake's one-step action).

    Adding the same person to the same group again (a double submit) changes nothing
    and returns ``created=False``. Raises ValidationError for an inactive manager or one
    who already has a place elsewhere in the program. The group-size warning is returned,
    never a block.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    existing = (
        Enrollment.objects.holding_place()
        .filter(person=person, program=group.round.program_id)
        .select_related("group__round")
        .first()
    )
    if existing is not None and existing.group_id == group.pk:
        return Placed(existing, created=False)
    if not person.active:
        raise ValidationError(
            _("%(name)s is no longer an active manager.") % {"name": person.full_name},
            code="inactive",
        )
    if existing is not None:
        raise ValidationError(
            _("%(name)s already has a place in %(group)s (%(round)s).")
            % {"name": person.full_name, "group": existing.group, "round": existing.group.round},
            code="already_enrolled",
        )
    result: Result = enrollment_create(person=person, group=group)
    return Placed(result.obj, result.warnings)


@dataclass
class Moved:
    enrollment: Enrollment  # the new place
    previous: Enrollment  # the old place, now "moved"
    warnings: list[str] = field(default_factory=list)
    created: bool = True


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, to_group: Group) -> Moved:
    """Move a participant to another group of the same program, keeping the history.

    The old enrollment becomes "moved"; the new one has the old status (planned or
    active) and ``moved_from`` set. Side effects: the participant's agreements follow
    to the new enrollment (they are between the person and their line manager, not
    the group; the change is in the agreements' history). Attendance stays with the
    old enrollment, as a record of the sessions the person attended there.

    Returns size warnings for both groups. Moving again to the same group (a double
    submit) changes nothing and returns ``created=False``.
    """
    old = (
        Enrollment.objects.select_for_update()
        .select_related("group__round__program", "person")
        .get(pk=enrollment.pk)
    )
    if old.status == Enrollment.Status.MOVED:
        successor = Enrollment.objects.filter(moved_from=old).select_related("group").first()
        if successor is not None and successor.group_id == to_group.pk:
            return Moved(successor, old, created=False)
        raise ValidationError(
            _("%(name)s has already been moved from %(group)s.")
            % {"name": old.person.full_name, "group": old.group},
            code="already_moved",
        )
    if old.status == Enrollment.Status.WITHDRAWN:
        raise ValidationError(
            _("%(name)s has withdrawn from the program.") % {"name": old.person.full_name},
            code="withdrawn",
        )
    if old.status == Enrollment.Status.COMPLETED:
        raise ValidationError(
            _("%(name)s has completed the program and cannot be moved.")
            % {"name": old.person.full_name},
            code="completed",
        )
    if to_group.round.program_id != old.program_id:
        raise ValidationError(_("The group belongs to another program."), code="other_program")
    if to_group.pk == old.group_id:
        raise ValidationError(
            _("%(name)s is already in %(group)s.")
            % {"name": old.person.full_name, "group": to_group},
            code="same_group",
        )
    status = old.status
    old.status = Enrollment.Status.MOVED
    old.save(update_fields=["status"])
    result = enrollment_create(person=old.person, group=to_group, status=status)
    new = result.obj
    new.moved_from = old
    new.save(update_fields=["moved_from"])
    for agreement in Agreement.objects.filter(enrollment=old):
        agreement.enrollment = new
        agreement.save(update_fields=["enrollment", "updated_at"])
    warnings = list(result.warnings)
    left_behind = group_size_warning(group=old.group)
    if left_behind:
        warnings.append(left_behind)
    return Moved(new, old, warnings)
