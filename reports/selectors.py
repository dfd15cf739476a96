"""Reads for check-ins, the "program in figures" dashboard and status reports.

Every function takes the organisation or the program the page belongs to,
so another organisation's object is a 404. The figures are aggregates only
(counts and rates, never a person's row), computed in a fixed number of
queries whatever the size of the program, and returned as plain JSON-safe
data: the same dict is shown live on the dashboard and frozen into a status
report's snapshot.
"""

import datetime as dt
import importlib
import inspect
import logging
from collections import defaultdict

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone, translation

from participants.models import Consultant, Organisation
from programs.models import (
    Agreement,
    Attendance,
    CheckIn,
    Enrollment,
    Group,
    Module,
    Program,
    Round,
    Session,
)
from programs.places import PLACE_STATUSES
from programs.selectors import program_for_organisation_or_404, subquery_count

from .models import StatusReport

logger = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1
# How old the dashboard's figures may be.
LIVE_FIGURES_SECONDS = 60
# How many check-ins' corrections a status report carries at most.
CORRECTIONS_IN_REPORT = 10


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- Programs -------------------------------------------------------------------------


def programs_for_follow_up(*, organisation: Organisation) -> QuerySet[Program]:
    """The organisation's programs, newest first, with their number of status reports."""
    return (
        Program.objects.filter(organisation=organisation)
        .annotate(
            report_count=subquery_count(
                StatusReport.objects.filter(program=OuterRef("pk")), "program"
            )
        )
        .order_by("-starts_on", "name")
    )


def program_or_404(*, organisation: Organisation, program_id: int) -> Program:
    return program_for_organisation_or_404(organisation=organisation, program_id=program_id)


# --- Check-ins ------------------------------------------------------------------------


def check_ins_for_program(*, program: Program, module: Module | None = None) -> QuerySet[CheckIn]:
    """The program's check-ins, newest first, optionally of one module."""
    check_ins = CheckIn.objects.filter(program=program)
    if module is not None:
        check_ins = check_ins.filter(module=module)
    return check_ins.select_related("module", "consultant", "project_leader").order_by(
        "-held_on", "-pk"
    )


def check_in_or_404(*, organisation: Organisation, check_in_id: int) -> CheckIn:
    check_in = (
        CheckIn.objects.select_related("program", "module", "consultant", "project_leader")
        .filter(program__organisation=organisation, pk=check_in_id)
        .first()
    )
    if check_in is None:
        raise Http404
    return check_in


def previous_check_in(*, check_in: CheckIn) -> CheckIn | None:
    """The check-in held just before this one in the same program."""
    return (
        CheckIn.objects.filter(program_id=check_in.program_id)
        .filter(Q(held_on__lt=check_in.held_on) | Q(held_on=check_in.held_on, pk__lt=check_in.pk))
        .select_related("module")
        .order_by("-held_on", "-pk")
        .first()
    )


def latest_check_in(*, program: Program) -> CheckIn | None:
    return check_ins_for_program(program=program).first()


def modules_of(*, program: Program) -> QuerySet[Module]:
    return Module.objects.filter(program=program).order_by("order")


def consultants_of(*, organisation: Organisation) -> QuerySet[Consultant]:
    return Consultant.objects.filter(organisations=organisation).order_by("name")


def corrections_for_period(
    *, program: Program, period_start: dt.date, period_end: dt.date
) -> list[dict]:
    """The corrections decided at the check-ins of a period, newest first.

    When no check-in of the period decided anything, the latest corrections
    decided before its end are carried into the report instead: the steering
    group always sees what was last decided.
    """
    with_corrections = (
        CheckIn.objects.filter(program=program, held_on__lte=period_end)
        .exclude(corrections="")
        .select_related("module")
        .order_by("-held_on", "-pk")
    )
    in_period = list(with_corrections.filter(held_on__gte=period_start)[:CORRECTIONS_IN_REPORT])
    chosen = in_period or list(with_corrections[:1])
    return [
        {
            "held_on": check_in.held_on.isoformat(),
            "module": str(check_in.module) if check_in.module else "",
            "corrections": check_in.corrections,
        }
        for check_in in chosen
    ]


def corrections_since_last_report(*, program: Program) -> str:
    """The corrections decided since the previous report's period; a suggestion for the form."""
    last = StatusReport.objects.filter(program=program).order_by("-number").first()
    check_ins = CheckIn.objects.filter(program=program).exclude(corrections="")
    if last is not None:
        check_ins = check_ins.filter(held_on__gt=last.period_end)
    return "\n".join(
        f"{check_in.held_on.isoformat()}: {check_in.corrections}"
        for check_in in check_ins.order_by("held_on", "pk")[:CORRECTIONS_IN_REPORT]
    )


# --- Program in figures ----------------------------------------------------------------


def evaluation_figures(*, program: Program, as_of: dt.datetime | None = None) -> dict | None:
    """Evaluation results for the program as plain data, or None while there are none.

    Reads ``evaluations.selectors.program_results(program=...)`` (and
    ``effect_summary`` if present) when that app provides them. The results
    must already follow the k rule: a unit shown to nobody has ``mean`` None,
    which every page and the PDF print as "–". Either a dict of this shape
    (every key optional) or an object like ``evaluations.results.ProgramResults``
    is accepted. With ``as_of``, only what was published by then counts (when the
    evaluations app takes ``now``)::

        {"mean": 4.8, "answers": 1900, "response_rate": 0.87,
         "by_module": [{"label": "1. Del av en helhet", "mean": 4.7, "answers": 480}],
         "by_round": [{"label": "Omgång 1", "mean": 4.9, "answers": 400}],
         "by_group": [{"label": "Omgång 1, Grupp 7", "mean": None, "answers": 4}],
         "effects_by_theme": [{"label": "Ökad helhetssyn i chefsrollen", "count": 120}]}
    """
    try:
        evaluation_selectors = importlib.import_module("evaluations.selectors")
    except ImportError:
        return None
    program_results = getattr(evaluation_selectors, "program_results", None)
    if program_results is None:
        return None
    results = program_results(program=program, **_when(program_results, as_of))
    if isinstance(results, dict):
        figures = results
    else:
        effect_summary = getattr(evaluation_selectors, "effect_summary", None)
        effects = (
            effect_summary(program=program, **_when(effect_summary, as_of))
            if effect_summary
            else None
        )
        figures = _from_program_results(results, effects)
    if not figures or not figures.get("answers"):
        return None
    return _json_safe(figures)


def _when(function, as_of) -> dict:
    """``{"now": as_of}`` if the function takes ``now`` and a moment is asked for."""
    if as_of is None or "now" not in inspect.signature(function).parameters:
        return {}
    return {"now": as_of}


def _unit(label, figures) -> dict:
    return {"label": str(label), "mean": figures.mean, "answers": figures.answers}


def _from_program_results(results, effects=None) -> dict:
    """The evaluations app's result objects (k rule applied there) as snapshot data."""
    total = results.total
    rate = total.response_rate  # per cent
    data = {
        "mean": total.mean,
        "answers": total.answers,
        "response_rate": None if rate is None else float(rate) / 100,
        "by_module": [_unit(row.module, row.total) for row in results.module_rows],
        "by_round": [_unit(block.round, block.total) for block in results.rounds],
        "by_group": [
            _unit(f"{block.round}, {row.group}", row.total)
            for block in results.rounds
            for row in block.groups
        ],
    }
    if effects is not None and effects.total is not None:
        counts = effects.total.counts
        data["effects_by_theme"] = [
            {"label": str(theme), "count": None if counts is None else counts[i]}
            for i, theme in enumerate(effects.themes)
        ]
    return data


def _json_safe(value):
    """Dicts, lists and numbers the snapshot can hold (Decimal → float, objects → str)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, 4)
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return str(value)


def program_figures(*, program: Program, as_of: dt.datetime | None = None) -> dict:
    """ "Program in figures": the program's counts and rates as of a moment (default now).

    A session counts as held once it has ended by ``as_of``; attendance is
    counted over held sessions. Seven queries, plus the evaluation app's.
    """
    as_of = as_of or timezone.now()
    program_ref = OuterRef("pk")
    counts = (
        Program.objects.filter(pk=program.pk)
        .annotate(
            round_count=subquery_count(Round.objects.filter(program=program_ref), "program"),
            group_count=subquery_count(
                Group.objects.filter(round__program=program_ref), "round__program"
            ),
            sessions_held=subquery_count(
                Session.objects.filter(group__round__program=program_ref, ends_at__lte=as_of),
                "group__round__program",
            ),
            sessions_planned=subquery_count(
                Session.objects.filter(group__round__program=program_ref, ends_at__gt=as_of),
                "group__round__program",
            ),
            check_in_count=subquery_count(CheckIn.objects.filter(program=program_ref), "program"),
            report_count=subquery_count(
                StatusReport.objects.filter(program=program_ref), "program"
            ),
        )
        .values(
            "round_count",
            "group_count",
            "sessions_held",
            "sessions_planned",
            "check_in_count",
            "report_count",
        )
        .get()
    )
    consultant_ref = OuterRef("pk")
    consultants = Consultant.objects.filter(
        Exists(
            Group.process_leaders.through.objects.filter(
                consultant=consultant_ref, group__round__program=program
            )
        )
        | Exists(Module.objects.filter(responsible_consultant=consultant_ref, program=program))
        | Exists(
            Session.objects.filter(process_leader=consultant_ref, group__round__program=program)
        )
    ).count()

    by_status = dict(
        Enrollment.objects.filter(program=program)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )

    modules = list(modules_of(program=program).values_list("pk", "order", "name"))
    attendance_rows = (
        Attendance.objects.filter(
            session__group__round__program=program, session__ends_at__lte=as_of
        )
        .values_list("session__module_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_module: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for module_id, status, n in attendance_rows:
        per_module[module_id][status] += n
        totals[status] += n
    recorded = sum(totals.values())
    present = totals[Attendance.Status.PRESENT]

    agreement_rows = (
        Agreement.objects.filter(enrollment__program=program)
        .values_list("stage", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    agreements_by_status = dict.fromkeys(Agreement.Status.values, 0)
    agreements_by_stage = {stage: dict(agreements_by_status) for stage in Agreement.Stage.values}
    for stage, status, n in agreement_rows:
        agreements_by_status[status] += n
        agreements_by_stage[stage][status] += n

    return {
        "version": SNAPSHOT_VERSION,
        "as_of": as_of.isoformat(),
        "rounds": counts["round_count"],
        "groups": counts["group_count"],
        "participants": {
            "enrolled": sum(by_status.get(s, 0) for s in PLACE_STATUSES),
            "completed": by_status.get(Enrollment.Status.COMPLETED, 0),
            "withdrawn": by_status.get(Enrollment.Status.WITHDRAWN, 0),
        },
        "sessions": {"held": counts["sessions_held"], "planned": counts["sessions_planned"]},
        "attendance": {
            "present": present,
            "absent": totals[Attendance.Status.ABSENT],
            "excused": totals[Attendance.Status.EXCUSED],
            "recorded": recorded,
            "rate": _rate(present, recorded),
        },
        "attendance_by_module": [
            {
                "order": order,
                "name": name,
                "present": per_module[pk][Attendance.Status.PRESENT],
                "recorded": sum(per_module[pk].values()),
                "rate": _rate(
                    per_module[pk][Attendance.Status.PRESENT], sum(per_module[pk].values())
                ),
            }
            for pk, order, name in modules
        ],
        "agreements": {
            "total": sum(agreements_by_status.values()),
            "by_status": agreements_by_status,
            "by_stage": [
                {"stage": stage, "counts": agreements_by_stage[stage]}
                for stage in Agreement.Stage.values
                if any(agreements_by_stage[stage].values())
            ],
        },
        "consultants": consultants,
        "check_ins": counts["check_in_count"],
        "status_reports": counts["report_count"],
        "evaluations": evaluation_figures(program=program, as_of=as_of),
    }


def live_figures(*, program: Program) -> dict:
    """``program_figures`` for the dashboard, computed at most once a minute per program.

    Twenty-odd aggregate queries (ours and the evaluation app's) cost about
    0.1 s for a large program; the dashboard is read far more often than the
    figures change. A status report never uses this: its snapshot is exact.
    """
    key = f"reports:figures:{program.pk}:{translation.get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = program_figures(program=program)
        cache.set(key, figures, LIVE_FIGURES_SECONDS)
    return figures


def report_snapshot(
    *,
    program: Program,
    period_start: dt.date,
    period_end: dt.date,
    as_of: dt.datetime | None = None,
) -> dict:
    """What a status report freezes: the figures, the names and the check-in corrections."""
    return {
        **program_figures(program=program, as_of=as_of),
        "organisation_name": program.organisation.name,
        "program_name": program.name,
        "corrections": corrections_for_period(
            program=program, period_start=period_start, period_end=period_end
        ),
    }


# --- Status reports ---------------------------------------------------------------------


def status_reports_for_program(*, program: Program) -> QuerySet[StatusReport]:
    """The program's reports, newest first, without their snapshots (a list does not need them)."""
    return StatusReport.objects.filter(program=program).defer("snapshot").order_by("-number")


def status_report_or_404(*, organisation: Organisation, report_id: int) -> StatusReport:
    report = (
        StatusReport.objects.select_related(
            "program__organisation", "focus_round", "focus_module", "created_by"
        )
        .filter(program__organisation=organisation, pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def latest_report(*, program: Program) -> StatusReport | None:
    return status_reports_for_program(program=program).first()
