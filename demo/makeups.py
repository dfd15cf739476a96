"""The demo's attendance, make-up sessions and the completion that follows from them.

Everyone's attendance at their own group's four sessions is drawn as before
(``plans.attendance_status``). A member who was not present at a module is, as
a rule, booked into the next session of that module in another group that
starts after the missed one and has room (the program's largest group size),
and is present there, so they complete through the make-up session. A few
are not: some were never booked (the draw, or no later session has room, as
for the last groups of round 5) and some were booked but absent again. Their
places stay active: not completed.

The stored statuses follow by ``programs.completion``, the same rule that
attendance registration applies, so the demo agrees with every page.
Deterministic: each choice is drawn from a seed of the person and module.
"""

import random
from dataclasses import dataclass

from programs.completion import is_complete, status_after
from programs.models import Attendance, Enrollment, MakeUpBooking

from .plans import attendance_status

# Of those who missed a module: this share is never booked into a make-up session,
NOT_BOOKED = 0.12
# and of those booked, this share is absent again.
ABSENT_AGAIN = 0.1


@dataclass(frozen=True)
class MakeUp:
    employee_number: str
    host: int  # the index of the host group
    order: int  # the module
    status: str  # attendance at the host session


@dataclass
class AttendancePlan:
    own: dict[tuple[str, int], str]  # (employee number, module order) → status at own session
    make_ups: list[MakeUp]
    statuses: dict[str, str]  # employee number → the enrollment's stored status
    group_of: dict[str, int]  # employee number → the index of their own group


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def plan_attendance(*, slug: str, members, times, module_orders, max_group_size: int):
    """Attendance at own sessions, make-up bookings and each place's status by the rule.

    ``members[g]`` are the plans of group ``g``; ``times[g, order]`` its session's
    (start, end).
    """
    own = {
        (p.employee_number, order): attendance_status(
            random.Random(f"{slug}:{p.employee_number}:{order}").random()
        )
        for persons in members
        for p in persons
        for order in module_orders
    }
    guests = {(g, order): 0 for g in range(len(members)) for order in module_orders}
    make_ups = []
    for g, persons in enumerate(members):
        for p in persons:
            booked = [times[g, order] for order in module_orders]
            for order in module_orders:
                if own[p.employee_number, order] == Attendance.Status.PRESENT:
                    continue
                rng = random.Random(f"{slug}:make-up:{p.employee_number}:{order}")
                if rng.random() < NOT_BOOKED:
                    continue
                missed_end = times[g, order][1]
                hosts = sorted(
                    (times[h, order][0], h)
                    for h in range(len(members))
                    if h != g
                    and times[h, order][0] > missed_end
                    and len(members[h]) + guests[h, order] < max_group_size
                    and not any(_overlaps(times[h, order], other) for other in booked)
                )
                if not hosts:
                    continue
                host = hosts[0][1]
                guests[host, order] += 1
                booked.append(times[host, order])
                status = (
                    Attendance.Status.ABSENT
                    if rng.random() < ABSENT_AGAIN
                    else Attendance.Status.PRESENT
                )
                make_ups.append(MakeUp(p.employee_number, host, order, status))
    present = {key for key, status in own.items() if status == Attendance.Status.PRESENT} | {
        (m.employee_number, m.order) for m in make_ups if m.status == Attendance.Status.PRESENT
    }
    statuses = {
        p.employee_number: status_after(
            status=Enrollment.Status.PLANNED,
            complete=is_complete(
                modules_present=sum((p.employee_number, o) in present for o in module_orders),
                module_count=len(module_orders),
            ),
            has_attendance=True,
        )
        for persons in members
        for p in persons
    }
    group_of = {p.employee_number: g for g, persons in enumerate(members) for p in persons}
    return AttendancePlan(own=own, make_ups=make_ups, statuses=statuses, group_of=group_of)


def sync_attendance(
    writer, *, program, plan: AttendancePlan, place: dict, session_ids: dict
) -> None:
    """Write everyone's attendance, the make-up bookings and the guests' attendance there.

    ``place`` maps employee number → enrollment id; ``session_ids[g, order]`` is the
    id of group ``g``'s session of a module.
    """
    guests = [
        {
            "enrollment_id": place[m.employee_number],
            "session_id": session_ids[m.host, m.order],
            "status": m.status,
        }
        for m in plan.make_ups
    ]
    writer.sync(
        MakeUpBooking.objects.filter(session__group__round__program=program),
        key=("enrollment_id", "session_id"),
        rows=[{"enrollment_id": r["enrollment_id"], "session_id": r["session_id"]} for r in guests],
        prune=True,
    )
    writer.sync(
        Attendance.objects.filter(session__group__round__program=program),
        key=("enrollment_id", "session_id"),
        rows=[
            {
                "enrollment_id": place[number],
                "session_id": session_ids[plan.group_of[number], order],
                "status": status,
            }
            for (number, order), status in plan.own.items()
        ]
        + guests,
    )
