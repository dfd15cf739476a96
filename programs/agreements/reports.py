"""Reads for HR and process leaders: states and dates of agreements, never their texts.

Every query here selects named columns or counts; none of them loads ``texts``
or ``return_comment``.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from participants.models import Organisation, Person, Role, User

from ..models import Agreement, Enrollment, Group, Program, ReviewerChange, Round, Session
from ..places import holding_place_q
from ..scheduling.selectors.visibility import sessions_visible_to
from ..selectors import (
    group_for_organisation_or_404,
    group_roster,
    program_for_organisation_or_404,
)
from .rules import (
    NOT_STARTED,
    STAGE_DUE_BEFORE,
    STAGES,
    STATE_COLUMNS,
    Stage,
    Status,
    state_label,
)
from .visibility import reviewer_of

# --- HR: states per group and round, per person ---------------------------------------------


@dataclass
class GroupCounts:
    group: Group
    size: int
    counts: dict

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in STATE_COLUMNS]


@dataclass
class RoundCounts:
    round: Round
    groups: list[GroupCounts]

    @property
    def size(self) -> int:
        return sum(g.size for g in self.groups)

    @property
    def totals(self) -> list[int]:
        return [sum(column) for column in zip(*(g.cells for g in self.groups), strict=True)] or [
            0 for _state in STATE_COLUMNS
        ]


@dataclass
class ProgramAgreementCounts:
    program: Program
    stage: str
    rounds: list[RoundCounts]

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(state, state_label(state)) for state in STATE_COLUMNS]


def program_agreement_counts(
    *, organisation: Organisation, program_id: int, stage: str
) -> ProgramAgreementCounts:
    """How many agreements of one stage are in each state, per group and round.

    States only, never texts. Four queries whatever the number of groups.
    """
    program = program_for_organisation_or_404(organisation=organisation, program_id=program_id)
    groups = Group.objects.annotate(
        size=Count("enrollments", filter=holding_place_q("enrollments__"))
    ).order_by("number")
    rounds = list(
        Round.objects.filter(program=program)
        .order_by("number")
        .prefetch_related(Prefetch("groups", queryset=groups))
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for group_id, status, n in (
        Agreement.objects.filter(holding_place_q("enrollment__"), enrollment__program=program)
        .filter(stage=stage)
        .values_list("enrollment__group_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[group_id][status] += n
    result = []
    for round_ in rounds:
        summaries = []
        for group in round_.groups.all():
            counter = counts.get(group.pk, Counter())
            counter[NOT_STARTED] = max(group.size - sum(counter.values()), 0)
            summaries.append(GroupCounts(group=group, size=group.size, counts=dict(counter)))
        result.append(RoundCounts(round=round_, groups=summaries))
    return ProgramAgreementCounts(program=program, stage=stage, rounds=result)


@dataclass
class StageCell:
    state: str
    date: dt.datetime | None

    @property
    def label(self) -> str:
        return state_label(self.state)


@dataclass
class PersonStates:
    enrollment: Enrollment
    reviewer: Person | None
    cells: list[StageCell]

    @property
    def person(self) -> Person:
        return self.enrollment.person

    @property
    def reviewer_is_named(self) -> bool:
        return self.enrollment.reviewer_id is not None


@dataclass
class GroupAgreementStates:
    group: Group
    program: Program
    rows: list[PersonStates]

    @property
    def stages(self) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in STAGES]


def _cell_date(row: dict):
    if row["status"] == Status.AGREED:
        return row["agreed_at"]
    if row["status"] == Status.SUBMITTED:
        return row["submitted_at"]
    return row["updated_at"]


def group_agreement_states(*, organisation: Organisation, group_id: int) -> GroupAgreementStates:
    """Per member of a group: who reviews, and each stage's state and date. Never the texts.

    Three queries whatever the size of the group.
    """
    group = group_for_organisation_or_404(organisation=organisation, group_id=group_id)
    enrollments = list(group_roster(group=group).select_related("person__line_manager", "reviewer"))
    stored = {
        (row["enrollment_id"], row["stage"]): row
        for row in Agreement.objects.filter(enrollment__group=group).values(
            "enrollment_id", "stage", "status", "submitted_at", "agreed_at", "updated_at"
        )
    }
    rows = []
    for enrollment in enrollments:
        cells = []
        for stage in STAGES:
            row = stored.get((enrollment.pk, stage))
            cells.append(
                StageCell(row["status"], _cell_date(row)) if row else StageCell(NOT_STARTED, None)
            )
        rows.append(
            PersonStates(enrollment=enrollment, reviewer=reviewer_of(enrollment), cells=cells)
        )
    return GroupAgreementStates(group=group, program=group.round.program, rows=rows)


@dataclass
class ReviewerPage:
    enrollment: Enrollment
    reviewer: Person | None
    changes: list[ReviewerChange]


def enrollment_for_hr_or_404(*, organisation: Organisation, enrollment_id: int) -> ReviewerPage:
    enrollment = (
        Enrollment.objects.filter(pk=enrollment_id, program__organisation=organisation)
        .select_related(
            "person__department", "person__line_manager", "reviewer", "group__round__program"
        )
        .first()
    )
    if enrollment is None:
        raise Http404
    changes = list(
        ReviewerChange.objects.filter(enrollment=enrollment).select_related(
            "reviewer", "changed_by"
        )
    )
    return ReviewerPage(enrollment=enrollment, reviewer=reviewer_of(enrollment), changes=changes)


def reviewer_candidates(*, enrollment: Enrollment) -> QuerySet[Person]:
    """Active managers of the organisation who could review, the participant excluded."""
    return (
        Person.objects.filter(organisation_id=enrollment.program.organisation_id, active=True)
        .exclude(pk=enrollment.person_id)
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )


# --- The process leader's follow-up list ------------------------------------------------------


@dataclass
class SessionAgreements:
    sessions: list[Session]
    session: Session | None
    stage: str | None
    rows: list[tuple[Person, str, str]]  # person, state, state label

    @property
    def agreed(self) -> int:
        return sum(1 for _person, state, _label in self.rows if state == Status.AGREED)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label) if self.stage else ""


def session_agreement_states(
    *, organisation: Organisation, user: User, session_id: int | None = None, now=None
) -> SessionAgreements:
    """For the process leader's next session (or one of theirs they chose): who has an
    agreement for the stage due before it, and in which state. Names and states only."""
    now = now or timezone.now()
    led = sessions_visible_to(user=user, organisation=organisation, roles={Role.PROCESS_LEADER})
    sessions = list(led.select_related("module", "group__round").order_by("starts_at"))
    if session_id is not None:
        session = next((s for s in sessions if s.pk == session_id), None)
        if session is None:
            raise Http404
    else:
        session = next((s for s in sessions if s.starts_at >= now), None)
    if session is None:
        return SessionAgreements(sessions=sessions, session=None, stage=None, rows=[])
    stage = STAGE_DUE_BEFORE.get(session.module.order)
    people = list(group_roster(group=session.group_id))
    states = dict(
        Agreement.objects.filter(enrollment__group=session.group_id, stage=stage).values_list(
            "enrollment_id", "status"
        )
    )
    rows = []
    for enrollment in people:
        state = states.get(enrollment.pk, NOT_STARTED)
        rows.append((enrollment.person, state, state_label(state)))
    return SessionAgreements(sessions=sessions, session=session, stage=stage, rows=rows)
