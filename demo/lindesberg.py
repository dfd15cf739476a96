"""Lindesbergs kommun: a third organisation, its program started from the built-in SVC template.

The consultancy's operator (``specs.OPERATOR_LOGIN``) started the program from the
template, as the console does (``designs.services.program_from_template``); its
modules, evaluation forms, agreement questions and effect themes are the template's.
Round 1 has one group of 22, led by processledare@ (who also works for Örebro
kommun) and a colleague; its module 1 is on the first Monday at least ten days
from today, the others four weeks apart, so processledare@'s page across
organisations (/mina-uppdrag/) holds sessions of two organisations.

Idempotent like the rest of the demo: the program is started once; the round and
sessions move with the date (a second run the same day writes nothing).
"""

import datetime as dt
import random

from designs.builtin import SVC_KEY
from designs.models import ProgramTemplate
from designs.services import ensure_builtin_templates, program_from_template
from participants.models import Level, Membership, Organisation, User
from programs.models import Enrollment, Group, Module, Program, Round, Session
from programs.services import session_save

from .plans import session_times
from .specs import DEMO_ROLE_USERS, ConsultantSpec, lindesberg_spec
from .writer import Writer

SLUG = "lindesberg"
GROUP_SIZE = 22


def first_day(today: dt.date) -> dt.date:
    """Module 1's day: the first Monday at least ten days after ``today``.

    processledare@'s Örebro sessions (demo.live) lie 2 days before and 7 days after
    today, then every 28 days; these, 10–16 days after and every 28 days, never meet them.
    """
    day = today + dt.timedelta(days=10)
    return day + dt.timedelta(days=-day.weekday() % 7)


def _times(start: dt.date, module: Module) -> tuple[dt.datetime, dt.datetime]:
    return session_times(
        round_starts_on=start, index=0, order=module.order, days=module.duration_days
    )


def release_moving_sessions(*, today: dt.date) -> int:
    """Before the live program moves on a later day: the sessions that will move let go of
    their process leader, so that neither organisation's move meets the other's old times.
    Returns the rows written (none on the day the sessions were planned)."""
    start = first_day(today)
    written = 0
    for session in Session.objects.filter(
        group__round__program__organisation__slug=SLUG, process_leader__isnull=False
    ).select_related("module", "group__round__program"):
        if (session.starts_at, session.ends_at) != _times(start, session.module):
            session_save(
                group=session.group,
                module=session.module,
                session=session,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                venue=session.venue,
                process_leader=None,
            )
            written += 1
    return written


def seed_lindesberg(
    *, writer: Writer, consultants: tuple[ConsultantSpec, ...], operator: User, today: dt.date
) -> Organisation:
    """Write Lindesbergs kommun: departments, 49 managers, the HR login, the program from
    the SVC template (once, by ``operator``), round 1's group, places and sessions."""
    spec = lindesberg_spec(consultants)
    organisation = writer.sync(
        Organisation.objects.filter(slug=spec.slug),
        key=("slug",),
        rows=[{"slug": spec.slug, "name": spec.name}],
    )[(spec.slug,)]
    for login in DEMO_ROLE_USERS:
        if login.organisation == spec.slug:
            user = writer.user(email=login.email, full_name=login.full_name)
            _, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, role=login.role
            )
            writer.written += created
    leaders = writer.consultants(spec, organisation)
    plans, _late, people = writer._people(spec, organisation)
    start = first_day(today)
    program = Program.objects.filter(organisation=organisation, name=spec.program_name).first()
    if program is None:
        ensure_builtin_templates()
        program = program_from_template(
            template=ProgramTemplate.objects.get(builtin_key=SVC_KEY),
            organisation=organisation,
            name=spec.program_name,
            by=operator,
            starts_on=start,
        )
        writer.written += 1 + program.modules.count()
    length = program.ends_on - program.starts_on
    writer.sync(
        Program.objects.filter(pk=program.pk),
        key=("name",),
        rows=[{"name": program.name, "starts_on": start, "ends_on": start + length}],
    )
    modules = {m.order: m for m in Module.objects.filter(program=program)}
    times = {order: _times(start, module) for order, module in modules.items()}
    round_ = writer.sync(
        Round.objects.filter(program=program),
        key=("number",),
        rows=[
            {
                "program_id": program.pk,
                "number": 1,
                "starts_on": start,
                "ends_on": max(end for _, end in times.values()).date(),
            }
        ],
    )[(1,)]
    group = writer.sync(
        Group.objects.filter(round=round_),
        key=("number",),
        rows=[{"round_id": round_.pk, "number": 1, "name": ""}],
    )[(1,)]
    writer.sync(
        Group.process_leaders.through.objects.filter(group=group),
        key=("group_id", "consultant_id"),
        rows=[{"group_id": group.pk, "consultant_id": c.pk} for c in leaders],
        prune=True,
    )
    candidates = [p for p in plans if p.level in (Level.DIVISION_HEAD, Level.FIRST_LINE)]
    members = sorted(
        random.Random(SLUG).sample(candidates, GROUP_SIZE), key=lambda p: p.employee_number
    )
    writer.sync(
        Enrollment.objects.filter(program=program).holding_place(),
        key=("person_id",),
        rows=[
            {
                "person_id": people[p.employee_number].pk,
                "group_id": group.pk,
                "program_id": program.pk,
                "status": Enrollment.Status.PLANNED,
            }
            for p in members
        ],
    )
    stored = {s.module_id: s for s in Session.objects.filter(group=group)}
    planned = []
    for order, module in modules.items():
        starts_at, ends_at = times[order]
        fields = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": spec.venues[order - 1],
            "process_leader": leaders[0],  # processledare@ leads every module
        }
        planned.append((module, fields, stored.get(module.pk)))
    # Moving forward, the later modules move first; moving back, the earlier (module order).
    forward = any(s is not None and f["starts_at"] > s.starts_at for _, f, s in planned)
    planned.sort(key=lambda item: -item[0].order if forward else item[0].order)
    for module, fields, session in planned:
        if session is None or any(getattr(session, k) != v for k, v in fields.items()):
            session_save(group=group, module=module, session=session, **fields)
            writer.written += 1
    return organisation
