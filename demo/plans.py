"""The program's shape, planned in memory: managers, groups, session times, attendance.

Shared with ``demo.scale``, which builds the same shape at national scale.
"""

import datetime as dt
import itertools
import math
import random
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from participants.models import (
    Level,
)
from programs.models import Attendance

TOP_LEVELS = (Level.MUNICIPAL_MANAGEMENT, Level.DEPARTMENT_HEAD)
LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}
MODULE_INTERVAL_DAYS = 28


@dataclass(frozen=True)
class DepartmentSpec:
    """A förvaltning and how many managers of each level work in it."""

    name: str
    first_line: int
    division_heads: int = 0
    heads: int = 1  # the förvaltningschef, then deputies at the same level
    top: int = 0  # kommunledning; the first one planned is the kommundirektör
    units: tuple[str, ...] = ()  # verksamheter below it; division heads are spread over them


@dataclass(slots=True, eq=False)
class PersonPlan:
    employee_number: str
    first_name: str
    last_name: str
    level: str
    department: str
    unit: str | None
    line_manager: str | None  # employee number
    depth: int
    manager_since: dt.date | None = None


def plan_people(
    *, departments: Sequence[DepartmentSpec], prefix: str, names: Callable[[], tuple[str, str]]
) -> list[PersonPlan]:
    """Every manager of an organisation, each planned after their own line manager.

    The tree: the kommundirektör at the root; the rest of kommunledningen and the
    heads of department under them; deputies under their head; heads of division
    under the heads (in the director's own office, under kommunledningen);
    first-line managers under the heads of division.
    """
    people: list[PersonPlan] = []

    def add(level, dept, unit, manager: PersonPlan | None) -> PersonPlan:
        first, last = names()
        person = PersonPlan(
            employee_number=f"{prefix}{len(people) + 1:05d}",
            first_name=first,
            last_name=last,
            level=level,
            department=dept.name,
            unit=unit,
            line_manager=manager.employee_number if manager else None,
            depth=manager.depth + 1 if manager else 0,
        )
        people.append(person)
        return person

    top: list[PersonPlan] = []
    for dept in departments:
        for _ in range(dept.top):
            top.append(add(Level.MUNICIPAL_MANAGEMENT, dept, None, top[0] if top else None))
    director = top[0]
    for dept in departments:
        heads: list[PersonPlan] = []
        for _ in range(dept.heads):
            heads.append(add(Level.DEPARTMENT_HEAD, dept, None, heads[0] if heads else director))
        bosses = heads or top[1:] or top
        units = dept.units or (None,)
        divisions = [
            add(Level.DIVISION_HEAD, dept, units[i % len(units)], bosses[i % len(bosses)])
            for i in range(dept.division_heads)
        ]
        leads = divisions or bosses
        for i in range(dept.first_line):
            lead = leads[i % len(leads)]
            add(
                Level.FIRST_LINE,
                dept,
                lead.unit if lead.level == Level.DIVISION_HEAD else None,
                lead,
            )
    return people


def _random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def plan_manager_since(
    people: Sequence[PersonPlan],
    *,
    rng: random.Random,
    round_starts: Sequence[dt.date],
    late_per_round: dict[int, int],
) -> dict[int, list[PersonPlan]]:
    """Give everyone a ``manager_since``; returns the managers appointed during the program.

    Managers appointed between two rounds join the next round: they are placed
    in its groups (see ``plan_groups``). Everyone else became a manager before
    the program started.
    """
    candidates = [p for p in people if p.level in (Level.DIVISION_HEAD, Level.FIRST_LINE)]
    chosen = iter(rng.sample(candidates, sum(late_per_round.values())))
    late: dict[int, list[PersonPlan]] = {}
    for number, count in sorted(late_per_round.items()):
        first = round_starts[number - 2] + dt.timedelta(days=30)
        last = round_starts[number - 1] - dt.timedelta(days=21)
        for person in itertools.islice(chosen, count):
            person.manager_since = _random_date(rng, first, last)
            late.setdefault(number, []).append(person)
    for person in people:
        if person.manager_since is None:
            person.manager_since = _random_date(rng, dt.date(1990, 1, 1), dt.date(2014, 12, 31))
    return late


def plan_groups(
    *,
    people: Sequence[PersonPlan],
    groups_per_round: Sequence[int],
    late: dict[int, list[PersonPlan]],
    top_group: bool,
) -> list[list[PersonPlan]]:
    """The members of each group, round by round, as even in size as possible.

    With ``top_group`` the first group is kommunledningen and the heads of
    department. Managers appointed during the program go to the round after
    their appointment. The rest are sorted by department and dealt out like
    cards, so that every group mixes the departments.
    """
    round_of = [number for number, count in enumerate(groups_per_round, 1) for _ in range(count)]
    members: list[list[PersonPlan]] = [[] for _ in round_of]
    placed = {id(p) for persons in late.values() for p in persons}
    if top_group:
        members[0] = [p for p in people if p.level in TOP_LEVELS]
        placed |= {id(p) for p in members[0]}
    open_groups = list(range(1 if top_group else 0, len(round_of)))
    rest = [p for p in people if id(p) not in placed]
    base, extra = divmod(len(rest) + sum(len(v) for v in late.values()), len(open_groups))
    capacity = {g: base + (i < extra) for i, g in enumerate(open_groups)}
    for number, persons in late.items():
        in_round = [g for g in open_groups if round_of[g] == number]
        for i, person in enumerate(persons):
            members[in_round[i % len(in_round)]].append(person)
    department_order = {
        name: i for i, name in enumerate(dict.fromkeys(p.department for p in people))
    }
    rest.sort(
        key=lambda p: (
            department_order[p.department],
            p.unit or "",
            LEVEL_RANK[p.level],
            p.employee_number,
        )
    )
    dealer = itertools.cycle(open_groups)
    for person in rest:
        group = next(dealer)
        while len(members[group]) >= capacity[group]:
            group = next(dealer)
        members[group].append(person)
    return members


def session_times(
    *, round_starts_on: dt.date, index: int, order: int, days: Decimal
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a group's session of a module.

    Groups of a round start on Monday, Tuesday and Wednesday of its first four
    weeks (``index`` is the group's place in the round); the modules follow
    four weeks apart, so the module order holds by construction. A module of
    1.5 days ends at noon on its second day.
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first_day = round_starts_on + dt.timedelta(
        days=7 * ((index // 3) % 4) + index % 3 + MODULE_INTERVAL_DAYS * (order - 1)
    )
    last_day = first_day + dt.timedelta(days=math.ceil(days) - 1)
    ends = dt.time(12) if days % 1 else dt.time(16)
    return (
        dt.datetime.combine(first_day, dt.time(9), tzinfo=zone),
        dt.datetime.combine(last_day, ends, tzinfo=zone),
    )


def attendance_status(draw: float) -> str:
    """A few absent, a few more excused, everyone else present."""
    if draw < 0.02:
        return Attendance.Status.ABSENT
    if draw < 0.05:
        return Attendance.Status.EXCUSED
    return Attendance.Status.PRESENT


def ascii_slug(text: str) -> str:
    """``Åsa Öberg`` -> ``asa-oberg``: e-mail-safe and stable."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def unique_email(first: str, last: str, domain: str, taken: set[str]) -> str:
    base = f"{ascii_slug(first)}.{ascii_slug(last)}"
    email, n = f"{base}@{domain}", 2
    while email in taken:
        email, n = f"{base}{n}@{domain}", n + 1
    taken.add(email)
    return email
