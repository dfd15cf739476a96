"""The reads of the rounds pages: departments by förvaltning, the pool, the intake list, the
next round, and the proposal (composed for the chosen people, and shown as stored).

The proposal is not stored in the database until ``services.proposal_accept``; until then
it lives in the session (``views_rounds.pool.ProposalStore``) as lists of person ids.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

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
from django.utils.translation import gettext as _

from participants.models import Department, Level, Person

from .. import composition
from ..departments import DepartmentTree, department_tree
from ..group_size import group_size_bounds
from ..models import Enrollment, Group, Program, Round
from ..places import holding_place_q

# --- The pool, the intake list, the next round -------------------------------------------------


def holds_place_in(*, program: Program) -> Exists:
    """EXISTS: the outer person holds a place in the program (``places``)."""
    return Exists(Enrollment.objects.holding_place().filter(person=OuterRef("pk"), program=program))


def pool_people(
    *,
    program: Program,
    tree: DepartmentTree | None = None,
    search: str = "",
    department: Department | None = None,
    level: str = "",
    manager_since_from: dt.date | None = None,
    manager_since_to: dt.date | None = None,
) -> QuerySet[Person]:
    """Active managers of the program's organisation without a place in it, filtered.

    ``department`` is a top-level department and takes its units along (needs ``tree``).
    One query.
    """
    queryset = (
        Person.objects.filter(organisation_id=program.organisation_id, active=True)
        .exclude(holds_place_in(program=program))
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
        .exclude(holds_place_in(program=program))
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


def next_round(*, program: Program, today: dt.date) -> Round | None:
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
                filter=holding_place_q("enrollments__"),
            )
        )
        .order_by("round__number", "number")
    )


def next_group_number(*, program: Program) -> int:
    """Groups are numbered through the whole program (Grupp 1 to 23 over five rounds)."""
    highest = Group.objects.filter(round__program=program).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


# --- Composing a proposal ----------------------------------------------------------------------


def candidates_for(
    *, people: Sequence[Person], tree: DepartmentTree
) -> list[composition.Candidate]:
    """People as the composer sees them: id, top-level department, level."""
    return [
        composition.Candidate(id=p.pk, department=tree.key(p.department_id), level=p.level)
        for p in people
    ]


def proposal_compose(
    *,
    program: Program,
    people: Sequence[Person],
    keep_together: Sequence[int] = (),
    n_groups: int | None = None,
) -> composition.Proposal:
    """The composer's proposal for these people: the program's group size bounds, and
    departments counted by förvaltning. One query (the department tree).

    Raises ValueError for an ``n_groups`` the people cannot fill (see ``compose``).
    """
    tree = department_tree(organisation=program.organisation_id)
    return _compose(
        program=program,
        candidates=candidates_for(people=people, tree=tree),
        keep_together=keep_together,
        n_groups=n_groups,
    )


def _compose(
    *,
    program: Program,
    candidates: Sequence[composition.Candidate],
    keep_together: Sequence[int] = (),
    n_groups: int | None = None,
) -> composition.Proposal:
    return composition.compose(
        candidates,
        **group_size_bounds(program=program),
        keep_together=keep_together,
        n_groups=n_groups,
    )


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
        .annotate(holds_place=holds_place_in(program=program))
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
        **group_size_bounds(program=program),
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
        explanation=_explanation(
            program=program, candidates=candidates, member_ids=member_ids, keep=keep
        ),
        kept=bool(keep),
    )


def _explanation(
    *,
    program: Program,
    candidates: list[composition.Candidate],
    member_ids: list[list[int]],
    keep: list[int],
) -> str | None:
    """The composer's explanation when these people cannot fit the bounds in this many groups."""
    count = sum(1 for ids in member_ids if ids)
    if not count:
        return None
    default = _compose(program=program, candidates=candidates, keep_together=keep)
    if len(default.groups) == count:
        return default.explanation
    try:
        chosen = _compose(
            program=program, candidates=candidates, keep_together=keep, n_groups=count
        )
    except ValueError:
        return None
    return chosen.explanation
