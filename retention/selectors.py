"""Reads of the retention rules."""

from dataclasses import dataclass

from participants.models import Organisation

from .kinds import KINDS, Kind
from .models import RetentionRule


@dataclass(frozen=True)
class RuleInForce:
    """A kind with the organisation's rule, or its default (switched off) without one."""

    kind: Kind
    period_days: int
    decision_reference: str
    decided_on: object
    enabled: bool
    rule: RetentionRule | None

    @property
    def is_default(self) -> bool:
        return self.rule is None


def rules_for(organisation: Organisation) -> list[RuleInForce]:
    """One entry per kind, in the order of ``retention.kinds.KINDS``; one query."""
    stored = {rule.kind: rule for rule in RetentionRule.objects.filter(organisation=organisation)}
    entries = []
    for kind in KINDS:
        rule = stored.get(kind.key)
        if rule is None:
            entries.append(
                RuleInForce(
                    kind=kind,
                    period_days=kind.default_days,
                    decision_reference="",
                    decided_on=None,
                    enabled=False,
                    rule=None,
                )
            )
        else:
            entries.append(
                RuleInForce(
                    kind=kind,
                    period_days=rule.period_days,
                    decision_reference=rule.decision_reference,
                    decided_on=rule.decided_on,
                    enabled=rule.enabled,
                    rule=rule,
                )
            )
    return entries
