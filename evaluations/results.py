"""Aggregated evaluation results: the only numbers any page, export or report may show.

``program_results`` counts, per session, group, module, round, module in a
round and program: answers, the people behind them, attendance and the
distribution over 1–6. Only sessions whose window has closed count. The k
rule and complementary suppression (``evaluations.suppression``) are applied
before anything leaves this module: a hidden unit's ``mean`` and
``distribution`` are None, so no caller can show them by mistake.

A fixed number of queries whatever the size of the program.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import timezone, translation

from programs.models import Attendance, Group, Module, Program, Round, Session

from . import rules
from .models import SCALE_VALUES, Completion, Question, RatingCounter
from .suppression import Line, suppress

TWO_PLACES = Decimal("0.01")
# The results page's rendered figures are kept this long (``results_key``).
RESULTS_SECONDS = 60


class Status:
    SHOWN = "shown"
    TOO_FEW = "too_few"  # fewer than k people answered
    PROTECTED = "protected"  # hidden so that a small unit cannot be worked out
    NO_ANSWERS = "no_answers"
    OPEN = "open"  # the window has not closed: nothing is published yet


@dataclass
class Figures:
    """One unit's numbers. ``mean`` and ``distribution`` are None unless the unit is shown."""

    answers: int = 0  # completed evaluations
    respondents: int = 0  # distinct people behind them: what the k rule counts
    attendances: int = 0  # people present, summed over the unit's sessions
    _counts: list[int] = field(default_factory=lambda: [0] * len(SCALE_VALUES), repr=False)
    hidden: bool = False
    open_until: dt.datetime | None = None

    @property
    def status(self) -> str:
        if self.open_until is not None:
            return Status.OPEN
        if self.answers == 0:
            return Status.NO_ANSWERS
        if self.respondents < rules.min_responses():
            return Status.TOO_FEW
        if self.hidden:
            return Status.PROTECTED
        return Status.SHOWN

    @property
    def shown(self) -> bool:
        return self.status == Status.SHOWN

    @property
    def mean(self) -> Decimal | None:
        if not self.shown:
            return None
        total = sum(self._counts)
        if not total:
            return None
        weighted = sum(value * n for value, n in zip(SCALE_VALUES, self._counts, strict=True))
        return (Decimal(weighted) / Decimal(total)).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def distribution(self) -> list[int] | None:
        """Ratings per value 1–6, over all scale questions."""
        return list(self._counts) if self.shown else None

    @property
    def distribution_percent(self) -> list[Decimal] | None:
        counts = self.distribution
        if not counts or not sum(counts):
            return None
        total = sum(counts)
        return [(Decimal(100 * n) / total).quantize(Decimal("0.1")) for n in counts]

    @property
    def response_rate(self) -> Decimal | None:
        """Completions ÷ attendees, in per cent. Always shown: it says nothing of content."""
        if not self.attendances:
            return None
        return (Decimal(100 * self.answers) / self.attendances).quantize(Decimal("0.1"))


@dataclass
class SessionCell:
    session_id: int
    module: Module
    ends_at: dt.datetime
    figures: Figures

    @property
    def deadline(self) -> dt.datetime:
        return rules.deadline(self.ends_at)


@dataclass
class GroupRow:
    group: Group
    cells: list[SessionCell | None]  # one per module, in module order
    total: Figures


@dataclass
class RoundBlock:
    round: Round
    total: Figures
    groups: list[GroupRow]
    modules: list[Figures]  # the round's figures per module, in module order


@dataclass
class ModuleRow:
    module: Module
    total: Figures
    rounds: list[Figures]  # per round, in round order


@dataclass
class ProgramResults:
    program: Program
    modules: list[Module]
    rounds: list[RoundBlock]
    module_rows: list[ModuleRow]
    total: Figures
    k: int
    # False when the viewer sees only some groups (a process leader): no totals then.
    complete: bool = True

    def group_rows(self) -> list[GroupRow]:
        return [row for block in self.rounds for row in block.groups]


def _counts_by_session(program: Program, cutoff) -> dict[int, list[int]]:
    counts: dict[int, list[int]] = {}
    rows = (
        RatingCounter.objects.filter(
            session__group__round__program=program,
            session__ends_at__lt=cutoff,
            question__kind=Question.Kind.SCALE,
        )
        .values_list("session_id", "value")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for session_id, value, n in rows:
        counts.setdefault(session_id, [0] * len(SCALE_VALUES))[value - SCALE_VALUES[0]] += n or 0
    return counts


def distinct_people(queryset, *fields) -> dict:
    rows = (
        queryset.values_list(*fields).annotate(n=Count("enrollment__person_id", distinct=True))
    ).order_by()
    if len(fields) == 1:
        return {row[0]: row[1] for row in rows}
    return {tuple(row[:-1]): row[-1] for row in rows}


def _add(target: Figures, source: Figures) -> None:
    target.answers += source.answers
    target.attendances += source.attendances
    target._counts = [a + b for a, b in zip(target._counts, source._counts, strict=True)]


def program_results(
    *, program: Program, group_ids: set[int] | None = None, now: dt.datetime | None = None
) -> ProgramResults:
    """The program's results, suppressed for k, restricted to ``group_ids`` if given.

    Suppression is worked out on the whole program first, so restricting the
    view (a process leader's groups) never shows what the whole would hide.
    Twelve queries whatever the data size.
    """
    now = now or timezone.now()
    cutoff = rules.published_before(now=now)
    k = rules.min_responses()
    modules = list(Module.objects.filter(program=program).order_by("order"))
    rounds = list(Round.objects.filter(program=program).order_by("number"))
    groups = list(
        Group.objects.filter(round__program=program).order_by("round__number", "number", "pk")
    )
    sessions = list(
        Session.objects.filter(group__round__program=program).values_list(
            "pk", "group_id", "module_id", "ends_at"
        )
    )
    counts = _counts_by_session(program, cutoff)
    completions = Completion.objects.filter(session__group__round__program=program)
    answers = dict(completions.values_list("session_id").annotate(n=Count("pk")).order_by())
    attendances = dict(
        Attendance.objects.filter(
            session__group__round__program=program, status=Attendance.Status.PRESENT
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
    people_program = published.aggregate(n=Count("enrollment__person_id", distinct=True))["n"]

    units, session_of = suppressed_units(
        modules=modules,
        rounds=rounds,
        groups=groups,
        sessions=sessions,
        people={
            "program": people_program or 0,
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

    visible = {g.pk for g in groups} if group_ids is None else set(group_ids)
    blocks = []
    for r in rounds:
        rows = []
        for g in groups:
            if g.round_id != r.pk or g.pk not in visible:
                continue
            cells = []
            for m in modules:
                found = session_of.get((g.pk, m.pk))
                cells.append(
                    SessionCell(
                        session_id=found[0],
                        module=m,
                        ends_at=found[1],
                        figures=units["session", found[0]],
                    )
                    if found
                    else None
                )
            rows.append(GroupRow(group=g, cells=cells, total=units["group", g.pk]))
        if rows:
            blocks.append(
                RoundBlock(
                    round=r,
                    total=units["round", r.pk],
                    groups=rows,
                    modules=[units["module_round", m.pk, r.pk] for m in modules],
                )
            )
    return ProgramResults(
        program=program,
        modules=modules,
        rounds=blocks,
        module_rows=[
            ModuleRow(
                module=m,
                total=units["module", m.pk],
                rounds=[units["module_round", m.pk, r.pk] for r in rounds],
            )
            for m in modules
        ],
        total=units["program",],
        k=k,
        complete=group_ids is None,
    )


def suppressed_units(
    *, modules, rounds, groups, sessions, people, counts, answers, attendances, now, k
) -> tuple[dict[tuple, Figures], dict[tuple[int, int], tuple[int, dt.datetime]]]:
    """One program's figures per unit (program, module, round, group, module in a round,
    session), with the k rule and complementary suppression applied; and each (group,
    module)'s session. Builds no query: the caller reads the rows (``program_results`` for
    one program, ``reports.comparison`` for many at once), so both apply the rule alike.

    ``people`` holds the distinct respondents: ``"program"`` a number, the others dicts
    keyed as ``distinct_people`` returns them.
    """
    round_of_group = {g.pk: g.round_id for g in groups}
    units: dict[tuple, Figures] = {("program",): Figures(respondents=people["program"])}
    for m in modules:
        units["module", m.pk] = Figures(respondents=people["module"].get(m.pk, 0))
        for r in rounds:
            units["module_round", m.pk, r.pk] = Figures(
                respondents=people["module_round"].get((m.pk, r.pk), 0)
            )
    for r in rounds:
        units["round", r.pk] = Figures(respondents=people["round"].get(r.pk, 0))
    for g in groups:
        units["group", g.pk] = Figures(respondents=people["group"].get(g.pk, 0))

    session_of: dict[tuple[int, int], tuple[int, dt.datetime]] = {}
    for pk, group_id, module_id, ends_at in sessions:
        session_of[group_id, module_id] = (pk, ends_at)
        figures = Figures(answers=answers.get(pk, 0), attendances=attendances.get(pk, 0))
        units["session", pk] = figures
        if not rules.is_published(ends_at, now=now):
            figures.open_until = rules.deadline(ends_at)
            continue
        figures.respondents = figures.answers
        figures._counts = counts.get(pk, [0] * len(SCALE_VALUES))
        round_id = round_of_group[group_id]
        for key in (
            ("program",),
            ("module", module_id),
            ("round", round_id),
            ("group", group_id),
            ("module_round", module_id, round_id),
        ):
            _add(units[key], figures)

    hidden = suppress(
        {key: (0 if f.open_until else f.respondents) for key, f in units.items()},
        _lines(modules, rounds, groups, session_of),
        k=k,
    )
    for key in hidden:
        units[key].hidden = True
    return units, session_of


def _lines(modules, rounds, groups, session_of) -> list[Line]:
    """Every total that some page shows next to its parts."""
    sessions_of_group = {
        g.pk: tuple(
            ("session", session_of[g.pk, m.pk][0]) for m in modules if (g.pk, m.pk) in session_of
        )
        for g in groups
    }
    lines = [
        Line(("program",), tuple(("module", m.pk) for m in modules), overlapping=True),
        Line(("program",), tuple(("round", r.pk) for r in rounds)),
        Line(("program",), tuple(("group", g.pk) for g in groups)),
    ]
    for r in rounds:
        in_round = [g for g in groups if g.round_id == r.pk]
        lines.append(Line(("round", r.pk), tuple(("group", g.pk) for g in in_round)))
        lines.append(
            Line(
                ("round", r.pk),
                tuple(("module_round", m.pk, r.pk) for m in modules),
                overlapping=True,
            )
        )
        for m in modules:
            lines.append(
                Line(
                    ("module_round", m.pk, r.pk),
                    tuple(
                        ("session", session_of[g.pk, m.pk][0])
                        for g in in_round
                        if (g.pk, m.pk) in session_of
                    ),
                )
            )
    for m in modules:
        lines.append(Line(("module", m.pk), tuple(("module_round", m.pk, r.pk) for r in rounds)))
        lines.append(
            Line(
                ("module", m.pk),
                tuple(
                    ("session", session_of[g.pk, m.pk][0])
                    for g in groups
                    if (g.pk, m.pk) in session_of
                ),
            )
        )
    for g in groups:
        lines.append(Line(("group", g.pk), sessions_of_group[g.pk], overlapping=True))
    return lines


def results_key(
    *, program: Program, group_ids: set[int] | None, now: dt.datetime | None = None
) -> str:
    """The cache key of a program's rendered results: per minute, language, k and groups.

    The minute makes the figures at most a minute old (a session whose window closes
    is folded by its first reader, who renders afresh at once: ``ResultsView``). A
    process leader's view (``group_ids``) is kept apart from the whole program's. The
    figures hold no person: they are the page as HR, the steering group or that
    process leader reads it.
    """
    now = now or timezone.now()
    groups = (
        "all"
        if group_ids is None
        else hashlib.sha256(",".join(map(str, sorted(group_ids))).encode()).hexdigest()[:24]
    )
    return ":".join(
        [
            "evaluations:results",
            str(program.pk),
            str(int(now.timestamp()) // RESULTS_SECONDS),
            translation.get_language() or "",
            str(rules.min_responses()),
            groups,
        ]
    )
