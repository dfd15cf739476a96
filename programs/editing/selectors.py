"""Reads of the HR pages that edit the program: the modules with their session counts, and
the recent changes of the program, its modules and a group's process leaders (from their
django-simple-history records), each change as what it was and what it became.

Every history read is a fixed number of queries whatever the number of records.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import Consultant, Organisation

from ..models import Group, Module, Program

# How many changes a page shows, newest first.
RECENT_CHANGES = 20

PROGRAM_FIELDS = (
    "name",
    "motto",
    "purpose",
    "starts_on",
    "ends_on",
    "min_group_size",
    "max_group_size",
)
MODULE_FIELDS = ("order", "name", "purpose", "duration_days", "responsible_consultant")

EVENTS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
    "baseline": gettext_lazy("As it was when the history began"),
}


@dataclass
class Change:
    when: dt.datetime
    who: str
    event: str
    subject: str = ""
    # (what, before, after) for each field that changed.
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def module_for_program_or_404(
    *, organisation: Organisation, program_id: int, module_id: int
) -> Module:
    """The program's module, or 404 (another organisation's, or another program's)."""
    module = (
        Module.objects.select_related("program__organisation", "responsible_consultant")
        .filter(program__organisation=organisation, program_id=program_id, pk=module_id)
        .first()
    )
    if module is None:
        raise Http404
    return module


def program_modules(*, program: Program) -> QuerySet[Module]:
    """The program's modules in order, each with its number of sessions (one query)."""
    return (
        Module.objects.filter(program=program)
        .select_related("responsible_consultant")
        .annotate(session_count=Count("sessions"))
        .order_by("order")
    )


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.localize(value.normalize())
    return str(value)


# Labels as the forms name the fields, where they differ from the model's.
LABELS = {(Module, "duration_days"): gettext_lazy("Length in days")}


def _label(model, name: str) -> str:
    label = LABELS.get((model, name)) or model._meta.get_field(name).verbose_name
    return capfirst(str(label))


def _who(record) -> str:
    return record.history_user.get_full_name() if record.history_user else ""


def _event(record) -> str:
    if record.history_change_reason == "baseline":
        return str(EVENTS["baseline"])
    return str(EVENTS[record.history_type])


def _diffs(model, names, record, previous, shown) -> list[tuple[str, str, str]]:
    """(label, before, after) of each field that differs from the previous record."""
    if previous is None or record.history_type == "-":
        return []
    return [
        (_label(model, name), shown(name, previous), shown(name, record))
        for name in names
        if shown(name, previous) != shown(name, record)
    ]


def program_history(*, program: Program) -> list[Change]:
    """The program's recent changes, newest first (one query)."""
    records = list(
        program.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries, previous = [], None
    for record in records:
        entries.append(
            Change(
                when=record.history_date,
                who=_who(record),
                event=_event(record),
                changes=_diffs(
                    Program,
                    PROGRAM_FIELDS,
                    record,
                    previous,
                    lambda name, r: _shown(getattr(r, name)),
                ),
            )
        )
        previous = record
    return entries[::-1][:RECENT_CHANGES]


def modules_history(*, program: Program) -> list[Change]:
    """Recent changes of the program's modules, deleted ones too, newest first (two queries)."""
    records = list(
        Module.history.filter(program_id=program.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    named = Module.history.filter(program_id=program.pk).values("responsible_consultant_id")
    consultants = {c.pk: str(c) for c in Consultant.objects.filter(pk__in=named)}

    def shown(name, record):
        if name == "responsible_consultant":
            return consultants.get(record.responsible_consultant_id, "–")
        return _shown(getattr(record, name))

    entries, previous = [], {}
    for record in records:
        entries.append(
            Change(
                when=record.history_date,
                who=_who(record),
                event=_event(record),
                subject=f"{record.order}. {record.name}",
                changes=_diffs(Module, MODULE_FIELDS, record, previous.get(record.id), shown),
            )
        )
        previous[record.id] = record
    return entries[::-1][:RECENT_CHANGES]


def group_leaders_history(*, group: Group) -> list[Change]:
    """Who led the group when: its recent changes of process leaders, newest first.

    Two queries (the records, and the process leaders each record holds).
    """
    relation = Group.history.model._meta.get_field("historicalgroup_process_leaders")
    holds = relation.related_model
    records = list(
        group.history.select_related("history_user")
        .prefetch_related(
            Prefetch(
                relation.get_accessor_name(),
                queryset=holds.objects.select_related("consultant"),
                to_attr="leaders",
            )
        )
        .order_by("history_date", "history_id")
    )
    label = _("Process leaders")

    def names(record) -> str:
        shown = sorted(str(row.consultant) for row in record.leaders if row.consultant)
        return ", ".join(shown) or _("None")

    entries, previous = [], None
    for record in records:
        before, after = (names(previous), names(record)) if previous else ("", "")
        if previous is None or before != after or record.history_type != "~":
            entries.append(
                Change(
                    when=record.history_date,
                    who=_who(record),
                    event=_event(record),
                    changes=[(label, before, after)] if before != after else [],
                )
            )
        previous = record
    return entries[::-1][:RECENT_CHANGES]
