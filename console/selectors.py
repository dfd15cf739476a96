"""Reads for the platform operator's console: every organisation's programs, in aggregate.

The operator sees what the steering group sees and no more: counts, dates,
response rates and (on an organisation's page) module means with the k rule
applied by ``evaluations.results.program_results``. Never an agreement's text,
a free-text answer or a person taking part: nothing here reads them.

The list of organisations costs a fixed number of queries per page, whatever the
number of organisations, programs or sessions (``program_summaries`` reads all
of a page's programs at once).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import pgettext

from evaluations import rules
from evaluations.models import Completion
from evaluations.results import Figures
from evaluations.selectors import program_results
from participants.accounts import pending_confirmations
from participants.models import LoginConfirmation, Membership, Organisation, Role
from programs.models import (
    Agreement,
    Attendance,
    Enrollment,
    Group,
    Module,
    Program,
    Round,
    Session,
)
from programs.selectors import subquery_count
from reports.models import StatusReport

ORGANISATIONS_PER_PAGE = 20
# The overview's figures are computed at most once a minute per page (console.views).
OVERVIEW_SECONDS = 60
# The next sessions shown per program.
NEXT_SESSIONS = 3


@dataclass
class ModuleFigures:
    """One module of a program: its response rate and, where the k rule lets it, its mean."""

    order: int
    name: str
    answers: int  # completed evaluations of its published sessions
    attendances: int  # people present at them
    response_rate: Decimal | None  # per cent (evaluations.results.Figures)
    mean: Decimal | None = None  # only on an organisation's page, None under k
    status: str = ""

    @property
    def label(self) -> str:
        return f"{self.order}. {self.name}"


@dataclass
class NextSession:
    starts_at: dt.datetime
    module: str
    group: str


@dataclass
class ProgramSummary:
    program: Program
    state: str
    rounds: int
    groups: int
    participants: int
    open_agreements: int
    next_sessions: list[NextSession] = field(default_factory=list)
    modules: list[ModuleFigures] = field(default_factory=list)
    latest_report: StatusReport | None = None


@dataclass
class OrganisationSummary:
    organisation: Organisation
    hr_count: int
    programs: list[ProgramSummary]


def _state(program: Program, today: dt.date) -> str:
    if program.starts_on > today:
        return pgettext("program state", "Not started")
    if program.ends_on < today:
        return pgettext("program state", "Ended")
    return pgettext("program state", "Running")


def _open_agreements() -> QuerySet:
    """Agreements not agreed yet (draft, waiting for the line manager, sent back): the
    dashboard's agreements by status (reports.selectors.program_figures), less the agreed."""
    return Agreement.objects.exclude(status=Agreement.Status.AGREED)


def _programs(organisation_ids: list[int]) -> list[Program]:
    ref = OuterRef("pk")
    return list(
        Program.objects.filter(organisation_id__in=organisation_ids)
        .annotate(
            round_count=subquery_count(Round.objects.filter(program=ref), "program"),
            group_count=subquery_count(Group.objects.filter(round__program=ref), "round__program"),
            participant_count=subquery_count(
                Enrollment.objects.holding_place().filter(program=ref), "program"
            ),
            open_agreement_count=subquery_count(
                _open_agreements().filter(enrollment__program=ref), "enrollment__program"
            ),
        )
        .order_by("organisation_id", "-starts_on", "name", "pk")
    )


def _next_sessions(program_ids: list[int], now: dt.datetime) -> dict[int, list[NextSession]]:
    """The first NEXT_SESSIONS sessions not yet over, per program: one query."""
    program = F("group__round__program_id")
    rows = (
        Session.objects.filter(group__round__program_id__in=program_ids, ends_at__gt=now)
        .annotate(
            program_id=program,
            rank=Window(RowNumber(), partition_by=[program], order_by=[F("starts_at"), F("pk")]),
        )
        .filter(rank__lte=NEXT_SESSIONS)
        .select_related("module", "group__round")
        .order_by("starts_at", "pk")
    )
    found: dict[int, list[NextSession]] = {}
    for session in rows:
        found.setdefault(session.program_id, []).append(
            NextSession(
                starts_at=session.starts_at,
                module=str(session.module),
                group=f"{session.group.round}, {session.group}",
            )
        )
    return found


def _module_figures(program_ids: list[int], now: dt.datetime) -> dict[int, list[ModuleFigures]]:
    """Per program and module: completions ÷ people present, over the sessions whose
    evaluation window has closed, as ``evaluations.results.program_results`` counts a
    module (its ``Figures.response_rate``). Three queries for every program at once."""
    published = {
        "session__group__round__program_id__in": program_ids,
        "session__ends_at__lte": rules.published_before(now=now),
    }
    answers = dict(
        Completion.objects.filter(**published)
        .values_list("session__module_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    present = dict(
        Attendance.objects.filter(status=Attendance.Status.PRESENT, **published)
        .values_list("session__module_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, list[ModuleFigures]] = {}
    modules = Module.objects.filter(program_id__in=program_ids).order_by("program_id", "order")
    for pk, program_id, order, name in modules.values_list("pk", "program_id", "order", "name"):
        figures = Figures(answers=answers.get(pk, 0), attendances=present.get(pk, 0))
        found.setdefault(program_id, []).append(
            ModuleFigures(
                order=order,
                name=name,
                answers=figures.answers,
                attendances=figures.attendances,
                response_rate=figures.response_rate,
            )
        )
    return found


def _latest_reports(program_ids: list[int]) -> dict[int, StatusReport]:
    """Each program's newest status report (number, date and state only): one query.

    A subquery, not DISTINCT ON, so that it also runs on SQLite (``make run``)."""
    newest = (
        StatusReport.objects.filter(program_id=OuterRef("program_id"))
        .order_by("-number")
        .values("pk")[:1]
    )
    reports = StatusReport.objects.filter(program_id__in=program_ids, pk=Subquery(newest)).only(
        "pk", "program_id", "number", "created_at", "status"
    )
    return {report.program_id: report for report in reports}


def program_summaries(
    *, organisation_ids: list[int], now: dt.datetime | None = None
) -> dict[int, list[ProgramSummary]]:
    """Organisation id -> its programs, newest first, in aggregate. Six queries in all."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    programs = _programs(organisation_ids)
    program_ids = [p.pk for p in programs]
    sessions = _next_sessions(program_ids, now)
    modules = _module_figures(program_ids, now)
    reports = _latest_reports(program_ids)
    found: dict[int, list[ProgramSummary]] = {pk: [] for pk in organisation_ids}
    for program in programs:
        found[program.organisation_id].append(
            ProgramSummary(
                program=program,
                state=_state(program, today),
                rounds=program.round_count,
                groups=program.group_count,
                participants=program.participant_count,
                open_agreements=program.open_agreement_count,
                next_sessions=sessions.get(program.pk, []),
                modules=modules.get(program.pk, []),
                latest_report=reports.get(program.pk),
            )
        )
    return found


def _organisations(query: str) -> QuerySet[Organisation]:
    organisations = Organisation.objects.annotate(
        hr_count=subquery_count(
            Membership.objects.filter(organisation=OuterRef("pk"), role=Role.HR), "organisation"
        )
    ).order_by("name", "pk")
    query = query.strip()
    if query:
        organisations = organisations.filter(name__icontains=query)
    return organisations


def organisations_page(
    *, query: str = "", page_number=1, per_page: int = ORGANISATIONS_PER_PAGE
) -> Page:
    """One page of the organisations (by name, filtered by ``query`` in the name), each an
    ``OrganisationSummary``. Eight queries, whatever the number of organisations."""
    page = Paginator(_organisations(query), per_page).get_page(page_number)
    organisations = list(page.object_list)
    programs = program_summaries(organisation_ids=[o.pk for o in organisations])
    page.object_list = [
        OrganisationSummary(organisation=o, hr_count=o.hr_count, programs=programs[o.pk])
        for o in organisations
    ]
    return page


def overview_key(*, query: str, page_number, now: dt.datetime | None = None) -> str:
    """The cache key of one page of the overview (``console.views.HomeView``).

    It names the set of organisations and programs (their count and newest id: two
    queries), so a new organisation or program shows at once; and the minute, so every
    other figure is at most a minute old. The search text and the page asked for are
    hashed as given (any length, any characters: ``Paginator.get_page`` makes "-1" the
    last page and "x" the first, so only the text itself names what it shows)."""
    now = now or timezone.now()
    organisations = Organisation.objects.aggregate(n=Count("pk"), newest=Max("pk"))
    programs = Program.objects.aggregate(n=Count("pk"), newest=Max("pk"))
    digest = hashlib.sha256(f"{query.strip()}\0{page_number}".encode()).hexdigest()[:16]
    return ":".join(
        [
            "console:overview",
            f"{organisations['n']}-{organisations['newest']}",
            f"{programs['n']}-{programs['newest']}",
            str(int(now.timestamp()) // OVERVIEW_SECONDS),
            translation.get_language() or "",
            digest,
        ]
    )


def organisation_or_404(*, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_programs(
    *, organisation: Organisation, now: dt.datetime | None = None
) -> list[ProgramSummary]:
    """The organisation's programs in aggregate, each module with its mean where the k rule
    and complementary suppression let the steering group see it (``program_results``:
    twelve queries a program)."""
    now = now or timezone.now()
    summaries = program_summaries(organisation_ids=[organisation.pk], now=now)[organisation.pk]
    for summary in summaries:
        results = program_results(program=summary.program, now=now)
        summary.modules = [
            ModuleFigures(
                order=row.module.order,
                name=row.module.name,
                answers=row.total.answers,
                attendances=row.total.attendances,
                response_rate=row.total.response_rate,
                mean=row.total.mean,
                status=row.total.status,
            )
            for row in results.module_rows
        ]
    return summaries


def hr_coordinators(*, organisation: Organisation) -> list[Membership]:
    """The organisation's HR coordinators, by name, with their logins."""
    return list(
        Membership.objects.filter(organisation=organisation, role=Role.HR)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def pending_hr_invitations(*, organisation: Organisation) -> list[LoginConfirmation]:
    """Invitations to be HR coordinator that wait for an existing login's holder."""
    return list(
        pending_confirmations()
        .filter(kind=LoginConfirmation.Kind.MEMBERSHIP, organisation=organisation, role=Role.HR)
        .order_by("created_at")
    )
