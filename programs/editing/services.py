"""Writes of the HR pages that edit the program itself: the program and a group's process
leaders (the modules: ``.modules``). Each change is kept in the object's history
(django-simple-history), with the user who made it; the rules are in ``.rules``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Consultant, User

from ..group_size import size_within_bounds
from ..models import Group, Program, Round, Session
from ..places import holding_place_q
from .rules import session_label, sessions_outside_period

# How many sessions or groups a message names before it says how many more.
NAMED_IN_MESSAGE = 10


@dataclass
class Saved:
    """What was stored, whether anything changed, and what the user should be told."""

    obj: object
    changed: bool = True
    warnings: list[str] = field(default_factory=list)


def names_in_message(labels: list[str]) -> str:
    shown = "; ".join(labels[:NAMED_IN_MESSAGE])
    rest = len(labels) - NAMED_IN_MESSAGE
    if rest > 0:
        shown += " " + ngettext("and %(count)d more", "and %(count)d more", rest) % {"count": rest}
    return shown


def save_with_history(obj, *, user: User | None, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


# --- The program -------------------------------------------------------------------------


@transaction.atomic
def program_update(
    *,
    program: Program,
    user: User | None,
    name: str,
    motto: str,
    purpose: str,
    starts_on: dt.date,
    ends_on: dt.date,
    min_group_size: int,
    max_group_size: int,
) -> Saved:
    """Change the program's name, texts, period and group size bounds. Raises ValidationError
    keyed by field; nothing is stored then.

    Refused: a period that ends before it starts, or that leaves a session of the program's
    groups outside it (each named), and bounds where the largest group is smaller than the
    smallest. Warnings: rounds now outside the period, groups now outside the bounds.
    Side effects: a history record of the program (when anything changed).
    """
    Program.objects.select_for_update().filter(pk=program.pk).first()
    errors = _period_and_bounds_errors(starts_on, ends_on, min_group_size, max_group_size)
    if "ends_on" not in errors:
        outside = sessions_outside_period(program=program, starts_on=starts_on, ends_on=ends_on)
        early = [s for s in outside if timezone.localdate(s.starts_at) < starts_on]
        late = [s for s in outside if s not in early]
        if early:
            errors["starts_on"] = _stranded_message(early, start=True)
        if late:
            errors["ends_on"] = _stranded_message(late, start=False)
    if errors:
        raise ValidationError(errors)
    values = {
        "name": name,
        "motto": motto,
        "purpose": purpose,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "min_group_size": min_group_size,
        "max_group_size": max_group_size,
    }
    if not differs(program, values):
        return Saved(program, changed=False)
    bounds_changed = (program.min_group_size, program.max_group_size) != (
        min_group_size,
        max_group_size,
    )
    for name_, value in values.items():
        setattr(program, name_, value)
    save_with_history(program, user=user, reason="program")
    warnings = _rounds_outside_warning(program)
    if bounds_changed:
        warnings += _groups_outside_bounds_warning(program)
    return Saved(program, warnings=warnings)


def _period_and_bounds_errors(
    starts_on: dt.date, ends_on: dt.date, min_group_size: int, max_group_size: int
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The program must end on or after its start.")
    if max_group_size < min_group_size:
        errors["max_group_size"] = _(
            "The largest group must be at least as large as the smallest group."
        )
    return errors


@transaction.atomic
def program_create(
    *,
    organisation,
    user: User | None,
    name: str,
    motto: str,
    purpose: str,
    starts_on: dt.date,
    ends_on: dt.date,
    min_group_size: int,
    max_group_size: int,
) -> Program:
    """Start a new program in the organisation, without modules (HR adds them next).
    Raises ValidationError keyed by field for a period that ends before it starts or bounds
    where the largest group is smaller than the smallest; nothing is stored then.
    Side effects: the program's first history record.
    """
    errors = _period_and_bounds_errors(starts_on, ends_on, min_group_size, max_group_size)
    if errors:
        raise ValidationError(errors)
    program = Program(
        organisation=organisation,
        name=name,
        motto=motto,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        min_group_size=min_group_size,
        max_group_size=max_group_size,
    )
    save_with_history(program, user=user, reason="program_create")
    return program


def _stranded_message(sessions: list[Session], *, start: bool) -> str:
    count = len(sessions)
    named = names_in_message([session_label(s) for s in sessions])
    if start:
        message = ngettext(
            "The program cannot start after a session of its groups. Move the session on its "
            "group's planning page first, or choose an earlier start: %(sessions)s.",
            "The program cannot start after %(count)d sessions of its groups. Move the sessions "
            "on their groups' planning pages first, or choose an earlier start: %(sessions)s.",
            count,
        )
    else:
        message = ngettext(
            "The program cannot end before a session of its groups. Move the session on its "
            "group's planning page first, or choose a later end: %(sessions)s.",
            "The program cannot end before %(count)d sessions of its groups. Move the sessions "
            "on their groups' planning pages first, or choose a later end: %(sessions)s.",
            count,
        )
    return message % {"count": count, "sessions": named}


def _rounds_outside_warning(program: Program) -> list[str]:
    rounds = [
        r
        for r in Round.objects.filter(program=program).order_by("number")
        if r.starts_on < program.starts_on or r.ends_on > program.ends_on
    ]
    if not rounds:
        return []
    labels = [
        f"{r} ({date_format(r.starts_on, 'SHORT_DATE_FORMAT')}–"
        f"{date_format(r.ends_on, 'SHORT_DATE_FORMAT')})"
        for r in rounds
    ]
    return [
        ngettext(
            "A round's dates reach outside the program's new period: %(rounds)s.",
            "%(count)d rounds' dates reach outside the program's new period: %(rounds)s.",
            len(rounds),
        )
        % {"count": len(rounds), "rounds": names_in_message(labels)}
    ]


def _groups_outside_bounds_warning(program: Program) -> list[str]:
    groups = (
        Group.objects.filter(round__program=program)
        .select_related("round")
        .annotate(size=Count("enrollments", filter=holding_place_q("enrollments__")))
        .order_by("round__number", "number")
    )
    bounds = {"min_size": program.min_group_size, "max_size": program.max_group_size}
    outside = [g for g in groups if not size_within_bounds(g.size, **bounds)]
    if not outside:
        return []
    labels = [
        ngettext(
            "%(group)s (%(round)s): %(size)d participant",
            "%(group)s (%(round)s): %(size)d participants",
            g.size,
        )
        % {"group": g, "round": g.round, "size": g.size}
        for g in outside
    ]
    return [
        ngettext(
            "A development group is outside the new group size, %(min)d–%(max)d: %(groups)s.",
            "%(count)d development groups are outside the new group size, %(min)d–%(max)d: "
            "%(groups)s.",
            len(outside),
        )
        % {
            "count": len(outside),
            "min": program.min_group_size,
            "max": program.max_group_size,
            "groups": names_in_message(labels),
        }
    ]


# --- A group's process leaders --------------------------------------------------------


@transaction.atomic
def group_process_leaders_set(
    *, group: Group, user: User | None, consultants: list[Consultant]
) -> Saved:
    """Make ``consultants`` the group's process leaders (an empty list: none).

    Refused (ValidationError) for a consultant who does not work for the group's
    organisation. The process leader of each session stays as planned.
    Side effects: one history record of the group, holding the new process leaders.
    """
    organisation = group.round.program.organisation
    strangers = [c for c in consultants if not c.organisations.filter(pk=organisation.pk).exists()]
    if strangers:
        raise ValidationError(
            {
                "process_leaders": ngettext(
                    "%(names)s does not work for %(organisation)s. Choose process leaders "
                    "among the organisation's consultants.",
                    "%(names)s do not work for %(organisation)s. Choose process leaders "
                    "among the organisation's consultants.",
                    len(strangers),
                )
                % {"names": ", ".join(str(c) for c in strangers), "organisation": organisation}
            }
        )
    before = set(group.process_leaders.values_list("pk", flat=True))
    if before == {c.pk for c in consultants}:
        return Saved(group, changed=False)
    # One history record for the whole change, not one per added and removed consultant.
    group.skip_history_when_saving = True
    try:
        group.process_leaders.set(consultants)
    finally:
        del group.skip_history_when_saving
    save_with_history(group, user=user, reason="process_leaders")
    return Saved(group)
