"""Writing the synthetic national-scale data in chunks: consultants, people, programs,
groups and sessions for many organisations at once (``demo.scale.seed_scale``)."""

import datetime as dt
import io
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from faker import Faker

from participants.models import Consultant, Department, Organisation, Person
from programs.models import Attendance, Enrollment, Group, Module, Program, Round, Session

from . import plans as planning
from .plans import DepartmentSpec, PersonPlan
from .specs import MODULES

SLUG_PREFIX = "skala-"
EMAIL_DOMAIN = "skala.example"
ROUND_STARTS = (
    dt.date(2015, 2, 2),
    dt.date(2015, 9, 7),
    dt.date(2016, 2, 1),
    dt.date(2016, 9, 5),
    dt.date(2017, 2, 6),
)
DEPARTMENT_NAMES = (
    "Kommunstyrelseförvaltningen",
    "Förvaltningen förskola och skola",
    "Vård- och omsorgsförvaltningen",
    "Social- och arbetsmarknadsförvaltningen",
    "Förvaltningen för funktionsnedsättning",
    "Gymnasie- och vuxenutbildningsförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Tekniska förvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Förvaltningen gemensamma tjänster",
    "Miljöförvaltningen",
    "Räddningstjänsten",
)
# Share of the managers in each department, in the order above.
DEPARTMENT_WEIGHTS = (1.0, 6.0, 5.0, 2.5, 2.5, 1.5, 1.0, 1.0, 0.8, 0.6, 0.4, 0.4)
MIN_SIZE = 20  # the smallest organisation still fills one group
CHUNK_MANAGERS = 10_000
BATCH_SIZE = 5_000
CONSULTANTS_PER_ORGANISATION = 4


def split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` in whole parts proportional to ``weights`` (largest remainder)."""
    scale = total / sum(weights)
    parts = [int(w * scale) for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - weights[i] * scale)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def scale_departments(size: int) -> tuple[DepartmentSpec, ...]:
    """Five to twelve förvaltningar; a kommunledning that grows with the organisation."""
    count = min(len(DEPARTMENT_NAMES), max(5, size // 60))
    top = min(8, max(1, size // 100))
    rest = size - top - (count - 1)
    division_heads = split(rest * 15 // 100, DEPARTMENT_WEIGHTS[:count])
    first_line = split(rest - sum(division_heads), DEPARTMENT_WEIGHTS[:count])
    return tuple(
        DepartmentSpec(
            DEPARTMENT_NAMES[i],
            first_line=first_line[i],
            division_heads=division_heads[i],
            heads=0 if i == 0 else 1,
            top=top if i == 0 else 0,
        )
        for i in range(count)
    )


def _copy_or_bulk_create(model, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows: COPY on PostgreSQL (psycopg2 or 3), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        objs = (model(**dict(zip(columns, row, strict=True))) for row in rows)
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(str, row)))
        buffer.write("\n")
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table),
        ", ".join(quote(model._meta.get_field(c).column) for c in columns),
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())


class ScaleWriter:
    def __init__(self, *, seed: int):
        self.rng = random.Random(seed)
        fake = Faker("sv_SE")
        fake.seed_instance(seed)
        # Drawing from fixed pools is ~20 times faster than asking Faker per person.
        self.first_names = [fake.first_name() for _ in range(400)]
        self.last_names = [fake.last_name() for _ in range(400)]
        self.consultants: list[Consultant] = []

    def names(self) -> tuple[str, str]:
        return self.rng.choice(self.first_names), self.rng.choice(self.last_names)

    def write_consultants(self, organisations: list[Organisation]) -> None:
        """A pool of consultants; neighbouring organisations share some of theirs."""
        count = math.ceil(len(organisations) * 1.4) + CONSULTANTS_PER_ORGANISATION
        self.consultants = Consultant.objects.bulk_create(
            [
                Consultant(
                    name=" ".join(self.names()),
                    firm="Public Partner",
                    email=f"konsult{n:04d}@{EMAIL_DOMAIN}",
                )
                for n in range(1, count + 1)
            ],
            batch_size=BATCH_SIZE,
        )
        Consultant.organisations.through.objects.bulk_create(
            [
                Consultant.organisations.through(consultant_id=c.pk, organisation_id=org.pk)
                for i, org in enumerate(organisations)
                for c in self.consultants_of(i)
            ],
            batch_size=BATCH_SIZE,
        )

    def consultants_of(self, index: int) -> list[Consultant]:
        n = len(self.consultants)
        return [self.consultants[(2 * index + k) % n] for k in range(CONSULTANTS_PER_ORGANISATION)]

    def plan(self, size: int) -> tuple[list[PersonPlan], list[list[PersonPlan]], list[int]]:
        """One organisation's managers, its groups' members and the groups per round."""
        people = planning.plan_people(
            departments=scale_departments(size), prefix="S", names=self.names
        )
        groups = max(1, size // 20)
        # Organisations whose size does not split into groups of 20–25 leave the
        # newest first-line managers for a later program.
        waiting = size - min(size, 25 * groups)
        enrolled = people[: len(people) - waiting]
        rounds = min(len(ROUND_STARTS), groups)
        late = planning.plan_manager_since(
            enrolled,
            rng=self.rng,
            round_starts=ROUND_STARTS[:rounds],
            late_per_round={number: len(enrolled) // 50 for number in range(2, rounds + 1)},
        )
        for person in people[len(enrolled) :]:
            person.manager_since = dt.date(2017, 6, 1) + dt.timedelta(days=self.rng.randrange(180))
        groups_per_round = split(groups, [1] * rounds)
        members = planning.plan_groups(
            people=enrolled, groups_per_round=groups_per_round, late=late, top_group=False
        )
        return people, members, groups_per_round

    def write_chunk(self, chunk: list[tuple[int, Organisation, int]]) -> None:
        """Plan and insert the organisations of one chunk: (index, organisation, size)."""
        plans = {org.pk: (index, *self.plan(size)) for index, org, size in chunk}

        departments = Department.objects.bulk_create(
            [
                Department(organisation_id=org_pk, name=name)
                for org_pk, (_, people, _, _) in plans.items()
                for name in dict.fromkeys(p.department for p in people)
            ],
            batch_size=BATCH_SIZE,
        )
        department_ids = {(d.organisation_id, d.name): d.pk for d in departments}

        # Managers level by level of the tree, so each one's line manager has an id.
        by_depth: dict[int, list[tuple[int, PersonPlan]]] = defaultdict(list)
        for org_pk, (_, people, _, _) in plans.items():
            for p in people:
                by_depth[p.depth].append((org_pk, p))
        person_ids: dict[tuple[int, str], int] = {}
        for depth in sorted(by_depth):
            rows = by_depth[depth]
            created = Person.objects.bulk_create(
                [
                    Person(
                        organisation_id=org_pk,
                        employee_number=p.employee_number,
                        first_name=p.first_name,
                        last_name=p.last_name,
                        email=f"{p.employee_number.lower()}.{org_pk}@{EMAIL_DOMAIN}",
                        department_id=department_ids[org_pk, p.department],
                        level=p.level,
                        line_manager_id=person_ids[org_pk, p.line_manager]
                        if p.line_manager
                        else None,
                        manager_since=p.manager_since,
                    )
                    for org_pk, p in rows
                ],
                batch_size=BATCH_SIZE,
            )
            person_ids.update(
                ((obj.organisation_id, obj.employee_number), obj.pk) for obj in created
            )

        programs = Program.objects.bulk_create(
            [
                Program(
                    organisation_id=org_pk,
                    name="Sveriges viktigaste chefsjobb",
                    motto="Säkra, initiativrika och klara",
                    starts_on=dt.date(2015, 1, 1),
                    ends_on=dt.date(2017, 12, 31),
                )
                for org_pk in plans
            ]
        )
        program_ids = {p.organisation_id: p.pk for p in programs}
        modules = Module.objects.bulk_create(
            [
                Module(
                    program_id=program_ids[org_pk],
                    order=order,
                    name=spec.name,
                    purpose=spec.purpose,
                    duration_days=spec.days,
                    responsible_consultant=self.consultants_of(index)[order - 1],
                )
                for org_pk, (index, *_) in plans.items()
                for order, spec in enumerate(MODULES, 1)
            ]
        )
        module_ids = {(m.program_id, m.order): m.pk for m in modules}

        places = []  # (organisation, group number, round number, index in the round)
        for org_pk, (*_, per_round) in plans.items():
            for number, count in enumerate(per_round, 1):
                places += [
                    (org_pk, sum(per_round[: number - 1]) + i + 1, number, i) for i in range(count)
                ]
        times = {
            (org_pk, group, order): planning.session_times(
                round_starts_on=ROUND_STARTS[number - 1], index=i, order=order, days=spec.days
            )
            for org_pk, group, number, i in places
            for order, spec in enumerate(MODULES, 1)
        }
        round_ends: dict[tuple[int, int], dt.date] = {}
        for org_pk, group, number, _ in places:
            end = times[org_pk, group, len(MODULES)][1].date()
            round_ends[org_pk, number] = max(end, round_ends.get((org_pk, number), end))
        rounds = Round.objects.bulk_create(
            [
                Round(
                    program_id=program_ids[org_pk],
                    number=number,
                    starts_on=ROUND_STARTS[number - 1],
                    ends_on=ends_on,
                )
                for (org_pk, number), ends_on in round_ends.items()
            ],
            batch_size=BATCH_SIZE,
        )
        program_orgs = {pk: org_pk for org_pk, pk in program_ids.items()}
        round_ids = {(program_orgs[r.program_id], r.number): r.pk for r in rounds}
        groups = Group.objects.bulk_create(
            [
                Group(round_id=round_ids[org_pk, number], number=group)
                for org_pk, group, number, _ in places
            ],
            batch_size=BATCH_SIZE,
        )
        group_ids = {
            (org_pk, group): g.pk for (org_pk, group, _, _), g in zip(places, groups, strict=True)
        }
        leaders = {
            (org_pk, group): self.consultants_of(plans[org_pk][0])[
                2 * (group % 2) : 2 * (group % 2) + 2
            ]
            for org_pk, group, _, _ in places
        }
        Group.process_leaders.through.objects.bulk_create(
            [
                Group.process_leaders.through(group_id=group_ids[key], consultant_id=c.pk)
                for key, pair in leaders.items()
                for c in pair
            ],
            batch_size=BATCH_SIZE,
        )

        enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    person_id=person_ids[org_pk, p.employee_number],
                    group_id=group_ids[org_pk, group],
                    program_id=program_ids[org_pk],
                    status=Enrollment.Status.COMPLETED,
                )
                for org_pk, (_, _, members, _) in plans.items()
                for group, persons in enumerate(members, 1)
                for p in persons
            ],
            batch_size=BATCH_SIZE,
        )
        sessions = Session.objects.bulk_create(
            [
                Session(
                    group_id=group_ids[org_pk, group],
                    module_id=module_ids[program_ids[org_pk], order],
                    starts_at=times[org_pk, group, order][0],
                    ends_at=times[org_pk, group, order][1],
                    venue="Kommunhuset",
                    process_leader=leaders[org_pk, group][(order - 1) % 2],
                )
                for org_pk, group, _, _ in places
                for order in range(1, len(MODULES) + 1)
            ],
            batch_size=BATCH_SIZE,
        )
        sessions_of: dict[int, list[int]] = defaultdict(list)
        for session in sessions:
            sessions_of[session.group_id].append(session.pk)
        draw = self.rng.random
        _copy_or_bulk_create(
            Attendance,
            ("enrollment_id", "session_id", "status"),
            (
                (e.pk, session_id, planning.attendance_status(draw()))
                for e in enrollments
                for session_id in sessions_of[e.group_id]
            ),
        )
