"""Reads for "program in figures": the program's counts and rates, live or frozen.

The figures are aggregates only (counts and rates, never a person's row),
computed in a fixed number of queries whatever the size of the program, and
returned as plain JSON-safe data: the same dict is shown live on the
dashboard and frozen into a status report's snapshot.
"""

import datetime as dt
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone, translation

from participants.models import Consultant
from programs.completion import completed_enrollments
from programs.models.agreements import Agreement
from programs.models.sessions import Attendance, Session
from programs.models.structure import CheckIn, Enrollment, Group, Module, Program, Round
from programs.places import PLACE_STATUSES
from programs.selectors import subquery_count

from ..models import StatusReport
from .evaluation_results import evaluation_figures
from .follow_up import corrections_for_period, modules_of

SNAPSHOT_VERSION = 1
# How old the dashboard's figures may be.
LIVE_FIGURES_SECONDS = 60


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def program_figures(*, program: Program, as_of: dt.datetime | None = None) -> dict:
    """ "Program in figures": the program's counts and rates as of a moment (default now).

    A session counts as held once it has ended by ``as_of``; attendance is
    counted over held sessions; completion by ``programs.completion`` as of the
    moment. Eight queries, plus the evaluation app's.
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

    # By the one rule, as of the moment: a report of 2015 does not count later attendance.
    completed = completed_enrollments(
        Enrollment.objects.filter(program=program), as_of=as_of
    ).count()

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
            "completed": completed,
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


def live_figures_key(*, program: Program, presented: bool = False) -> str:
    suffix = ":presented" if presented else ""
    return f"reports:figures:{program.pk}:{translation.get_language()}{suffix}"


def live_figures(*, program: Program, present=None):
    """``program_figures`` for the dashboard, computed at most once a minute per program.

    Twenty-odd aggregate queries (ours and the evaluation app's) cost about
    0.1 s for a large program; the dashboard is read far more often than the
    figures change. A status report never uses this: its snapshot is exact.

    ``present``, if given, turns fresh figures into what the page shows (the view's
    rendered HTML: at national scale the 100 kB of tables and charts cost more than
    the figures) and that is kept instead, under a key of its own: at most a minute old.
    """
    key = live_figures_key(program=program, presented=present is not None)
    figures = cache.get(key)
    if figures is None:
        figures = program_figures(program=program)
        if present is not None:
            figures = present(figures)
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
