"""What each demo login can do today, read from the stored data (``seed_demo`` prints it).

Each line comes from the same selectors as the login's pages: open
evaluations, agreements waiting for a reviewer, a process leader's sessions,
the next round for the intake, the program in figures. So the line cannot
promise what the pages do not show.
"""

import datetime as dt
from collections.abc import Callable

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from console.selectors import organisations_page
from evaluations.selectors import open_evaluations_for
from participants.models import Organisation, PlatformOperator, Role, User
from programs.agreements.rules import Status
from programs.agreements.selectors import line_manager_overview, my_program
from programs.models import Program
from programs.rounds.selectors import next_round
from programs.scheduling import process_leader_overview
from programs.selectors import current_enrollment_for_user, programs_for_organisation
from reports.selectors import program_figures

from .specs import DEMO_ROLE_USERS, OPERATOR_LOGIN, PERSON_LOGINS

__all__ = ["demo_logins_today", "today_for"]


def _day(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "j F")


def _participant(*, user: User, organisation: Organisation, now: dt.datetime) -> str | None:
    enrollment = current_enrollment_for_user(user=user, organisation=organisation)
    if enrollment is None:
        return None
    evaluations = open_evaluations_for(person=enrollment.person, now=now)
    if evaluations:
        first = evaluations[0]
        return _(
            "Answer the evaluation of module %(order)s, %(name)s (closes %(deadline)s), "
            "under “%(page)s”"
        ) % {
            "order": first.session.module.order,
            "name": first.session.module.name,
            "deadline": _day(first.deadline),
            "page": _("My evaluations"),
        }
    current = my_program(enrollment=enrollment, now=now).current
    if current.state in (Status.SUBMITTED, Status.AGREED):
        return None
    return _("Write the agreement “%(stage)s”, under “%(page)s”") % {
        "stage": current.label,
        "page": _("My program"),
    }


def _line_manager(*, user: User, organisation: Organisation, now: dt.datetime) -> str | None:
    waiting = line_manager_overview(organisation=organisation, user=user, now=now).to_act_on
    if not waiting:
        return None
    newest = max(waiting, key=lambda a: (a.submitted_at, a.pk))
    return ngettext(
        "Agree or send back %(count)s agreement waiting for you, under “%(page)s”: "
        "%(name)s, %(stage)s (%(program)s)",
        "Agree or send back %(count)s agreements waiting for you, under “%(page)s”; "
        "the newest: %(name)s, %(stage)s (%(program)s)",
        len(waiting),
    ) % {
        "count": len(waiting),
        "page": _("My staff"),
        "name": newest.enrollment.person.full_name,
        "stage": newest.get_stage_display(),
        "program": newest.enrollment.group.round.program.name,
    }


def _process_leader(*, user: User, organisation: Organisation, now: dt.datetime) -> str | None:
    line = _process_leader_here(user=user, organisation=organisation, now=now)
    works_for = Organisation.objects.filter(consultants__user=user).count()
    if line is None or works_for < 2:
        return line
    return _("%(task)s; your sessions in the %(count)s organisations you work for: “%(page)s”") % {
        "task": line,
        "count": works_for,
        "page": _("My assignments"),
    }


def _process_leader_here(*, user: User, organisation: Organisation, now: dt.datetime) -> str | None:
    overview = process_leader_overview(user=user, organisation=organisation, now=now)
    if overview.to_register:
        session = overview.to_register[0]
        return _(
            "Register attendance at module %(order)s with %(group)s (%(date)s), under “%(page)s”"
        ) % {
            "order": session.module.order,
            "group": session.group,
            "date": _day(session.starts_at),
            "page": _("My groups"),
        }
    if not overview.upcoming:
        return None
    session = overview.upcoming[0]
    return _(
        "Lead module %(order)s, %(name)s, with %(group)s on %(weekday)s %(date)s at %(time)s, "
        "%(venue)s, under “%(page)s”"
    ) % {
        "order": session.module.order,
        "name": session.module.name,
        "group": session.group,
        "weekday": formats.date_format(timezone.localtime(session.starts_at), "D"),
        "date": _day(session.starts_at),
        "time": formats.time_format(timezone.localtime(session.starts_at), "H:i"),
        "venue": session.venue,
        "page": _("My groups"),
    }


def _hr(*, user: User, organisation: Organisation, now: dt.datetime) -> str | None:
    programs = list(programs_for_organisation(organisation=organisation).order_by("-starts_on"))
    today = timezone.localdate(now)
    for program in programs:
        upcoming = next_round(program=program, today=today)
        if upcoming is not None and upcoming.groups.exists():
            return _(
                "Add new managers to round %(number)s of %(program)s, which starts %(date)s: "
                "%(start)s → %(program)s → %(page)s"
            ) % {
                "number": upcoming.number,
                "program": program.name,
                "date": _day(upcoming.starts_on),
                "start": _("Program administration"),
                "page": _("Intake of new managers"),
            }
    if not programs:
        return None
    program = programs[0]
    return _(
        "See %(program)s: %(groups)s development groups and %(participants)s participants, "
        "under “%(page)s”"
    ) % {
        "program": program.name,
        "groups": program.group_count,
        "participants": program.participant_count,
        "page": _("Program administration"),
    }


def _steering(*, user: User, organisation: Organisation, now: dt.datetime) -> str | None:
    program = Program.objects.filter(organisation=organisation).order_by("-starts_on").first()
    if program is None:
        return None
    figures = program_figures(program=program, as_of=now)
    sessions = figures["sessions"]
    return _(
        "Follow %(program)s in figures: %(held)s of %(sessions)s sessions held, "
        "%(participants)s participants, under “%(page)s”"
    ) % {
        "program": program.name,
        "held": sessions["held"],
        "sessions": sessions["held"] + sessions["planned"],
        "participants": figures["participants"]["enrolled"],
        "page": _("Follow-up"),
    }


TASKS: dict[str, Callable[..., str | None]] = {
    Role.HR: _hr,
    Role.STEERING: _steering,
    Role.PROCESS_LEADER: _process_leader,
    Role.PARTICIPANT: _participant,
    Role.LINE_MANAGER: _line_manager,
}


def today_for(
    *, email: str, organisation_slug: str, roles: tuple[str, ...], now: dt.datetime | None = None
) -> str:
    """The first thing, by the login's roles in order, that waits for them today."""
    now = now or timezone.now()
    user = User.objects.get(email=email)
    organisation = Organisation.objects.get(slug=organisation_slug)
    for role in roles:
        line = TASKS[role](user=user, organisation=organisation, now=now)
        if line:
            return line
    return _("Nothing waits for you today.")


def operator_today(*, email: str) -> str:
    """The platform operator's line: the console lists every organisation's programs."""
    user = User.objects.get(email=email)
    if not PlatformOperator.objects.filter(user=user).exists():
        return _("Nothing waits for you today.")
    count = organisations_page().paginator.count
    return ngettext(
        "Follow the programs of %(count)s organisation, and start the next organisation's "
        "program from a template, under “%(page)s”",
        "Follow the programs of %(count)s organisations, and start the next organisation's "
        "program from a template, under “%(page)s”",
        count,
    ) % {"count": count, "page": _("Console")}


def demo_logins_today(*, now: dt.datetime | None = None) -> list[tuple[str, str, str]]:
    """(e-mail, roles, what they can do today) of every demo login, in the printed order."""
    logins = [(login.email, login.organisation, (login.role,)) for login in DEMO_ROLE_USERS]
    logins += [(login.email, "orebro", login.roles) for login in PERSON_LOGINS]
    lines = [
        (
            email,
            ", ".join(str(Role(role).label) for role in roles),
            today_for(email=email, organisation_slug=slug, roles=roles, now=now),
        )
        for email, slug, roles in logins
    ]
    lines.append(
        (
            OPERATOR_LOGIN.email,
            str(PlatformOperator._meta.verbose_name).capitalize(),
            operator_today(email=OPERATOR_LOGIN.email),
        )
    )
    return lines
