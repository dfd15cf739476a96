"""The dry run, the run, and the rules' changes.

``retention_plan`` lists what the enabled rules would remove now, per kind;
``retention_apply`` removes exactly that (the same querysets, evaluated again
in one transaction per kind) and logs a count per kind. The kinds of an
organisation run with ``organisation=<it>``, those of the platform with
``organisation=None``.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Organisation, User

from ..kinds import BY_KEY, Kind
from ..models import RetentionLogEntry, RetentionRule
from ..selectors import RuleInForce, rules_for, rules_of_platform
from .due import PARTS, Part


@dataclass(frozen=True)
class PlannedRemoval:
    """What one enabled rule would remove now: a count, the oldest point, never content."""

    kind: Kind
    count: int
    oldest: dt.date | None
    rule: RuleInForce
    # The querysets the count comes from, in the order a run removes them.
    parts: tuple[Part, ...]


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def _rules(organisation: Organisation | None) -> list[RuleInForce]:
    if organisation is None:
        return rules_of_platform()
    return [entry for entry in rules_for(organisation) if not entry.kind.is_platform]


def _planned(entry: RuleInForce, *, organisation, now) -> PlannedRemoval:
    parts = tuple(
        PARTS[entry.kind.key](organisation=organisation, now=now, period_days=entry.period_days)
    )
    count, oldest = 0, None
    for part in parts:
        found = part.queryset.aggregate(n=Count("pk"), oldest=Min(part.point))
        count += found["n"]
        point = _as_date(found["oldest"])
        if point is not None and (oldest is None or point < oldest):
            oldest = point
    return PlannedRemoval(kind=entry.kind, count=count, oldest=oldest, rule=entry, parts=parts)


def retention_plan(*, organisation: Organisation | None, now: dt.datetime) -> list[PlannedRemoval]:
    """The dry run: per enabled rule, what it would remove at ``now``. Writes nothing.

    ``organisation=None`` plans the platform's rules (``retention.kinds.PLATFORM``).
    """
    return [
        _planned(entry, organisation=organisation, now=now)
        for entry in _rules(organisation)
        if entry.enabled
    ]


def _remove(parts: tuple[Part, ...]) -> int:
    removed = 0
    for part in parts:
        model = part.queryset.model
        ids = list(part.queryset.values_list("pk", flat=True))
        if not ids:
            continue
        if part.before_delete:
            part.before_delete(ids)
        _total, per_model = model.objects.filter(pk__in=ids).delete()
        removed += per_model.get(model._meta.label, 0)
        if part.after_delete:
            part.after_delete(ids)
    return removed


def retention_apply(
    *, organisation: Organisation | None, now: dt.datetime, user: User | None = None
) -> list[RetentionLogEntry]:
    """Remove what ``retention_plan`` lists at ``now``, one transaction per kind.

    Side effects: the rows of each enabled kind that are due are deleted (with
    a preview's stored import file, after commit); one ``RetentionLogEntry``
    per enabled kind records the count, the oldest point, the period and the
    decision reference, and ``user`` when a person ran it (None: the nightly
    job or the command line).
    """
    entries = []
    for entry in _rules(organisation):
        if not entry.enabled:
            continue
        with transaction.atomic():
            planned = _planned(entry, organisation=organisation, now=now)
            removed = _remove(planned.parts)
            entries.append(
                RetentionLogEntry.objects.create(
                    organisation=organisation,
                    kind=entry.kind.key,
                    removed=removed,
                    oldest=planned.oldest if removed else None,
                    period_days=entry.period_days,
                    ran_at=now,
                    ran_by=user,
                    decision_reference=entry.decision_reference,
                )
            )
    return entries


def retention_rule_save(
    *,
    organisation: Organisation,
    kind: str,
    period_days: int,
    decision_reference: str,
    decided_on: dt.date | None,
    enabled: bool,
    user: User | None,
) -> RetentionRule:
    """Record the organisation's rule for one kind: its period, decision and state.

    A rule is switched on only with a decision reference (the Archives Act:
    records are removed only under a decision). Kinds of the platform have no
    rule per organisation. Raises ValidationError; nothing is saved then.
    Side effects: none beyond the rule.
    """
    found = BY_KEY.get(kind)
    if found is None or found.is_platform:
        raise ValidationError(_("This kind of record has no rule of the organisation."))
    decision_reference = decision_reference.strip()
    errors = {}
    if enabled and not decision_reference:
        errors["decision_reference"] = _(
            "Enter the reference of the decision (gallringsbeslut) before the rule is applied. "
            "Records may be removed only under a decision."
        )
    if decided_on is not None and decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule, _created = RetentionRule.objects.select_for_update().get_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"period_days": period_days},
        )
        rule.period_days = period_days
        rule.decision_reference = decision_reference
        rule.decided_on = decided_on
        rule.enabled = enabled
        rule.changed_by = user
        rule.full_clean()
        rule.save()
    return rule
