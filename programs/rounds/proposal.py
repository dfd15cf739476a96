"""The proposal page: the proposed groups with their members, warnings and explanation."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from participants.models import Level, Person

from .. import composition
from ..models import Program, Round

# --- The proposal page ----------------------------------------------------------------------
from .selectors import candidates_for, department_tree, holds_place_in, next_group_number


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
        .annotate(holds_place=holds_place_in(program))
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
