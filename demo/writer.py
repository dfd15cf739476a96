"""Writing the plan: stored rows are brought to the planned values, nothing else."""

import random
from collections import defaultdict

from faker import Faker

from participants.models import (
    Consultant,
    Department,
    Membership,
    Organisation,
    Person,
    Role,
    User,
)
from participants.services import grant_hr_admin
from programs.models import CheckIn, Enrollment, Group, Module, Program, Round, Session
from programs.services import session_save

from .makeups import plan_attendance, sync_attendance
from .plans import (
    PersonPlan,
    plan_groups,
    plan_manager_since,
    plan_people,
    session_times,
    unique_email,
)
from .specs import (
    DEMO_PASSWORD,
    DEMO_ROLE_USERS,
    MODULES,
    PROJECT_LEADER_EMAIL,
    OrganisationSpec,
)
from .sync import SyncWriter


class Writer(SyncWriter):
    """Brings the demo's stored rows to the planned values and counts the rows it wrote."""

    def user(self, *, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            self.written += 1
            return User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
        if user.full_name != full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
            self.written += 1
        return user

    def consultants(self, spec: OrganisationSpec, organisation: Organisation) -> list[Consultant]:
        logins = {
            login.email: self.user(email=login.email, full_name=login.full_name)
            for login in DEMO_ROLE_USERS
            if login.role == Role.PROCESS_LEADER
        }
        stored = self.sync(
            Consultant.objects.filter(email__in=[c.email for c in spec.consultants]),
            key=("email",),
            rows=[
                {
                    "email": c.email,
                    "name": c.name,
                    "firm": c.firm,
                    "user_id": logins[c.email].pk if c.email in logins else None,
                }
                for c in spec.consultants
            ],
        )
        consultants = [stored[(c.email,)] for c in spec.consultants]
        self.sync(
            Consultant.organisations.through.objects.filter(organisation=organisation),
            key=("consultant_id", "organisation_id"),
            rows=[{"consultant_id": c.pk, "organisation_id": organisation.pk} for c in consultants],
        )
        return consultants

    def organisation(self, spec: OrganisationSpec) -> Organisation:
        """Write one organisation's departments, managers, program and check-ins."""
        organisation = self.sync(
            Organisation.objects.filter(slug=spec.slug),
            key=("slug",),
            rows=[{"slug": spec.slug, "name": spec.name}],
        )[(spec.slug,)]
        for login in DEMO_ROLE_USERS:
            if login.organisation == spec.slug:
                user = self.user(email=login.email, full_name=login.full_name)
                _, created = Membership.objects.get_or_create(
                    user=user, organisation=organisation, role=login.role
                )
                self.written += created
                if login.role == Role.HR and not user.is_staff:
                    grant_hr_admin(user=user)
                    self.written += 1
        consultants = self.consultants(spec, organisation)
        plans, late, people = self._people(spec, organisation)
        program = self._program(spec, organisation, consultants)
        members = plan_groups(
            people=plans,
            groups_per_round=spec.groups_per_round,
            late=late,
            top_group=spec.top_group,
        )
        self._groups(spec, program, members, people, consultants)
        self._check_ins(spec, program)
        return organisation

    def _people(self, spec, organisation) -> tuple[list[PersonPlan], dict, dict[str, Person]]:
        """Departments and managers; returns the plans, the late appointees and the rows."""
        tops = self.sync(
            Department.objects.filter(organisation=organisation, parent__isnull=True),
            key=("name",),
            rows=[
                {"organisation_id": organisation.pk, "parent_id": None, "name": d.name}
                for d in spec.departments
            ],
        )
        units = self.sync(
            Department.objects.filter(organisation=organisation, parent__isnull=False),
            key=("parent_id", "name"),
            rows=[
                {"organisation_id": organisation.pk, "parent_id": tops[(d.name,)].pk, "name": u}
                for d in spec.departments
                for u in d.units
            ],
        )
        fake = Faker("sv_SE")
        fake.seed_instance(spec.seed)
        plans = plan_people(
            departments=spec.departments,
            prefix=spec.employee_prefix,
            names=lambda: (fake.first_name(), fake.last_name()),
        )
        late = plan_manager_since(
            plans,
            rng=random.Random(spec.seed),
            round_starts=spec.round_starts,
            late_per_round=spec.late_per_round,
        )
        emails: set[str] = set()
        rows = []
        for plan in plans:
            department = tops[(plan.department,)]
            if plan.unit:
                department = units[(department.pk, plan.unit)]
            rows.append(
                {
                    "organisation_id": organisation.pk,
                    "employee_number": plan.employee_number,
                    "first_name": plan.first_name,
                    "last_name": plan.last_name,
                    "email": unique_email(
                        plan.first_name, plan.last_name, spec.email_domain, emails
                    ),
                    "department_id": department.pk,
                    "level": plan.level,
                    "manager_since": plan.manager_since,
                    "active": True,
                    "user_id": None,
                }
            )
        by_number = {row["employee_number"]: row for row in rows}
        for login in spec.person_logins:
            plan = [p for p in plans if (p.department, p.level) == (login.department, login.level)]
            row = by_number[plan[login.index].employee_number]
            full_name = f"{row['first_name']} {row['last_name']}"
            row["email"] = login.email
            row["user_id"] = self.user(email=login.email, full_name=full_name).pk
        stored = self.sync(
            Person.objects.filter(organisation=organisation), key=("employee_number",), rows=rows
        )
        # Line managers in a second pass: every manager's row now exists.
        self.sync(
            Person.objects.filter(organisation=organisation),
            key=("employee_number",),
            rows=[
                {
                    "employee_number": p.employee_number,
                    "line_manager_id": stored[(p.line_manager,)].pk if p.line_manager else None,
                }
                for p in plans
            ],
        )
        return plans, late, {key[0]: person for key, person in stored.items()}

    def _program(self, spec, organisation, consultants) -> Program:
        starts_on, ends_on = spec.program_dates
        program = self.sync(
            Program.objects.filter(organisation=organisation, name=spec.program_name),
            key=("name",),
            rows=[
                {
                    "organisation_id": organisation.pk,
                    "name": spec.program_name,
                    "purpose": spec.program_purpose,
                    "motto": spec.program_motto,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "min_group_size": 20,
                    "max_group_size": 25,
                }
            ],
        )[(spec.program_name,)]
        self.sync(
            Module.objects.filter(program=program),
            key=("order",),
            rows=[
                {
                    "program_id": program.pk,
                    "order": order,
                    "name": module.name,
                    "purpose": module.purpose,
                    "duration_days": module.days,
                    # One module-responsible consultant per module, after the demo login.
                    "responsible_consultant_id": consultants[order % len(consultants)].pk,
                }
                for order, module in enumerate(MODULES, 1)
            ],
        )
        return program

    def _groups(self, spec, program, members, people, consultants) -> None:
        """Rounds, groups, process leaders, enrollments, sessions and attendance."""
        places = [  # (round number, index in round) of each group, numbered 1.. overall
            (number, index)
            for number, count in enumerate(spec.groups_per_round, 1)
            for index in range(count)
        ]
        modules = {m.order: m for m in Module.objects.filter(program=program)}
        times = {
            (g, order): session_times(
                round_starts_on=spec.round_starts[number - 1],
                index=index,
                order=order,
                days=modules[order].duration_days,
            )
            for g, (number, index) in enumerate(places)
            for order in modules
        }
        rounds = self.sync(
            Round.objects.filter(program=program),
            key=("number",),
            rows=[
                {
                    "program_id": program.pk,
                    "number": number,
                    "starts_on": starts_on,
                    "ends_on": max(
                        times[g, order][1].date()
                        for g, (n, _) in enumerate(places)
                        if n == number
                        for order in modules
                    ),
                }
                for number, starts_on in enumerate(spec.round_starts, 1)
            ],
        )
        groups = self.sync(
            Group.objects.filter(round__program=program),
            key=("round_id", "number"),
            rows=[
                {
                    "round_id": rounds[(number,)].pk,
                    "number": g + 1,
                    "name": "Kommunledningen" if spec.top_group and g == 0 else "",
                }
                for g, (number, _) in enumerate(places)
            ],
        )
        groups = [groups[(rounds[(number,)].pk, g + 1)] for g, (number, _) in enumerate(places)]
        leaders = self._process_leaders(spec, members, consultants, people)
        self.sync(
            Group.process_leaders.through.objects.filter(group__round__program=program),
            key=("group_id", "consultant_id"),
            rows=[
                {"group_id": group.pk, "consultant_id": c.pk}
                for group, pair in zip(groups, leaders, strict=True)
                for c in pair
            ],
            prune=True,
        )
        plan = plan_attendance(
            slug=spec.slug,
            members=members,
            times=times,
            module_orders=sorted(modules),
            max_group_size=program.max_group_size,
        )
        enrollments = self.sync(
            Enrollment.objects.filter(program=program).holding_place(),
            key=("person_id",),
            rows=[
                {
                    "person_id": people[p.employee_number].pk,
                    "group_id": group.pk,
                    "program_id": program.pk,
                    "status": plan.statuses[p.employee_number],
                }
                for group, persons in zip(groups, members, strict=True)
                for p in persons
            ],
        )
        sessions = self._sessions(spec, groups, modules, times, leaders)
        place = {n: enrollments[(people[n].pk,)].pk for n in plan.statuses}
        session_ids = {(g, o): sessions[x.pk, o].pk for g, x in enumerate(groups) for o in modules}
        sync_attendance(self, program=program, plan=plan, place=place, session_ids=session_ids)

    def _process_leaders(self, spec, members, consultants, people) -> list[tuple]:
        """Two process leaders per group; the demo process leader leads deltagare@'s group."""
        n = len(consultants)
        leaders = [
            (consultants[(2 * g) % n], consultants[(2 * g + 1) % n]) for g in range(len(members))
        ]
        for login in spec.person_logins:
            if Role.PARTICIPANT not in login.roles:
                continue
            for g, persons in enumerate(members):
                enrolled = any(people[p.employee_number].email == login.email for p in persons)
                if enrolled and consultants[0] not in leaders[g]:
                    leaders[g] = (consultants[0], leaders[g][0])
        return leaders

    def _sessions(self, spec, groups, modules, times, leaders) -> dict[tuple, Session]:
        """Sessions go through ``session_save``, which enforces the module order."""
        stored = {
            (s.group_id, s.module.order): s
            for s in Session.objects.filter(group__in=groups).select_related("module")
        }
        sessions = {}
        booked: dict[int, list[tuple]] = defaultdict(list)  # consultant id -> (start, end)
        pool = [leader for pair in leaders for leader in pair]
        for g, group in enumerate(groups):
            for order, module in modules.items():
                starts_at, ends_at = times[g, order]
                preferred = [leaders[g][(order - 1) % 2], leaders[g][order % 2]]
                # Nobody leads two sessions at once: the group's other leader, or else the
                # first free consultant of the program, steps in.
                leader = next(
                    c
                    for c in [*preferred, *pool]
                    if all(end <= starts_at or start >= ends_at for start, end in booked[c.pk])
                )
                booked[leader.pk].append((starts_at, ends_at))
                planned = {
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "venue": spec.venues[order - 1],
                    "process_leader": leader,
                }
                session = stored.get((group.pk, order))
                if session is None or any(
                    getattr(session, name) != value for name, value in planned.items()
                ):
                    session = session_save(group=group, module=module, session=session, **planned)
                    self.written += 1
                sessions[group.pk, order] = session
        return sessions

    def _check_ins(self, spec, program) -> None:
        if not spec.check_ins:
            return
        modules = {m.order: m for m in Module.objects.filter(program=program)}
        project_leader = User.objects.get(email=PROJECT_LEADER_EMAIL)
        self.sync(
            CheckIn.objects.filter(program=program),
            key=("held_on",),
            rows=[
                {
                    "program_id": program.pk,
                    "held_on": c.held_on,
                    "module_id": modules[c.module].pk,
                    "project_leader_id": project_leader.pk,
                    "consultant_id": modules[c.module].responsible_consultant_id,
                    "observations": c.observations,
                    "corrections": c.corrections,
                    "follow_up": c.follow_up,
                }
                for c in spec.check_ins
            ],
        )
