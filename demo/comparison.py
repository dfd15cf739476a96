"""Synthetic organisations that take part in the comparison between organisations.

The comparison (``reports.comparison``) shows only when at least five organisations
contribute. Four small synthetic municipalities (``specs.COMPARISON_ORGANISATIONS``),
each with 20 managers in one group, took the SVC program from the built-in template
in 2025: four sessions long past, everyone's attendance, completions from most of
them and rating counters on every scale question. They and Örebro kommun take part
(``reports.ComparisonOptIn``), so Örebro's HR and steering group see the comparison.

Written in bulk (``SyncWriter.sync``); a second run writes nothing.
"""

import datetime as dt
import random

from designs.builtin import SVC_KEY
from designs.models import ProgramTemplate
from designs.services import ensure_builtin_templates, program_from_template
from evaluations.models import SCALE_MAX, SCALE_MIN, Completion, Question, RatingCounter
from participants.models import Organisation, User
from programs.models import Attendance, Enrollment, Group, Module, Program, Round, Session
from programs.services import session_save
from reports.comparison.services import comparison_join
from reports.models import ComparisonOptIn

from .plans import attendance_status, session_times
from .specs import COMPARISON_DEPARTMENTS, COMPARISON_ORGANISATIONS, OrganisationSpec
from .writer import Writer

PROGRAM_NAME = "Sveriges viktigaste chefsjobb 2025"
PROGRAM_STARTS = dt.date(2025, 1, 6)
ROUND_STARTS = dt.date(2025, 2, 3)  # a Monday; the modules follow four weeks apart
OPTED_IN_AT = dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC)
MODULE_OFFSET = {1: 0.1, 2: 0.2, 3: -0.3, 4: 0.0}  # module 3 a little lower, as in Örebro


def _spec(slug: str, name: str, seed: int) -> OrganisationSpec:
    return OrganisationSpec(
        slug=slug,
        name=name,
        seed=seed,
        employee_prefix="J",
        email_domain=f"{slug}.example",
        departments=COMPARISON_DEPARTMENTS,
        program_name=PROGRAM_NAME,
        program_purpose="",
        program_motto="",
        program_dates=(PROGRAM_STARTS, PROGRAM_STARTS),
        round_starts=(ROUND_STARTS,),
        groups_per_round=(1,),
        consultants=(),
        venues=(),
    )


def seed_comparison(*, writer: Writer, operator: User, orebro: Organisation) -> list[Organisation]:
    """The synthetic organisations with their results, and who takes part (them and
    Örebro kommun, opted in by its HR coordinator)."""
    organisations = writer.sync(
        Organisation.objects.filter(slug__in=[c.slug for c in COMPARISON_ORGANISATIONS]),
        key=("slug",),
        rows=[{"slug": c.slug, "name": c.name} for c in COMPARISON_ORGANISATIONS],
    )
    people = {}
    for seed, c in enumerate(COMPARISON_ORGANISATIONS, start=900):
        organisation = organisations[(c.slug,)]
        _plans, _late, stored = writer._people(_spec(c.slug, c.name, seed), organisation)
        people[c.slug] = sorted(stored.values(), key=lambda p: p.employee_number)
    orgs = [organisations[(c.slug,)] for c in COMPARISON_ORGANISATIONS]
    programs = {
        p.organisation_id: p
        for p in Program.objects.filter(organisation__in=orgs, name=PROGRAM_NAME)
    }
    template = None
    for organisation in orgs:
        if organisation.pk not in programs:
            if template is None:
                ensure_builtin_templates()
                template = ProgramTemplate.objects.get(builtin_key=SVC_KEY)
            programs[organisation.pk] = program_from_template(
                template=template,
                organisation=organisation,
                name=PROGRAM_NAME,
                by=operator,
                starts_on=PROGRAM_STARTS,
            )
            writer.written += 5  # the program and its four modules
    modules = {}
    for module in Module.objects.filter(program__in=programs.values()):
        modules[module.program_id, module.order] = module
    times = {
        key: session_times(
            round_starts_on=ROUND_STARTS, index=0, order=m.order, days=m.duration_days
        )
        for key, m in modules.items()
    }
    rounds = writer.sync(
        Round.objects.filter(program__in=programs.values()),
        key=("program_id", "number"),
        rows=[
            {
                "program_id": p.pk,
                "number": 1,
                "starts_on": ROUND_STARTS,
                "ends_on": max(end for (pid, _), (_, end) in times.items() if pid == p.pk).date(),
            }
            for p in programs.values()
        ],
    )
    groups = writer.sync(
        Group.objects.filter(round__program__in=programs.values()),
        key=("round_id", "number"),
        rows=[{"round_id": r.pk, "number": 1, "name": ""} for r in rounds.values()],
    )
    group_of = {p.pk: groups[(rounds[(p.pk, 1)].pk, 1)] for p in programs.values()}
    enrollments = writer.sync(
        Enrollment.objects.filter(program__in=programs.values()),
        key=("person_id",),
        rows=[
            {
                "person_id": person.pk,
                "group_id": group_of[programs[o.pk].pk].pk,
                "program_id": programs[o.pk].pk,
                "status": Enrollment.Status.COMPLETED,
            }
            for o, c in zip(orgs, COMPARISON_ORGANISATIONS, strict=True)
            for person in people[c.slug]
        ],
    )
    stored = {
        (s.group_id, s.module_id): s
        for s in Session.objects.filter(group__in=group_of.values()).select_related("module")
    }
    sessions = {}
    for (program_id, order), module in sorted(modules.items(), key=lambda i: (i[0][0], i[0][1])):
        group = group_of[program_id]
        starts_at, ends_at = times[program_id, order]
        session = stored.get((group.pk, module.pk))
        if session is None or (session.starts_at, session.ends_at) != (starts_at, ends_at):
            session = session_save(
                group=group, module=module, session=session, starts_at=starts_at, ends_at=ends_at
            )
            writer.written += 1
        sessions[program_id, order] = session
    scale = {}  # module id -> its form's newest version's scale questions
    for question in Question.objects.filter(
        version__form__module__program__in=programs.values(), kind=Question.Kind.SCALE
    ).select_related("version__form"):
        newest = scale.setdefault(question.version.form.module_id, {})
        newest.setdefault(question.version.number, []).append(question)
    attendance, completions, counters = [], [], []
    for o, c in zip(orgs, COMPARISON_ORGANISATIONS, strict=True):
        program = programs[o.pk]
        for order in range(1, 5):
            session = sessions[program.pk, order]
            versions = scale.get(modules[program.pk, order].pk, {})
            questions = versions[max(versions)] if versions else []
            counts: dict[tuple[int, int], int] = {}
            for person in people[c.slug]:
                rng = random.Random(f"{c.slug}:{person.employee_number}:{order}")
                status = attendance_status(rng.random())
                enrollment = enrollments[(person.pk,)]
                attendance.append(
                    {"enrollment_id": enrollment.pk, "session_id": session.pk, "status": status}
                )
                if status != Attendance.Status.PRESENT or rng.random() >= c.response:
                    continue
                completions.append({"enrollment_id": enrollment.pk, "session_id": session.pk})
                for question in questions:
                    value = round(rng.gauss(c.level + MODULE_OFFSET[order], 0.8))
                    value = min(SCALE_MAX, max(SCALE_MIN, value))
                    counts[question.pk, value] = counts.get((question.pk, value), 0) + 1
            counters += [
                {"session_id": session.pk, "question_id": q, "value": v, "count": n}
                for (q, v), n in sorted(counts.items())
            ]
    in_programs = {"session__group__round__program__in": list(programs.values())}
    writer.sync(
        Attendance.objects.filter(**in_programs),
        key=("enrollment_id", "session_id"),
        rows=attendance,
    )
    writer.sync(
        Completion.objects.filter(**in_programs),
        key=("enrollment_id", "session_id"),
        rows=completions,
    )
    writer.sync(
        RatingCounter.objects.filter(**in_programs),
        key=("session_id", "question_id", "value"),
        rows=counters,
    )
    writer.sync(
        ComparisonOptIn.objects.filter(organisation__in=orgs),
        key=("organisation_id",),
        rows=[
            {"organisation_id": o.pk, "opted_in_at": OPTED_IN_AT, "opted_in_by_id": None}
            for o in orgs
        ],
    )
    hr = User.objects.get(email="hr@orebro.example")
    _opt_in, created = comparison_join(organisation=orebro, by=hr)
    writer.written += created
    return orgs
