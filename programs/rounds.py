"""Rounds, group composition, intake and moves: the writes, and the reads their pages need.

Writes (keyword-only, typed, each in one transaction):

- ``round_create``: a new omgång in a program.
- ``proposal_accept``: the composition the coordinator accepted becomes Group rows and
  Enrollments together; accepting the same proposal again creates nothing.
- ``intake_add``: a manager who is not in the program joins a group.
- ``enrollment_move``: a participant changes group; the old enrollment becomes "moved"
  and the new one points back to it (``moved_from``).

The reads (a round's pool, the intake list, the next round's groups, the proposal page)
are used by the rounds pages only; each runs a fixed number of queries whatever the
number of people.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Department, Level, Organisation, Person

from . import composition
from .models import Agreement, Enrollment, Group, Program, Round
from .services import Result, enrollment_create, group_size_warning

NO_DEPARTMENT = "none"  # the department key of managers without a department
_HOLDS_PLACE = ~Q(status__in=Enrollment.INACTIVE_STATUSES)


# --- Scoped lookups ------------------------------------------------------------------------


# --- Departments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentTree:
    """Every department of an organisation mapped to its top-level department (förvaltning).

    Groups are mixed by förvaltning: a unit inside a department counts as that department.
    """

    top_of: dict[int, int]
    names: dict[int, str]

    def key(self, department_id: int | None) -> int | str:
        if department_id is None or department_id not in self.top_of:
            return NO_DEPARTMENT
        return self.top_of[department_id]

    def name(self, key: int | str) -> str:
        if key == NO_DEPARTMENT or key not in self.names:
            return _("No department")
        return self.names[key]

    def descendants(self, top_id: int) -> list[int]:
        return [pk for pk, top in self.top_of.items() if top == top_id]

    def key_names(self) -> dict[int | str, str]:
        """Department key -> name, for composition.warnings_for."""
        names: dict[int | str, str] = {top: self.names[top] for top in set(self.top_of.values())}
        names[NO_DEPARTMENT] = _("No department")
        return names


def department_tree(*, organisation: Organisation | int) -> DepartmentTree:
    """One query (an organisation or its id); the tree (tens of rows) is walked in Python."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    rows = {
        pk: (parent_id, name)
        for pk, parent_id, name in Department.objects.filter(
            organisation_id=organisation_id
        ).values_list("pk", "parent_id", "name")
    }
    top_of = {}
    for pk in rows:
        current, seen = pk, set()
        while rows[current][0] in rows and current not in seen:
            seen.add(current)
            current = rows[current][0]
        top_of[pk] = current
    return DepartmentTree(top_of=top_of, names={pk: name for pk, (_p, name) in rows.items()})


def candidates_for(
    *, people: Sequence[Person], tree: DepartmentTree
) -> list[composition.Candidate]:
    """People as the composer sees them: id, top-level department, level."""
    return [
        composition.Candidate(id=p.pk, department=tree.key(p.department_id), level=p.level)
        for p in people
    ]


# --- Reads: the pool, the intake list, the next round ----------------------------------------


def _holds_place_in(program: Program) -> Exists:
    return Exists(Enrollment.objects.filter(_HOLDS_PLACE, person=OuterRef("pk"), program=program))


def pool_people(
    *,
    program: Program,
    tree: DepartmentTree | None = None,
    search: str = "",
    department: Department | None = None,
    level: str = "",
    manager_since_from=None,
    manager_since_to=None,
) -> QuerySet[Person]:
    """Active managers of the program's organisation without a place in it, filtered.

    ``department`` is a top-level department and takes its units along (needs ``tree``).
    One query.
    """
    queryset = (
        Person.objects.filter(organisation_id=program.organisation_id, active=True)
        .exclude(_holds_place_in(program))
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )
    for word in search.split()[:5]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(employee_number__iexact=word)
        )
    if department is not None:
        ids = tree.descendants(department.pk) if tree else [department.pk]
        queryset = queryset.filter(department_id__in=ids)
    if level:
        queryset = queryset.filter(level=level)
    if manager_since_from is not None:
        queryset = queryset.filter(manager_since__gte=manager_since_from)
    if manager_since_to is not None:
        queryset = queryset.filter(manager_since__lte=manager_since_to)
    return queryset


def intake_people(*, program: Program) -> QuerySet[Person]:
    """Active managers not in the program: those appointed after it started first.

    The late appointments come longest-waiting first; the others follow by name.
    Each row carries ``appointed_late``. One query.
    """
    late = Q(manager_since__gt=program.starts_on)
    return (
        Person.objects.filter(organisation_id=program.organisation_id, active=True)
        .exclude(_holds_place_in(program))
        .select_related("department")
        .annotate(
            appointed_late=Case(
                When(late, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by(
            F("appointed_late").desc(),
            Case(When(late, then=F("manager_since"))).asc(nulls_last=True),
            "last_name",
            "first_name",
            "pk",
        )
    )


def next_round(*, program: Program, today) -> Round | None:
    """The program's earliest round that has not started yet."""
    return program.rounds.filter(starts_on__gt=today).order_by("starts_on", "number").first()


def groups_with_size(*, rounds: Sequence[Round] | QuerySet[Round]) -> list[Group]:
    """The rounds' groups with ``size`` (places held), in round and group order. One query."""
    return list(
        Group.objects.filter(round__in=rounds)
        .select_related("round__program")
        .annotate(
            size=Count(
                "enrollments",
                filter=~Q(enrollments__status__in=Enrollment.INACTIVE_STATUSES),
            )
        )
        .order_by("round__number", "number")
    )


def next_group_number(*, program: Program) -> int:
    """Groups are numbered through the whole program (Grupp 1 to 23 over five rounds)."""
    highest = Group.objects.filter(round__program=program).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


# --- The proposal page ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member on the proposal page, prepared so that 2,000 rows render quickly."""

    seq: int  # 0-based place in the whole proposal; the first row gets the summary's anchor
    pk: str  # a string: templates number-format ints
    name: str
    department: str  # the top-level department's name
    level: str  # the level's label


@dataclass
class ProposedGroup:
    index: int  # 1-based place in the proposal
    label: str  # what the group will be called once accepted
    members: list[Person]
    rows: list[MemberRow]
    department_mix: list[tuple[str, int]]
    level_mix: list[tuple[str, int]]
    warnings: list[str]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def ids(self) -> list[int]:
        return [p.pk for p in self.members]


@dataclass
class ProposalPage:
    groups: list[ProposedGroup]
    dropped: list[Person]  # in the stored proposal, but no longer available
    explanation: str | None  # why the sizes cannot all fit the bounds, if they cannot
    kept: bool

    @property
    def ids(self) -> list[list[int]]:
        return [g.ids for g in self.groups]

    @property
    def warning_count(self) -> int:
        return sum(len(g.warnings) for g in self.groups)

    @property
    def size(self) -> int:
        return sum(g.size for g in self.groups)


def proposal_page(
    *, round_: Round, groups: Sequence[Sequence[int]], kept: bool, kept_name: str = ""
) -> ProposalPage:
    """The stored proposal (ids) with people, mixes and warnings. Three queries.

    People who have since got a place or been deactivated are left out and listed in
    ``dropped`` (a deleted person just disappears); empty groups are kept (their indexes
    are what the move form refers to).
    """
    program = round_.program
    wanted = [pk for group in groups for pk in group]
    people = {
        p.pk: p
        for p in Person.objects.filter(organisation_id=program.organisation_id, pk__in=wanted)
        .select_related("department")
        .annotate(holds_place=_holds_place_in(program))
    }
    available = {pk: p for pk, p in people.items() if p.active and not p.holds_place}
    dropped = sorted(
        (p for pk, p in people.items() if pk not in available), key=lambda p: (p.last_name, p.pk)
    )
    tree = department_tree(organisation=program.organisation_id)
    member_ids = [[pk for pk in group if pk in available] for group in groups]
    candidates = candidates_for(people=list(available.values()), tree=tree)
    keep = member_ids[0] if kept and member_ids else []
    warnings = composition.warnings_for(
        member_ids,
        candidates,
        program.min_group_size,
        program.max_group_size,
        keep_together=keep,
        department_names=tree.key_names(),
    )
    first_number = next_group_number(program=program)
    levels = dict(Level.choices)
    level_order = {value: i for i, value in enumerate(Level.values)}
    page_groups = []
    seq = 0
    for index, (ids, group_warnings) in enumerate(zip(member_ids, warnings, strict=True)):
        members = sorted(
            (available[pk] for pk in ids), key=lambda p: (p.last_name, p.first_name, p.pk)
        )
        rows = []
        for person in members:
            department = tree.name(tree.key(person.department_id))
            level = str(levels.get(person.level, ""))
            rows.append(MemberRow(seq, str(person.pk), person.full_name, department, level))
            seq += 1
        departments = Counter(row.department for row in rows)
        level_counts = Counter(p.level for p in members)
        number = first_number + index
        label = _("Group %(number)s") % {"number": number}
        if index == 0 and kept and kept_name:
            label = f"{label}: {kept_name}"
        page_groups.append(
            ProposedGroup(
                index=index + 1,
                label=label,
                members=members,
                rows=rows,
                department_mix=sorted(departments.items(), key=lambda kv: (-kv[1], kv[0])),
                level_mix=[
                    (str(levels.get(level, level)), n)
                    for level, n in sorted(
                        level_counts.items(), key=lambda kv: level_order.get(kv[0], 99)
                    )
                ],
                warnings=group_warnings,
            )
        )
    return ProposalPage(
        groups=page_groups,
        dropped=dropped,
        explanation=_explanation(candidates, member_ids, keep, program),
        kept=bool(keep),
    )


def _explanation(candidates, member_ids, keep, program: Program) -> str | None:
    """The composer's explanation when these people cannot fit the bounds in this many groups."""
    count = sum(1 for ids in member_ids if ids)
    if not count:
        return None
    bounds = {"min_size": program.min_group_size, "max_size": program.max_group_size}
    default = composition.compose(candidates, keep_together=keep, **bounds)
    if len(default.groups) == count:
        return default.explanation
    try:
        chosen = composition.compose(candidates, keep_together=keep, n_groups=count, **bounds)
    except ValueError:
        return None
    return chosen.explanation


# --- Writes ----------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, program: Program, number: int, starts_on, ends_on) -> Round:
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


def names_list(people: Sequence[Person], limit: int = 5) -> str:
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
        .annotate(holds_place=_holds_place_in(program))
        .order_by("last_name", "first_name", "pk")
    }
    placed = [p for p in people.values() if p.holds_place]
    if len(placed) == len(ids):
        places_in_round = Enrollment.objects.filter(
            _HOLDS_PLACE, program=program, group__round=round_, person_id__in=ids
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
            % {"count": len(placed), "names": names_list(placed)},
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
            % {"count": len(gone), "names": f": {names_list(inactive)}" if inactive else ""},
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
        Enrollment.objects.filter(_HOLDS_PLACE, person=person, program=group.round.program_id)
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
