"""The live demo program, "Chefsjobbet": dated from the day ``seed_demo`` runs.

SVC 2015–2017 is history: no evaluation is open in it and no round is to come.
This second program of Örebro kommun gives every demo login something to do
today (the day in ``settings.TIME_ZONE``, Europe/Stockholm):

- round 1 is under way: group 1 had module 2 last week, group 2 (deltagare@'s,
  led by processledare@) ended module 1 yesterday, so its evaluation is open,
  and group 3 has module 1 next week, with processledare@ again;
- deltagare@ has sent the agreement between modules 1 and 2 to chef@;
- round 2 starts on the first Monday of next quarter, and its groups have room
  for the intake of new managers.

Every row has a natural key (the program's name, round and group numbers,
module order, person, stage), so a second run on the same day writes nothing.
On a later day the rounds and sessions move with the date; attendance,
agreements and answers already stored stay as they are.
"""

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from evaluations.services import evaluation_form_ensure
from participants.models import Consultant, Level, Organisation, Person
from programs.models import (
    Attendance,
    Enrollment,
    Group,
    Module,
    Program,
    Round,
    Session,
)
from programs.services import session_save

from .agreements import DEMO_PARTICIPANT_EMAIL
from .live_agreements import live_agreements_write
from .plans import attendance_status, session_times
from .specs import MODULES
from .sync import SyncWriter

LIVE_PROGRAM_NAME = "Chefsjobbet"
LIVE_PURPOSE = (
    "Sveriges viktigaste chefsjobb fortsätter: chefer som inte gått programmet, och de som "
    "tillträtt sedan dess, går samma fyra moduler i blandade utvecklingsgrupper."
)
LIVE_MOTTO = "Säkra, initiativrika och klara"
VENUES = ("Örebro slott", "Conventum Kongress", "Stadshuset", "Naturens hus")
LINE_MANAGER_EMAIL = "chef@orebro.example"


@dataclass(frozen=True)
class GroupPlan:
    number: int  # numbered through the program
    round_number: int
    first_day: dt.date  # of module 1; the others follow four weeks apart
    size: int
    leaders: tuple[int, int]  # indexes into the organisation's consultants (0: processledare@)


def next_quarter_monday(today: dt.date) -> dt.date:
    """The first Monday on or after the first day of the quarter after ``today``'s."""
    month = (today.month - 1) // 3 * 3 + 4
    first = dt.date(today.year + (month > 12), (month - 1) % 12 + 1, 1)
    return first + dt.timedelta(days=-first.weekday() % 7)


def plan_groups(today: dt.date) -> tuple[GroupPlan, ...]:
    """Three groups under way in round 1, two with room to spare in round 2."""
    day = dt.timedelta(days=1)
    round_2 = next_quarter_monday(today)
    return (
        GroupPlan(1, 1, today - 37 * day, 22, (1, 2)),  # module 2 ended eight days ago
        GroupPlan(2, 1, today - 2 * day, 21, (0, 3)),  # module 1 ended yesterday at noon
        GroupPlan(3, 1, today + 7 * day, 22, (0, 4)),  # module 1 next week
        GroupPlan(4, 2, round_2, 20, (5, 6)),
        GroupPlan(5, 2, round_2 + day, 20, (7, 8)),
    )


def _times(plan: GroupPlan, module: Module) -> tuple[dt.datetime, dt.datetime]:
    return session_times(
        round_starts_on=plan.first_day, index=0, order=module.order, days=module.duration_days
    )


def _members(organisation: Organisation, plans: tuple[GroupPlan, ...]) -> list[list[Person]]:
    """Heads of division and first-line managers, deltagare@ in group 2, dealt by department.

    chef@ stays out: their part here is to review deltagare@'s agreements.
    """
    people = list(
        Person.objects.filter(
            organisation=organisation,
            active=True,
            level__in=(Level.DIVISION_HEAD, Level.FIRST_LINE),
        )
        .exclude(email=LINE_MANAGER_EMAIL)
        .select_related("department")
        .order_by("employee_number")
    )
    demo = next(p for p in people if p.email == DEMO_PARTICIPANT_EMAIL)
    others = [p for p in people if p is not demo]
    chosen = random.Random("chefsjobbet").sample(others, sum(p.size for p in plans) - 1)
    chosen.sort(key=lambda p: (p.department.parent_id or p.department_id, p.employee_number))
    members: list[list[Person]] = [[] for _ in plans]
    members[1].append(demo)
    dealer = itertools.cycle(range(len(plans)))
    for person in chosen:  # like cards, so that every group mixes the departments
        group = next(dealer)
        while len(members[group]) >= plans[group].size:
            group = next(dealer)
        members[group].append(person)
    return members


def _organisation_consultants(organisation: Organisation) -> list[Consultant]:
    """The organisation's consultants, processledare@ first, then by e-mail."""
    consultants = Consultant.objects.filter(organisations=organisation).select_related("user")
    return sorted(consultants, key=lambda c: (c.email != "processledare@konsult.example", c.email))


class LiveWriter(SyncWriter):
    """Writes the live program for one day; counts what it wrote, like the demo writer."""

    def __init__(self, *, organisation: Organisation, now: dt.datetime):
        super().__init__()
        self.organisation = organisation
        self.now = now
        self.today = timezone.localdate(now)

    def write(self) -> Program:
        plans = plan_groups(self.today)
        self.consultants = _organisation_consultants(self.organisation)
        program = self._program(plans)
        modules = self._modules(program)
        for module in modules.values():
            evaluation_form_ensure(module=module)
        groups = self._groups(program, plans, modules)
        members = _members(self.organisation, plans)
        enrollments = self.sync(
            Enrollment.objects.filter(program=program).holding_place(),
            key=("person_id",),
            rows=[
                {
                    "person_id": person.pk,
                    "group_id": group.pk,
                    "program_id": program.pk,
                    "status": Enrollment.Status.ACTIVE
                    if plan.round_number == 1
                    else Enrollment.Status.PLANNED,
                }
                for plan, group, persons in zip(plans, groups, members, strict=True)
                for person in persons
            ],
        )
        sessions = self._sessions(plans, groups, modules)
        attendance = []
        for (g, order), session in sessions.items():
            if session.starts_at > self.now:
                continue
            for person in members[g]:
                draw = random.Random(f"chefsjobbet:{person.employee_number}:{order}").random()
                attendance.append(
                    {
                        "enrollment_id": enrollments[(person.pk,)].pk,
                        "session_id": session.pk,
                        # The participant login was there: their evaluation is open.
                        "status": Attendance.Status.PRESENT
                        if person.email == DEMO_PARTICIPANT_EMAIL
                        else attendance_status(draw),
                    }
                )
        self.sync(
            Attendance.objects.filter(session__group__round__program=program),
            key=("enrollment_id", "session_id"),
            rows=attendance,
        )
        self.written += live_agreements_write(
            program=program,
            members=members,
            enrollments=enrollments,
            sessions=sessions,
            now=self.now,
        )
        return program

    def _program(self, plans) -> Program:
        ends = [_times(plan, module)[1].date() for plan in plans for module in self._module_specs()]
        return self.sync(
            Program.objects.filter(organisation=self.organisation, name=LIVE_PROGRAM_NAME),
            key=("name",),
            rows=[
                {
                    "organisation_id": self.organisation.pk,
                    "name": LIVE_PROGRAM_NAME,
                    "purpose": LIVE_PURPOSE,
                    "motto": LIVE_MOTTO,
                    "starts_on": min(plan.first_day for plan in plans),
                    "ends_on": max(ends),
                    "min_group_size": 20,
                    "max_group_size": 25,
                }
            ],
        )[(LIVE_PROGRAM_NAME,)]

    @staticmethod
    def _module_specs() -> list[Module]:
        """Unsaved modules with order and days, for planning dates before the program exists."""
        return [Module(order=n, duration_days=m.days) for n, m in enumerate(MODULES, 1)]

    def _modules(self, program) -> dict[int, Module]:
        consultants = self.consultants
        stored = self.sync(
            Module.objects.filter(program=program),
            key=("order",),
            rows=[
                {
                    "program_id": program.pk,
                    "order": order,
                    "name": module.name,
                    "purpose": module.purpose,
                    "duration_days": module.days,
                    "responsible_consultant_id": consultants[order % len(consultants)].pk,
                }
                for order, module in enumerate(MODULES, 1)
            ],
        )
        return {order: module for (order,), module in sorted(stored.items())}

    def _groups(self, program, plans, modules) -> list[Group]:
        rounds = self.sync(
            Round.objects.filter(program=program),
            key=("number",),
            rows=[
                {
                    "program_id": program.pk,
                    "number": number,
                    "starts_on": min(p.first_day for p in plans if p.round_number == number),
                    "ends_on": max(
                        _times(p, m)[1].date()
                        for p in plans
                        if p.round_number == number
                        for m in modules.values()
                    ),
                }
                for number in sorted({p.round_number for p in plans})
            ],
        )
        stored = self.sync(
            Group.objects.filter(round__program=program),
            key=("round_id", "number"),
            rows=[
                {"round_id": rounds[(p.round_number,)].pk, "number": p.number, "name": ""}
                for p in plans
            ],
        )
        groups = [stored[(rounds[(p.round_number,)].pk, p.number)] for p in plans]
        consultants = self.consultants
        self.sync(
            Group.process_leaders.through.objects.filter(group__round__program=program),
            key=("group_id", "consultant_id"),
            rows=[
                {"group_id": group.pk, "consultant_id": consultants[index].pk}
                for plan, group in zip(plans, groups, strict=True)
                for index in plan.leaders
            ],
            prune=True,
        )
        return groups

    def _sessions(self, plans, groups, modules) -> dict[tuple[int, int], Session]:
        """Through ``session_save`` (the module order); moved ones go in an order it accepts.

        Moving forward, a group's later modules move first; moving back, its earlier ones.
        """
        consultants = self.consultants
        stored = {
            (s.group_id, s.module_id): s
            for s in Session.objects.filter(group__in=groups).select_related("module")
        }
        planned = []
        for g, (plan, group) in enumerate(zip(plans, groups, strict=True)):
            for order, module in modules.items():
                starts_at, ends_at = _times(plan, module)
                # processledare@ leads every session of her groups (they never overlap);
                # the other groups' two leaders take turns.
                index = 0 if 0 in plan.leaders else plan.leaders[(order - 1) % 2]
                leader = consultants[index]
                fields = {
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "venue": VENUES[order - 1],
                    "process_leader": leader,
                }
                planned.append((g, group, module, fields, stored.get((group.pk, module.pk))))

        def later_first(item):
            _g, _group, module, fields, session = item
            forward = session is not None and fields["starts_at"] > session.starts_at
            return (item[0], -module.order if forward else module.order)

        sessions = {}
        for g, group, module, fields, session in sorted(planned, key=later_first):
            if session is None or any(getattr(session, k) != v for k, v in fields.items()):
                session = session_save(group=group, module=module, session=session, **fields)
                self.written += 1
            sessions[g, module.order] = session
        return sessions


@transaction.atomic
def seed_live_program(*, organisation: Organisation, now: dt.datetime | None = None) -> int:
    """Create or bring up to date the live program for today. Returns the rows written.

    Side effects: the program, its modules (with evaluation forms), rounds,
    groups, enrollments, sessions, attendance of the sessions that have started
    and the agreements due by now. No e-mail is queued.
    """
    writer = LiveWriter(organisation=organisation, now=now or timezone.now())
    writer.write()
    return writer.written
