"""What each organisation that takes part contributes: its module means and response rates.

The numbers are the evaluations app's, worked out for many programs at once.
``evaluations.results.program_results`` takes twelve queries for one program;
this module runs the same queries once for every program of the organisations
that take part (thirteen, whatever their number), then builds each program's
units with ``evaluations.results.suppressed_units``, the function
``program_results`` builds its own with (the k rule and complementary
suppression), so a module mean hidden on the organisation's results page is neither shown
nor contributed. ``reports/tests/test_comparison_contributions.py`` says the two
agree, program by program.

An organisation counts once per figure: its programs are pooled (the ratings of
the modules shown, the answers and attendances of the sessions published).
Modules are matched by their order (module 1 with module 1): programs share
the SVC design, but no link from a program's module to a template's exists yet.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from evaluations import rules
from evaluations.models import SCALE_VALUES, Completion, Question, RatingCounter
from evaluations.results import Figures, distinct_people, suppressed_units
from programs.models import Attendance, Group, Module, Program, Round, Session

PROGRAM = "program"  # the key of the whole program's figure, beside the module orders


@dataclass(frozen=True)
class _Module:
    pk: int
    order: int


@dataclass(frozen=True)
class _Round:
    pk: int


@dataclass(frozen=True)
class _Group:
    pk: int
    round_id: int


@dataclass
class Pooled:
    """One organisation's figure (a module position or the whole program), pooled over its
    programs: the ratings of the units shown, and the answers and attendances published."""

    counts: list[int] = field(default_factory=lambda: [0] * len(SCALE_VALUES))
    answers: int = 0
    attendances: int = 0

    @property
    def mean(self) -> Decimal | None:
        total = sum(self.counts)
        if not total:
            return None
        weighted = sum(value * n for value, n in zip(SCALE_VALUES, self.counts, strict=True))
        return Decimal(weighted) / Decimal(total)

    @property
    def response_rate(self) -> Decimal | None:
        """Completions ÷ attendees, in per cent: the results' and the dashboard's rate."""
        if not self.attendances:
            return None
        return Decimal(100 * self.answers) / self.attendances

    def add(self, figures: Figures) -> None:
        self.answers += figures.answers
        self.attendances += figures.attendances
        if figures.shown:
            self.counts = [a + b for a, b in zip(self.counts, figures.distribution, strict=True)]


@dataclass
class ProgramUnits:
    """One program's module and program figures, suppressed as its results page has them."""

    organisation_id: int
    modules: dict[int, Figures]  # module order -> figures
    total: Figures


def program_units(
    *, programs: QuerySet[Program], now: dt.datetime | None = None
) -> dict[int, ProgramUnits]:
    """Program id -> its module and program figures, for every program in ``programs``.

    Thirteen queries whatever the number of programs: ``program_results``' twelve,
    each grouped by program as well, and one for the programs themselves.
    """
    now = now or timezone.now()
    cutoff = rules.published_before(now=now)
    k = rules.min_responses()
    organisation_of = dict(programs.values_list("pk", "organisation_id"))
    # Lightweight stand-ins with what the lines need (pk, round_id), in program_results' order.
    modules_of, rounds_of, groups_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for pk, program_id, order in (
        Module.objects.filter(program__in=programs)
        .order_by("program_id", "order")
        .values_list("pk", "program_id", "order")
    ):
        modules_of[program_id].append(_Module(pk=pk, order=order))
    for pk, program_id in (
        Round.objects.filter(program__in=programs)
        .order_by("program_id", "number")
        .values_list("pk", "program_id")
    ):
        rounds_of[program_id].append(_Round(pk=pk))
    for pk, round_id, program_id in (
        Group.objects.filter(round__program__in=programs)
        .order_by("round__number", "number", "pk")
        .values_list("pk", "round_id", "round__program_id")
    ):
        groups_of[program_id].append(_Group(pk=pk, round_id=round_id))
    sessions_of = defaultdict(list)
    for pk, group_id, module_id, ends_at, program_id in Session.objects.filter(
        group__round__program__in=programs
    ).values_list("pk", "group_id", "module_id", "ends_at", "group__round__program_id"):
        sessions_of[program_id].append((pk, group_id, module_id, ends_at))

    counts: dict[int, list[int]] = {}
    for session_id, value, n in (
        RatingCounter.objects.filter(
            session__group__round__program__in=programs,
            session__ends_at__lt=cutoff,
            question__kind=Question.Kind.SCALE,
        )
        .values_list("session_id", "value")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        counts.setdefault(session_id, [0] * len(SCALE_VALUES))[value - SCALE_VALUES[0]] += n or 0
    completions = Completion.objects.filter(session__group__round__program__in=programs)
    answers = dict(completions.values_list("session_id").annotate(n=Count("pk")).order_by())
    attendances = dict(
        Attendance.objects.filter(
            session__group__round__program__in=programs, status=Attendance.Status.PRESENT
        )
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    published = completions.filter(session__ends_at__lt=cutoff)
    people_group = distinct_people(published, "session__group_id")
    people_module = distinct_people(published, "session__module_id")
    people_round = distinct_people(published, "session__group__round_id")
    people_module_round = distinct_people(
        published, "session__module_id", "session__group__round_id"
    )
    people_program = distinct_people(published, "session__group__round__program_id")

    found = {}
    for program_id, organisation_id in organisation_of.items():
        units, _ = suppressed_units(
            modules=modules_of[program_id],
            rounds=rounds_of[program_id],
            groups=groups_of[program_id],
            sessions=sessions_of[program_id],
            people={
                "program": people_program.get(program_id, 0),
                "module": people_module,
                "round": people_round,
                "group": people_group,
                "module_round": people_module_round,
            },
            counts=counts,
            answers=answers,
            attendances=attendances,
            now=now,
            k=k,
        )
        found[program_id] = ProgramUnits(
            organisation_id=organisation_id,
            modules={m.order: units["module", m.pk] for m in modules_of[program_id]},
            total=units["program",],
        )
    return found


def organisation_contributions(
    *, programs: QuerySet[Program], now: dt.datetime | None = None
) -> dict[int, dict]:
    """Organisation id -> {module order or ``PROGRAM``: {"mean": …, "rate": …}}.

    Only figures the organisation gives: a mean where at least one of its programs
    shows that module's mean (k rule and suppression), a response rate where a
    published session had attendees. An organisation that gives nothing is absent.
    """
    pooled: dict[int, dict] = defaultdict(lambda: defaultdict(Pooled))
    for units in program_units(programs=programs, now=now).values():
        mine = pooled[units.organisation_id]
        for order, figures in units.modules.items():
            mine[order].add(figures)
        mine[PROGRAM].add(units.total)
    found = {}
    for organisation_id, figures in pooled.items():
        given = {
            key: {"mean": value.mean, "rate": value.response_rate}
            for key, value in figures.items()
            if value.mean is not None or value.response_rate is not None
        }
        if given:
            found[organisation_id] = given
    return found
