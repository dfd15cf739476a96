"""Reads about the program, always scoped to one organisation.

Every function takes the organisation the page belongs to; an object of
another organisation is a 404, never a leak. The page-building functions run
a fixed number of queries whatever the number of rounds, groups, members or
sessions: counts are annotated, related rows prefetched, and the department
mix and attendance are fetched in one grouped query each and joined in Python.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from participants.models import Consultant, Organisation, Person, User

from .departments import department_tree
from .group_size import group_size_bounds, size_within_bounds
from .models import Attendance, Enrollment, Group, Module, Program, Round, Session
from .places import holding_place_q


def subquery_count(queryset: QuerySet, outer_field: str) -> Coalesce:
    """COUNT(*) of ``queryset`` per outer row, as a scalar subquery (no join fan-out)."""
    counted = queryset.order_by().values(outer_field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_for_organisation(*, organisation: Organisation) -> QuerySet[Program]:
    """The organisation's programs, newest first, with round, group and participant counts."""
    return Program.objects.filter(organisation=organisation).annotate(
        round_count=subquery_count(Round.objects.filter(program=OuterRef("pk")), "program"),
        group_count=subquery_count(
            Group.objects.filter(round__program=OuterRef("pk")), "round__program"
        ),
        participant_count=subquery_count(
            Enrollment.objects.holding_place().filter(program=OuterRef("pk")), "program"
        ),
    )


def program_for_organisation_or_404(*, organisation: Organisation, program_id: int) -> Program:
    """The organisation's program, or 404; ``program.organisation`` costs no query."""
    program = Program.objects.filter(organisation=organisation, pk=program_id).first()
    if program is None:
        raise Http404
    program.organisation = organisation
    return program


def round_for_organisation_or_404(*, organisation: Organisation, round_id: int) -> Round:
    round_ = (
        Round.objects.select_related("program")
        .filter(program__organisation=organisation, pk=round_id)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def group_for_organisation_or_404(*, organisation: Organisation, group_id: int) -> Group:
    group = (
        Group.objects.select_related("round__program")
        .filter(round__program__organisation=organisation, pk=group_id)
        .first()
    )
    if group is None:
        raise Http404
    return group


# --- Program overview ----------------------------------------------------------------


@dataclass
class GroupSummary:
    group: Group
    size: int
    size_within_bounds: bool
    # (top-level department name, number of members), largest first.
    department_mix: list[tuple[str, int]]

    @property
    def department_count(self) -> int:
        return len(self.department_mix)


@dataclass
class RoundSummary:
    round: Round
    groups: list[GroupSummary]

    @property
    def size(self) -> int:
        return sum(g.size for g in self.groups)


# A program with more groups than this shows one round at a time (with links to the
# others); below it, every round at once, as the SVC program's 23 groups are.
OVERVIEW_ALL_ROUNDS_UP_TO_GROUPS = 60


@dataclass
class RoundTab:
    round: Round
    group_count: int
    current: bool


@dataclass
class ProgramOverview:
    program: Program
    modules: list[Module]
    # The rounds shown (all, or the one chosen), with their groups.
    rounds: list[RoundSummary]
    total_days: Decimal = Decimal(0)
    participant_count: int = 0
    group_count: int = 0
    # Every round, for choosing one; empty when all rounds are shown at once.
    round_tabs: list[RoundTab] = field(default_factory=list)
    showing_all: bool = True


def _department_mix_by_group(
    *, organisation: Organisation, program: Program, group_ids=None
) -> dict[int, list[tuple[str, int]]]:
    """Group id → [(top-level department, members)], largest first, in two queries.

    ``group_ids``: only these groups (the rounds shown). Filtering on the ids rather than
    joining the groups by round lets PostgreSQL start from the groups' index instead of
    every enrollment of the program (at national scale 8.5 → 5.2 ms for one round of 91
    groups out of 454).
    """
    tree = department_tree(organisation=organisation)
    counters: dict[int, Counter] = defaultdict(Counter)
    enrollments = Enrollment.objects.holding_place().filter(program=program)
    if group_ids is not None:
        enrollments = enrollments.filter(group_id__in=group_ids)
    rows = (
        enrollments.values_list("group_id", "person__department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group_id, department_id, n in rows:
        counters[group_id][tree.name(tree.key(department_id))] += n
    return {
        group_id: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        for group_id, counter in counters.items()
    }


def program_overview(
    *, organisation: Organisation, program_id: int, round_number: int | None = None
) -> ProgramOverview:
    """The program with its modules, and per round its groups with size and department mix.

    Up to ``OVERVIEW_ALL_ROUNDS_UP_TO_GROUPS`` groups every round is shown;
    a larger program shows one round (``round_number``, else the first) and
    lists the others to choose from. Seven queries whatever the data size.
    """
    program = program_for_organisation_or_404(organisation=organisation, program_id=program_id)
    modules = list(
        Module.objects.filter(program=program)
        .select_related("responsible_consultant")
        .order_by("order")
    )
    all_rounds = list(
        Round.objects.filter(program=program)
        .order_by("number")
        .annotate(group_count=Count("groups"))
    )
    group_count = sum(r.group_count for r in all_rounds)
    chosen = next((r for r in all_rounds if r.number == round_number), None)
    showing_all = chosen is None and group_count <= OVERVIEW_ALL_ROUNDS_UP_TO_GROUPS
    shown = all_rounds if showing_all else [chosen or all_rounds[0]]
    sized_groups = Group.objects.annotate(
        size=Count("enrollments", filter=holding_place_q("enrollments__"))
    ).order_by("number")
    groups_by_round = defaultdict(list)
    for group in sized_groups.filter(round__in=shown):
        groups_by_round[group.round_id].append(group)
    mix = _department_mix_by_group(
        organisation=organisation,
        program=program,
        group_ids=[group.pk for groups in groups_by_round.values() for group in groups],
    )
    bounds = group_size_bounds(program=program)
    summaries = [
        RoundSummary(
            round=round_,
            groups=[
                GroupSummary(
                    group=group,
                    size=group.size,
                    size_within_bounds=size_within_bounds(group.size, **bounds),
                    department_mix=mix.get(group.pk, []),
                )
                for group in groups_by_round[round_.pk]
            ],
        )
        for round_ in shown
    ]
    participant_count = (
        Enrollment.objects.holding_place().filter(group__round__program=program).count()
    )
    return ProgramOverview(
        program=program,
        modules=modules,
        rounds=summaries,
        total_days=sum((m.duration_days for m in modules), Decimal(0)),
        participant_count=participant_count,
        group_count=group_count,
        round_tabs=[]
        if showing_all
        else [RoundTab(round=r, group_count=r.group_count, current=r in shown) for r in all_rounds],
        showing_all=showing_all,
    )


# --- Group detail --------------------------------------------------------------------


@dataclass
class MemberRow:
    enrollment: Enrollment
    # One entry per session of the group, in session order: the status label or None.
    attendance: list[str | None] = field(default_factory=list)
    # The förvaltning (top-level department) of the member's department, or None.
    department: str | None = None

    @property
    def person(self) -> Person:
        return self.enrollment.person


@dataclass
class GroupDetail:
    group: Group
    program: Program
    members: list[MemberRow]
    sessions: list[Session]
    process_leaders: list


def group_roster(*, group: Group | int) -> QuerySet[Enrollment]:
    """The group's members (a group or its id): the places it holds, by name, each with
    its person and department. One query; callers add what else they show (the
    förvaltning of the department: ``departments.department_tree``)."""
    return (
        Enrollment.objects.holding_place()
        .filter(group=group)
        .select_related("person__department")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def group_sessions(*, group: Group) -> QuerySet[Session]:
    """The group's sessions in module order, each with its module and process leader."""
    return (
        Session.objects.filter(group=group)
        .select_related("module", "process_leader")
        .order_by("module__order", "starts_at")
    )


def group_process_leaders(*, group: Group) -> list[Consultant]:
    """Who leads the group, by name: the process leaders named for the group, or, while
    none is named, those leading its sessions. One query.

    A group scheduled without naming its process leaders is still led by someone: the
    page then names them rather than "not assigned". (Who may open the group, as one of
    either, is ``scheduling.groups_visible_to``.)
    """
    # Two IN subqueries on the group's indexes, not a join through every consultant's
    # groups and sessions made unique by DISTINCT (~200 ms at national scale).
    named_for_group = Group.process_leaders.through.objects.filter(group_id=group.pk)
    leading_sessions = Session.objects.filter(group_id=group.pk, process_leader__isnull=False)
    leaders = list(
        Consultant.objects.filter(
            Q(pk__in=named_for_group.values("consultant_id"))
            | Q(pk__in=leading_sessions.values("process_leader_id"))
        )
        .annotate(named=Exists(named_for_group.filter(consultant_id=OuterRef("pk"))))
        .order_by("name")
    )
    return [leader for leader in leaders if leader.named] or leaders


def group_detail(*, organisation: Organisation, group_id: int) -> GroupDetail:
    """A group's members, sessions and attendance per member and session.

    Six queries whatever the number of members and sessions.
    """
    group = group_for_organisation_or_404(organisation=organisation, group_id=group_id)
    enrollments = list(group_roster(group=group))
    tree = department_tree(organisation=organisation)
    sessions = list(group_sessions(group=group))
    status_labels = dict(Attendance.Status.choices)
    recorded = {
        (enrollment_id, session_id): status_labels.get(status, status)
        for enrollment_id, session_id, status in Attendance.objects.filter(
            session__group=group
        ).values_list("enrollment_id", "session_id", "status")
    }
    members = [
        MemberRow(
            enrollment=enrollment,
            attendance=[recorded.get((enrollment.pk, session.pk)) for session in sessions],
            department=tree.top_name(enrollment.person.department_id),
        )
        for enrollment in enrollments
    ]
    return GroupDetail(
        group=group,
        program=group.round.program,
        members=members,
        sessions=sessions,
        process_leaders=group_process_leaders(group=group),
    )


# --- Derived roles' start pages --------------------------------------------------------


def current_enrollment_for_user(*, user: User, organisation: Organisation) -> Enrollment | None:
    """The user's place (not withdrawn or moved) in the organisation's newest program, if any."""
    return (
        Enrollment.objects.holding_place()
        .filter(
            person__user=user,
            person__active=True,
            person__organisation=organisation,
        )
        # The person comes along: "my program" and the evaluations show them. (Joining the
        # line manager and reviewer too doubled the planning time of this query.)
        .select_related("group__round__program", "person")
        .order_by("-program__starts_on", "-pk")
        .first()
    )
