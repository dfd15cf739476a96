"""Retention: what is due per kind (``due``), the dry run and the run (``runs``)."""

from .runs import PlannedRemoval, retention_apply, retention_plan, retention_rule_save

__all__ = ["PlannedRemoval", "retention_apply", "retention_plan", "retention_rule_save"]
