"""Reads for the participant and the reviewer: access to one agreement, "my program",
the line manager's list and an agreement's history.

Only the participant and the reviewer (the rule is ``visibility``) ever reach an
agreement here; anyone else gets 404, never a hint that it exists.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation, Person, User

from ..departments import department_tree
from ..models import Agreement, Attendance, Enrollment, Session
from ..selectors import MemberRow, group_process_leaders, group_roster, group_sessions
from .rules import (
    NOT_STARTED,
    STAGES,
    Stage,
    Status,
    agreement_fields,
    stage_after_module,
    state_label,
)
from .visibility import (
    is_participant,
    is_reviewer,
    participant_q,
    reviewer_of,
    reviewer_q,
    visible_q,
)

# --- Who may read what -------------------------------------------------------------------


@dataclass
class AgreementAccess:
    agreement: Agreement
    is_participant: bool
    is_reviewer: bool

    @property
    def enrollment(self) -> Enrollment:
        return self.agreement.enrollment

    @property
    def reviewer(self) -> Person | None:
        return reviewer_of(self.agreement.enrollment)


def agreement_for_user_or_404(
    *, organisation: Organisation, user: User, pk: int
) -> AgreementAccess:
    """An agreement the user may read: their own, or one they review. Anything else is 404."""
    agreement = (
        Agreement.objects.filter(pk=pk, enrollment__program__organisation=organisation)
        .filter(visible_q(user=user))
        .select_related(
            "enrollment__person__line_manager",
            "enrollment__person__department",
            "enrollment__reviewer",
            "enrollment__group__round__program",
            "agreed_by",
        )
        .first()
    )
    if agreement is None:
        raise Http404
    return AgreementAccess(
        agreement=agreement,
        is_participant=is_participant(user=user, enrollment=agreement.enrollment),
        is_reviewer=is_reviewer(user=user, enrollment=agreement.enrollment),
    )


def enrollment_for_participant_or_404(
    *, organisation: Organisation, user: User, enrollment_id: int
) -> Enrollment:
    """The user's own place (not withdrawn or moved) in one of the organisation's programs."""
    enrollment = (
        Enrollment.objects.holding_place()
        .filter(participant_q(user=user, prefix=""))
        .filter(pk=enrollment_id, program__organisation=organisation)
        .select_related("person__line_manager", "reviewer", "group__round__program")
        .first()
    )
    if enrollment is None:
        raise Http404
    return enrollment


def stage_or_404(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404
    return stage


# --- The participant's page ---------------------------------------------------------------


@dataclass
class StageRow:
    stage: str
    agreement: Agreement | None
    is_current: bool = False

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def state(self) -> str:
        return self.agreement.status if self.agreement else NOT_STARTED

    @property
    def state_label(self) -> str:
        return state_label(self.state)


@dataclass
class SessionRow:
    session: Session
    attendance: str | None  # the label, or None when not recorded
    is_past: bool
    make_up: bool = False  # another group's session, booked to make up a module


@dataclass
class MyProgram:
    enrollment: Enrollment
    reviewer: Person | None
    members: list[MemberRow]  # with each member's förvaltning
    process_leaders: list
    sessions: list[SessionRow]
    stages: list[StageRow]

    @property
    def current(self) -> StageRow:
        return next(row for row in self.stages if row.is_current)

    @property
    def reviewer_is_named(self) -> bool:
        return self.enrollment.reviewer_id is not None and self.reviewer is not None

    @property
    def attended(self) -> int:
        return sum(1 for row in self.sessions if row.attendance == Attendance.Status.PRESENT.label)

    @property
    def past_sessions(self) -> int:
        return sum(1 for row in self.sessions if row.is_past)


def _passed_module(sessions, now) -> int:
    return max((s.module.order for s in sessions if s.starts_at <= now), default=0)


def my_program(*, enrollment: Enrollment, now=None) -> MyProgram:
    """Everything "my program" shows about the participant's place (see
    ``programs.selectors.current_enrollment_for_user``).

    Ten queries at most whatever the size of the group or the number of sessions. The
    sessions include the make-up sessions the participant is booked into.
    """
    now = now or timezone.now()
    prefetch_related_objects([enrollment], "person__line_manager", "reviewer")
    group = enrollment.group
    tree = department_tree(organisation=enrollment.group.round.program.organisation_id)
    members = [
        MemberRow(enrollment=e, department=tree.top_name(e.person.department_id))
        for e in group_roster(group=group)
    ]
    sessions = list(group_sessions(group=group))
    make_ups = list(
        Session.objects.filter(make_up_bookings__enrollment=enrollment)
        .select_related("module", "process_leader", "group")
        .order_by("starts_at")
    )
    labels = dict(Attendance.Status.choices)
    attendance = {
        session_id: labels.get(status, status)
        for session_id, status in Attendance.objects.filter(enrollment=enrollment).values_list(
            "session_id", "status"
        )
    }
    agreements = {
        a.stage: a for a in Agreement.objects.filter(enrollment=enrollment).defer("texts")
    }
    current = stage_after_module(_passed_module(sessions, now))
    return MyProgram(
        enrollment=enrollment,
        reviewer=reviewer_of(enrollment),
        members=members,
        process_leaders=group_process_leaders(group=group),
        sessions=sorted(
            [
                SessionRow(
                    session=s,
                    attendance=attendance.get(s.pk),
                    is_past=s.starts_at <= now,
                    make_up=s in make_ups,
                )
                for s in [*sessions, *make_ups]
            ],
            key=lambda row: (row.session.starts_at, row.session.pk),
        ),
        stages=[StageRow(stage, agreements.get(stage), stage == current) for stage in STAGES],
    )


# --- The line manager's page ----------------------------------------------------------------


@dataclass
class ReportRow:
    enrollment: Enrollment
    current: StageRow
    waiting: list[Agreement]

    @property
    def person(self) -> Person:
        return self.enrollment.person


@dataclass
class LineManagerOverview:
    rows: list[ReportRow]

    @property
    def to_act_on(self) -> list[Agreement]:
        waiting = [a for row in self.rows for a in row.waiting]
        return sorted(waiting, key=lambda a: (a.submitted_at or timezone.now(), a.pk))


def line_manager_overview(
    *, organisation: Organisation, user: User, now=None
) -> LineManagerOverview:
    """The people whose agreements the user reviews, with what waits for them first.

    Three queries whatever the number of reports, groups or agreements.
    """
    now = now or timezone.now()
    enrollments = list(
        Enrollment.objects.holding_place()
        .filter(program__organisation=organisation, person__active=True)
        .filter(reviewer_q(user=user, prefix=""))
        .select_related("person__department", "group__round__program", "reviewer")
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=Agreement.objects.only(
                    "pk", "enrollment_id", "stage", "status", "submitted_at", "agreed_at"
                ),
            )
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )
    passed = dict(
        Session.objects.filter(
            group__enrollments__in=[e.pk for e in enrollments] or [0], starts_at__lte=now
        )
        .values("group_id")
        .annotate(order=Max("module__order"))
        .values_list("group_id", "order")
    )
    rows = []
    for enrollment in enrollments:
        by_stage = {a.stage: a for a in enrollment.agreements.all()}
        stage = stage_after_module(passed.get(enrollment.group_id) or 0)
        waiting = [
            by_stage[s] for s in STAGES if s in by_stage and by_stage[s].status == Status.SUBMITTED
        ]
        rows.append(
            ReportRow(
                enrollment=enrollment,
                current=StageRow(stage, by_stage.get(stage), True),
                waiting=waiting,
            )
        )
    rows.sort(key=lambda row: not row.waiting)  # stable: names stay in order
    return LineManagerOverview(rows=rows)


# --- History -------------------------------------------------------------------------------

EVENTS = {
    "draft": _("Draft saved"),
    "autosave": _("Draft saved automatically"),
    "submitted": _("Sent to the line manager"),
    "returned": _("Sent back with a comment"),
    "agreed": _("Agreed"),
    "reopened": _("Reopened"),
}


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    event: str
    changes: list[tuple[str, str]] = field(default_factory=list)
    comment: str = ""


def agreement_history(*, agreement: Agreement) -> list[HistoryEntry]:
    """Every stored version of the agreement, newest first, with the answers that changed.

    Two queries whatever the number of versions (the questions, the versions).
    """
    fields = agreement_fields(program=agreement.enrollment.program)
    labels = {f.key: str(f.label) for f in fields}
    records = list(
        agreement.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries, previous = [], {}
    for record in records:
        texts = record.texts or {}
        changes = [
            (labels.get(key, key), texts.get(key, ""))
            for key in dict.fromkeys([*labels, *texts])
            if texts.get(key, "") != previous.get(key, "")
        ]
        reason = record.history_change_reason or ""
        event = EVENTS.get(reason) or (
            EVENTS.get(record.status) if record.status != Status.DRAFT else EVENTS["draft"]
        )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.get_full_name() if record.history_user else "",
                event=str(event),
                changes=changes,
                comment=record.return_comment if reason == "returned" else "",
            )
        )
        previous = texts
    return entries[::-1]
