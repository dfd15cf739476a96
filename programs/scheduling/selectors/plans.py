"""Reads: what the scheduling page shows and asks for each module of a group."""

import datetime as dt
from dataclasses import dataclass

from participants.models import Consultant

from ...models import Group, Module, Session


@dataclass
class SessionPlan:
    """What the scheduling page asks for one module; no times means "not scheduled yet"."""

    module: Module
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str = ""
    process_leader: Consultant | None = None
    session: Session | None = None  # the stored session of this module, if any

    @property
    def has_times(self) -> bool:
        return self.starts_at is not None and self.ends_at is not None

    def times_changed(self) -> bool:
        stored = self.session
        when = (self.starts_at, self.ends_at)
        return stored is None or (stored.starts_at, stored.ends_at) != when

    def booking_changed(self) -> bool:
        leader_id = self.process_leader.pk if self.process_leader else None
        return self.times_changed() or leader_id != self.session.process_leader_id

    def differs_from_stored(self) -> bool:
        return self.booking_changed() or self.venue != self.session.venue


def schedule_plans(*, group: Group) -> list[SessionPlan]:
    """One plan per module of the group's program, in order, filled from the stored sessions."""
    modules = Module.objects.filter(program_id=group.round.program_id).order_by("order")
    stored = {
        s.module_id: s for s in Session.objects.filter(group=group).select_related("process_leader")
    }
    plans = []
    for module in modules:
        session = stored.get(module.pk)
        plans.append(
            SessionPlan(
                module=module,
                starts_at=session.starts_at if session else None,
                ends_at=session.ends_at if session else None,
                venue=session.venue if session else "",
                process_leader=session.process_leader if session else None,
                session=session,
            )
        )
    return plans
