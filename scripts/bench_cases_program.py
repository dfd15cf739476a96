"""Bench lines for the program's own work: import, composition, pages at national scale.

Each `prepare(ctx)` runs once, with Django set up on the throwaway PostgreSQL,
and returns what to time (TimedCase) or the headers to send (HttpCase setup).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

IMPORT_ROWS = 10_000
_counter = itertools.count(1)


def import_csv(rows: int = IMPORT_ROWS) -> bytes:
    """A Windows-1252 `;` CSV like a Swedish HR export, with a tree of line managers."""
    lines = [
        "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Enhet;Chefsnivå;"
        "Närmaste chef (anst.nr);Chef sedan"
    ]
    levels = ["Kommunledning", "Förvaltningschef", "Avdelningschef", "Enhetschef"]
    for n in range(1, rows + 1):
        manager = "" if n == 1 else str(10_000 + (n // 8 or 1))
        level = levels[min(3, len(str(n)) - 1)]
        lines.append(
            f"{10_000 + n};Åsa{n};Öberg{n};chef{n}@kommun.se;Förvaltning {n % 12};"
            f"Enhet {n % 40};{level};{manager};2015-03-01"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def prepare_import(ctx):
    """Time one full import (validation + write) of 10,000 new managers into a new organisation."""
    from participants.imports import import_apply
    from participants.models import Organisation

    data = import_csv()

    def run():
        org = Organisation.objects.create(
            name="Bänkkommun", slug=f"bench-import-{next(_counter)}-{id(data) % 9999}"
        )
        preview = import_apply(organisation=org, data=data, filename="bench.csv")
        assert len(preview.created) == IMPORT_ROWS, preview.errors[:3]

    return run


def prepare_compose(ctx):
    from demo.candidates import sample_candidates
    from programs.composition import compose

    def bench_compose_2000():
        """Compose 2,000 managers from 10 departments."""
        return compose(sample_candidates(2000, departments=10), min_size=20, max_size=25)

    return bench_compose_2000


# --- National scale: seed_scale's 150,000 managers in 310 organisations -------------------

NATIONAL_MANAGERS = 150_000
NATIONAL_ORGANISATIONS = 310


def scale_size() -> tuple[int, int]:
    """(managers, organisations) that ``seed_scale`` writes: 150,000 over 310.

    FOR DEVELOPMENT ONLY: the environment variables BENCH_SCALE_MANAGERS and
    BENCH_SCALE_ORGANISATIONS make it smaller, so that a line can be tried in
    seconds. The bench then says so above its table (``development_scale``):
    such figures are not the national scale's. ``make bench`` never sets them.
    """
    managers = int(os.environ.get("BENCH_SCALE_MANAGERS") or NATIONAL_MANAGERS)
    organisations = int(os.environ.get("BENCH_SCALE_ORGANISATIONS") or NATIONAL_ORGANISATIONS)
    return managers, organisations


def development_scale() -> str | None:
    """A warning for the output when the scale is not the national one, else None."""
    managers, organisations = scale_size()
    if (managers, organisations) == (NATIONAL_MANAGERS, NATIONAL_ORGANISATIONS):
        return None
    return (
        f"DEVELOPMENT SCALE (BENCH_SCALE_MANAGERS/BENCH_SCALE_ORGANISATIONS): {managers:,} "
        f"managers in {organisations} organisations, not the national scale; the "
        "national-scale lines are not comparable with their targets."
    )


_national: dict = {}


def largest_organisation(ctx=None):
    """Seed the national scale (once) and return its largest organisation, with results.

    The largest by managers (with seed 2015 that is skala-145, 9,096 of the 150,000),
    not the first: every national-scale line loads the heaviest organisation. Its
    program gets evaluation results (the demo's ``seed_demo_evaluations``: most of
    those present answer every closed session), so the results page, the dashboard and
    the overview have figures to show. Then the planner's statistics are refreshed.
    """
    if "org" in _national:
        return _national["org"]
    if ctx is not None:
        ctx.django()
    from django.db.models import Count

    from demo.evaluations import seed_demo_evaluations
    from demo.scale import seed_scale
    from demo.scale_writer import SLUG_PREFIX
    from evaluations.models import Completion
    from participants.models import Organisation

    scale = Organisation.objects.filter(slug__startswith=SLUG_PREFIX)
    seeded = False
    if not scale.exists():
        managers, organisations = scale_size()
        # Called directly: the bench runs the production settings, without the demo app.
        seed_scale(managers=managers, organisations=organisations, replace=False, seed=2015)
        seeded = True
    org = scale.annotate(size=Count("people")).order_by("-size", "slug").first()
    program = org.programs.order_by("-starts_on", "pk").first()
    if not Completion.objects.filter(session__group__round__program=program).exists():
        seed_demo_evaluations(program=program)
        seeded = True
    if seeded:
        analyze()
    _national.update(org=org, program=program)
    return org


def largest_program(ctx=None):
    largest_organisation(ctx)
    return _national["program"]


def largest_group():
    """The group with the most members in the largest organisation's program."""
    from django.db.models import Count

    from programs.models import Group

    if "group" not in _national:
        _national["group"] = (
            Group.objects.filter(round__program=largest_program())
            .annotate(size=Count("enrollments"))
            .order_by("-size", "pk")
            .first()
        )
    return _national["group"]


def national_scale_hr_headers(ctx) -> dict[str, str]:
    """Seed the national scale (once) and log in the largest organisation's HR."""
    from django.contrib.auth import get_user_model

    from participants.models import Membership, Role

    org = largest_organisation(ctx)
    headers = ctx.logged_in_headers("bench-hr@skala.example", full_name="Bänk HR")
    user = get_user_model().objects.get(email="bench-hr@skala.example")
    Membership.objects.get_or_create(user=user, organisation=org, role=Role.HR)
    return headers


def national_scale_operator_headers(ctx) -> dict[str, str]:
    """Seed the national scale (once) and log in a platform operator (issue 18's console)."""
    largest_organisation(ctx)
    from django.contrib.auth import get_user_model

    from participants.models import PlatformOperator

    headers = ctx.logged_in_headers("bench-operator@konsult.example", full_name="Bänk Operatör")
    user = get_user_model().objects.get(email="bench-operator@konsult.example")
    PlatformOperator.objects.get_or_create(user=user)
    return headers


def national_scale_participant_headers(ctx) -> dict[str, str]:
    """Log in one participant of the largest group at national scale (a login of their own)."""
    from django.contrib.auth import get_user_model

    largest_organisation(ctx)
    enrollment = largest_group().enrollments.select_related("person").order_by("pk").first()
    person = enrollment.person
    user, _ = get_user_model().objects.get_or_create(
        email="bench-deltagare@skala.example", defaults={"full_name": person.full_name}
    )
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    return ctx.logged_in_headers(user.email)


def national_scale_program_url() -> str:
    org, program = largest_organisation(), largest_program()
    return f"/o/{org.slug}/program/{program.pk}/"


def national_scale_dashboard_url() -> str:
    from django.urls import reverse

    kwargs = {"org": largest_organisation().slug, "program_id": largest_program().pk}
    return reverse("reports:dashboard", kwargs=kwargs)


def national_scale_group_url() -> str:
    from django.urls import reverse

    kwargs = {"org": largest_organisation().slug, "group_id": largest_group().pk}
    return reverse("programs:group_detail", kwargs=kwargs)


def national_scale_results_url() -> str:
    from django.urls import reverse

    kwargs = {"org": largest_organisation().slug, "program_id": largest_program().pk}
    return reverse("evaluations:results", kwargs=kwargs)


def national_scale_my_program_url() -> str:
    from django.urls import reverse

    return reverse("svc:participant_start", kwargs={"org": largest_organisation().slug})


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would soon after.

    Without it PostgreSQL plans against empty-table estimates and, for example,
    scans every enrollment of a 1,200-person group for each request.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Issue 6: a full evaluation submit (GET the form, POST the answers) ----------------------

# Enough that the warm-up and the measured run never reuse a participant (each run
# starts after the last one the previous run may have reached; see the Lua script).
EVALUATION_PARTICIPANTS = 8000


def session_cookies(users) -> list[str]:
    """A logged-in session for each user, written straight into the session table.

    Much faster than a login per user; the session holds what ``auth.login`` writes
    for the model backend (a session without a sign-in record counts as a password
    session, see ``participants.signin``).
    """
    import datetime as dt

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as StoredSession
    from django.utils import timezone

    sessions = []
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    for user in users:
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        key = SessionStore()._get_new_session_key()
        sessions.append(
            StoredSession(session_key=key, session_data=SessionStore().encode(data),
                          expire_date=expires)
        )  # fmt: skip
    StoredSession.objects.bulk_create(sessions)
    return [f"{settings.SESSION_COOKIE_NAME}={stored.session_key}" for stored in sessions]


@dataclass
class EvaluationFixture:
    """One open session with many participants who attended it, each logged in."""

    slug: str
    session_id: int
    path: str
    enrollment_ids: list[int]
    cookies: list[str]
    version_id: int
    scale_question_ids: list[int]

    def body(self, first_rating: int = 5) -> str:
        """The POST of a full answer: the first scale question ``first_rating``, others 5."""
        fields = [f"version={self.version_id}"]
        for n, question_id in enumerate(self.scale_question_ids):
            fields.append(f"q{question_id}={first_rating if n == 0 else 5}")
        return "&".join(fields)


def evaluation_fixture(ctx, participants: int = EVALUATION_PARTICIPANTS) -> EvaluationFixture:
    """A new organisation with one open session and ``participants`` who attended it."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from evaluations import selectors
    from evaluations.services import evaluation_form_ensure
    from participants.models import Department, Organisation, Person
    from programs.models import Attendance, Enrollment, Group, Module, Program, Round, Session

    ctx.django()
    slug = f"bench-eval-{next(_counter)}"
    org = Organisation.objects.create(name="Bänkkommun utvärdering", slug=slug)
    program = Program.objects.create(
        organisation=org, name="SVC", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31)
    )
    module = Module.objects.create(program=program, order=1, name="Del av en helhet",
                                   duration_days=1.5)  # fmt: skip
    round_ = Round.objects.create(program=program, number=1, starts_on=program.starts_on,
                                  ends_on=program.ends_on)  # fmt: skip
    group = Group.objects.create(round=round_, number=1)
    ended = timezone.now() - dt.timedelta(days=1)
    session = Session.objects.create(
        group=group, module=module, starts_at=ended - dt.timedelta(hours=8), ends_at=ended
    )
    department = Department.objects.create(organisation=org, name="Förvaltning")
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(email=f"deltagare{n}@{slug}.example", full_name=f"Deltagare {n}")
        for n in range(participants)
    )
    people = Person.objects.bulk_create(
        Person(organisation=org, employee_number=str(n), first_name="D", last_name=str(n),
               department=department, user=user)
        for n, user in enumerate(users)
    )  # fmt: skip
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(person=p, group=group, program=program, status="active") for p in people
    )
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, session=session, status="present") for e in enrollments
    )
    cookies = session_cookies(users)
    analyze()
    content = selectors.form_content(form=evaluation_form_ensure(module=module))
    return EvaluationFixture(
        slug=slug,
        session_id=session.pk,
        path=f"/o/{slug}/utvardering/{session.pk}/",
        enrollment_ids=[e.pk for e in enrollments],
        cookies=cookies,
        version_id=content.version.pk,
        scale_question_ids=[q.pk for q in content.questions if q.kind == "scale"],
    )


def _evaluation_fixture(ctx):
    """(answer path, per-participant Cookie headers, POST body) for the submit line."""
    fixture = evaluation_fixture(ctx)
    return fixture.path, fixture.cookies, fixture.body()


def evaluation_submit_lua(ctx) -> str:
    """wrk script: every request pair is a new participant who GETs the form and POSTs once.

    Threads interleave (thread t's k-th pair is participant offset + k * threads + t). A run's
    ``done`` moves the offset past every participant it can have reached, in a file
    beside the script, so the measured run after the warm-up starts with fresh ones:
    a repeat submit is much cheaper and would flatter the figure.
    """
    path, cookies, body = _evaluation_fixture(ctx)
    token = "benchcsrftoken0123456789abcdefgh"  # noqa: S105 - a CSRF token, not a secret
    quoted = ",\n".join(f'"{c}; csrftoken={token}"' for c in cookies)
    offset_file = ctx.logdir / f"evaluation-offset-{next(_counter)}"
    threads, connections = ctx.load.threads, ctx.load.connections
    return f"""
local cookies = {{
{quoted}
}}
local offset_file = "{offset_file}"
local threads = {threads}
local connections = {connections}
local function read_offset()
  local f = io.open(offset_file, "r")
  if not f then return 0 end
  local n = tonumber(f:read("*a")) or 0
  f:close()
  return n
end
local offset = read_offset()
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  thread:set("offset", offset)
  counter = counter + 1
end
function done(summary, latency, requests)
  local f = io.open(offset_file, "w")
  -- past every pair sent, completed or still in flight when the run stopped
  local reached = math.ceil(threads * (summary.requests + connections) / 2) + threads
  f:write(tostring(offset + reached))
  f:close()
end
local i = 0
function request()
  local pair = math.floor(i / 2)
  local user = ((offset or 0) + threads * pair + (tid or 0)) % #cookies + 1
  local headers = {{}}
  headers["Cookie"] = cookies[user]
  headers["X-CSRFToken"] = "{token}"
  headers["Referer"] = "http://127.0.0.1{path}"
  i = i + 1
  if i % 2 == 1 then
    return wrk.format("GET", "{path}", headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", "{path}", headers, "{body}")
end
"""
