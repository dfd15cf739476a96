"""Writes of the modules page: add, change, delete and reorder a program's modules, each kept
in the module's history. The rules are in ``.rules``; a module with sessions stays.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Consultant, User

from ..models import Enrollment, Group, Module, Program
from ..scheduling import enrollments_completion_update
from .rules import (
    groups_with_sessions_of_both,
    module_session_count,
    session_label,
    sessions_not_lasting,
)
from .services import Saved, differs, names_in_message, save_with_history

# --- Modules -----------------------------------------------------------------------------


def _completion_changes(program: Program) -> list[str]:
    """Completion follows the program's modules: bring every place in line, and say what
    changed (``programs.scheduling.enrollments_completion_update``)."""
    places = Enrollment.objects.holding_place().filter(program=program)
    before = set(places.filter(status=Enrollment.Status.COMPLETED).values_list("pk", flat=True))
    enrollments_completion_update(
        enrollment_ids=list(places.values_list("pk", flat=True)), program_id=program.pk
    )
    after = set(places.filter(status=Enrollment.Status.COMPLETED).values_list("pk", flat=True))
    warnings = []
    if before - after:
        count = len(before - after)
        warnings.append(
            ngettext(
                "%(count)d participant who had completed the program has not attended every "
                "module now, and is no longer counted as completed.",
                "%(count)d participants who had completed the program have not attended every "
                "module now, and are no longer counted as completed.",
                count,
            )
            % {"count": count}
        )
    if after - before:
        count = len(after - before)
        warnings.append(
            ngettext(
                "%(count)d participant has now attended every module and is counted as completed.",
                "%(count)d participants have now attended every module and are counted as "
                "completed.",
                count,
            )
            % {"count": count}
        )
    return warnings


@transaction.atomic
def module_create(
    *,
    program: Program,
    user: User | None,
    name: str,
    purpose: str,
    duration_days: Decimal,
    responsible_consultant: Consultant | None = None,
) -> Saved:
    """Add a module after the program's last one (move it up afterwards to place it).

    Warnings: groups that already have sessions need one of the new module; participants
    who had completed the program no longer have (completion is attendance at every module).
    Side effects: a history record of the module; enrollment statuses updated.
    """
    Program.objects.select_for_update().filter(pk=program.pk).first()
    _check_consultant(program, responsible_consultant)
    last = Module.objects.filter(program=program).aggregate(last=Max("order"))["last"] or 0
    module = Module(
        program=program,
        order=last + 1,
        name=name,
        purpose=purpose,
        duration_days=duration_days,
        responsible_consultant=responsible_consultant,
    )
    save_with_history(module, user=user, reason="module_create")
    warnings = []
    started = Group.objects.filter(round__program=program, sessions__isnull=False).distinct()
    if (count := started.count()) > 0:
        warnings.append(
            ngettext(
                "%(count)d development group already has sessions: plan a session of "
                "%(module)s on its planning page.",
                "%(count)d development groups already have sessions: plan a session of "
                "%(module)s on each group's planning page.",
                count,
            )
            % {"count": count, "module": module}
        )
    return Saved(module, warnings=warnings + _completion_changes(program))


def _check_consultant(program: Program, consultant: Consultant | None) -> None:
    if (
        consultant is not None
        and not consultant.organisations.filter(pk=program.organisation_id).exists()
    ):
        raise ValidationError(
            {
                "responsible_consultant": _(
                    "%(name)s does not work for %(organisation)s. Choose a module-responsible "
                    "consultant who does."
                )
                % {"name": consultant, "organisation": program.organisation}
            }
        )


@transaction.atomic
def module_update(
    *,
    module: Module,
    user: User | None,
    name: str,
    purpose: str,
    duration_days: Decimal,
    responsible_consultant: Consultant | None = None,
    now: dt.datetime | None = None,
) -> Saved:
    """Change a module's name, purpose, duration or module-responsible consultant.

    The module's sessions keep their times whatever the duration: a warning names the
    sessions not yet begun whose length differs from the new duration.
    Side effects: a history record of the module (when anything changed).
    """
    _check_consultant(module.program, responsible_consultant)
    values = {
        "name": name,
        "purpose": purpose,
        "duration_days": duration_days,
        "responsible_consultant": responsible_consultant,
    }
    if not differs(module, values):
        return Saved(module, changed=False)
    duration_changed = module.duration_days != duration_days
    for name_, value in values.items():
        setattr(module, name_, value)
    save_with_history(module, user=user, reason="module_update")
    warnings = []
    if duration_changed:
        differ = sessions_not_lasting(module=module, days=duration_days, now=now or timezone.now())
        if differ:
            days = formats.localize(duration_days.normalize())
            warnings.append(
                ngettext(
                    "The sessions keep their times. A planned session is not %(days)s days "
                    "long: %(sessions)s.",
                    "The sessions keep their times. %(count)d planned sessions are not "
                    "%(days)s days long: %(sessions)s.",
                    len(differ),
                )
                % {
                    "count": len(differ),
                    "days": days,
                    "sessions": names_in_message([session_label(s) for s in differ]),
                }
            )
    return Saved(module, warnings=warnings)


@transaction.atomic
def module_delete(*, module: Module, user: User | None) -> Saved:
    """Delete a module that no group has a session of; the later modules move up one place.

    Raises ValidationError naming how many sessions the module has. Its evaluation form
    goes with it (it can have no answers without sessions).
    Side effects: history records (the deletion, and the later modules' new order);
    enrollment statuses updated.
    """
    program = module.program
    Program.objects.select_for_update().filter(pk=program.pk).first()
    count = module_session_count(module)
    if count:
        raise ValidationError(
            ngettext(
                "%(module)s cannot be deleted: a group has a session of it. A module with "
                "sessions stays, so that their attendance and evaluations are kept.",
                "%(module)s cannot be deleted: groups have %(count)d sessions of it. A module "
                "with sessions stays, so that their attendance and evaluations are kept.",
                count,
            )
            % {"module": module, "count": count},
            code="module_has_sessions",
        )
    order = module.order
    module._history_user = user
    module._change_reason = "module_delete"
    module.delete()
    for later in Module.objects.filter(program=program, order__gt=order).order_by("order"):
        later.order -= 1
        save_with_history(later, user=user, reason="module_order")
    return Saved(module, warnings=_completion_changes(program))


@transaction.atomic
def module_move(*, module: Module, user: User | None, up: bool) -> Saved:
    """Swap the module with the one before it (``up``) or after it.

    Refused (ValidationError) while a group has sessions of both: the sessions' dates
    follow the order. At the first or last place nothing changes.
    Side effects: history records of both modules.
    """
    program = module.program
    Program.objects.select_for_update().filter(pk=program.pk).first()
    module.refresh_from_db()
    neighbour = (
        Module.objects.filter(program=program, order__lt=module.order).order_by("-order")
        if up
        else Module.objects.filter(program=program, order__gt=module.order).order_by("order")
    ).first()
    if neighbour is None:
        return Saved(module, changed=False)
    both = groups_with_sessions_of_both(module, neighbour)
    groups = [_("%(group)s (%(round)s)") % {"group": g, "round": g.round} for g in both]
    if groups:
        raise ValidationError(
            ngettext(
                "%(module)s and %(other)s cannot change places: a group has sessions of both, "
                "in their present order: %(groups)s.",
                "%(module)s and %(other)s cannot change places: %(count)d groups have sessions "
                "of both, in their present order: %(groups)s.",
                len(groups),
            )
            % {
                "module": module,
                "other": neighbour,
                "count": len(groups),
                "groups": names_in_message(groups),
            },
            code="modules_have_sessions",
        )
    first, second = module.order, neighbour.order
    # The order is unique per program: step aside before taking the other's place.
    Module.objects.filter(pk=module.pk).update(order=0)
    neighbour.order = first
    save_with_history(neighbour, user=user, reason="module_order")
    module.order = second
    save_with_history(module, user=user, reason="module_order")
    return Saved(module)
