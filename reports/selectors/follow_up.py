"""Reads for following a program up: its check-ins, their corrections and its status reports.

Every function takes the organisation or the program the page belongs to, so
another organisation's object is a 404.
"""

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404

from participants.models import Consultant, Organisation, Role, User
from programs.models import CheckIn, Module, Program
from programs.selectors import program_for_organisation_or_404, subquery_count

from ..models import StatusReport

# How many check-ins' corrections a status report carries at most.
CORRECTIONS_IN_REPORT = 10


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


def next_report_period(*, program: Program, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a new report suggests: from where the last one ended (or the program's start)
    to today, but never past the program's end: a finished program's report covers its end."""
    last = StatusReport.objects.filter(program=program).order_by("-number").first()
    start = last.period_end if last else program.starts_on
    return start, max(start, min(today, program.ends_on))


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


def steering_group_users(*, organisation: Organisation) -> list[User]:
    """The organisation's active steering-group members: who is told that a report is ready."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role=Role.STEERING,
        )
        .distinct()
        .order_by("email")
    )
