"""Reads of the retention rules and the retention log."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from participants.models import Organisation

from .kinds import BY_KEY, KINDS, Kind
from .models import RetentionLogEntry, RetentionRule


@dataclass(frozen=True)
class RuleInForce:
    """A kind with its rule, or its default (switched off) without one.

    For a kind of the platform the rule is the installation's (no organisation).
    """

    kind: Kind
    period_days: int
    decision_reference: str
    decided_on: dt.date | None
    enabled: bool
    rule: RetentionRule | None

    @property
    def is_default(self) -> bool:
        return self.rule is None


def _in_force(kind: Kind, rule: RetentionRule | None) -> RuleInForce:
    if rule is None:
        return RuleInForce(
            kind=kind,
            period_days=kind.default_days,
            decision_reference="",
            decided_on=None,
            enabled=False,
            rule=None,
        )
    return RuleInForce(
        kind=kind,
        period_days=rule.period_days,
        decision_reference=rule.decision_reference,
        decided_on=rule.decided_on,
        enabled=rule.enabled,
        rule=rule,
    )


def rules_for(organisation: Organisation) -> list[RuleInForce]:
    """One entry per kind, in the order of ``retention.kinds.KINDS``: the organisation's own
    rules, and the platform's for the kinds of the platform. One query."""
    stored = RetentionRule.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True)
    )
    own = {(rule.kind, rule.organisation_id is None): rule for rule in stored}
    return [_in_force(kind, own.get((kind.key, kind.is_platform))) for kind in KINDS]


def rules_of_platform() -> list[RuleInForce]:
    """The installation's rules, for the kinds of the platform. One query."""
    stored = {rule.kind: rule for rule in RetentionRule.objects.filter(organisation__isnull=True)}
    return [_in_force(kind, stored.get(kind.key)) for kind in KINDS if kind.is_platform]


def rule_of_organisation(*, organisation: Organisation, kind: str) -> RuleInForce:
    """The organisation's rule for one of its kinds; 404 for a kind of the platform or none."""
    found = BY_KEY.get(kind)
    if found is None or found.is_platform:
        raise Http404
    return _in_force(
        found, RetentionRule.objects.filter(organisation=organisation, kind=kind).first()
    )


def retention_log_for(organisation: Organisation) -> QuerySet[RetentionLogEntry]:
    """The organisation's retention log, newest first, with who ran it, in one query."""
    return RetentionLogEntry.objects.filter(organisation=organisation).select_related("ran_by")


def organisations_applying_rules() -> list[int]:
    """The ids of the organisations with at least one rule switched on."""
    return list(
        RetentionRule.objects.filter(enabled=True, organisation__isnull=False)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
