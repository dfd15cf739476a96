"""Bench lines for the program's own work: import, composition, pages at national scale.

Each `prepare(ctx)` runs once, with Django set up on the throwaway PostgreSQL,
and returns what to time (TimedCase) or the headers to send (HttpCase setup).
"""

from __future__ import annotations

import itertools

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


def national_scale_hr_headers(ctx) -> dict[str, str]:
    """Seed 150,000 managers over 310 organisations (once) and log in the largest one's HR."""
    ctx.django()
    from demo.scale import seed_scale
    from participants.models import Membership, Organisation, Role

    if not Organisation.objects.filter(slug="skala-001").exists():
        # Called directly: the bench runs the production settings, without the demo app.
        seed_scale(managers=150_000, organisations=310, replace=False, seed=2015)
        analyze()
    org = Organisation.objects.get(slug="skala-001")
    headers = ctx.logged_in_headers("bench-hr@skala.example", full_name="Bänk HR")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="bench-hr@skala.example")
    Membership.objects.get_or_create(user=user, organisation=org, role=Role.HR)
    return headers


def national_scale_operator_headers(ctx) -> dict[str, str]:
    """Seed the national scale (once) and log in a platform operator (issue 18's console)."""
    national_scale_hr_headers(ctx)
    from django.contrib.auth import get_user_model

    from participants.models import PlatformOperator

    headers = ctx.logged_in_headers("bench-operator@konsult.example", full_name="Bänk Operatör")
    user = get_user_model().objects.get(email="bench-operator@konsult.example")
    PlatformOperator.objects.get_or_create(user=user)
    return headers


def national_scale_program_url() -> str:
    from participants.models import Organisation

    org = Organisation.objects.get(slug="skala-001")
    program = org.programs.order_by("pk").first()
    return f"/o/{org.slug}/program/{program.pk}/"


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


def _evaluation_fixture(ctx):
    """An organisation with one open session and many participants who attended it.

    Returns (answer path, per-participant Cookie headers, CSRF token, POST body).
    """
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session as StoredSession
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
        for n in range(EVALUATION_PARTICIPANTS)
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
    cookies = [f"{settings.SESSION_COOKIE_NAME}={stored.session_key}" for stored in sessions]
    analyze()
    content = selectors.form_content(form=evaluation_form_ensure(module=module))
    fields = [f"version={content.version.pk}"]
    for question in content.questions:
        if question.kind == "scale":
            fields.append(f"q{question.pk}=5")
    path = f"/o/{slug}/utvardering/{session.pk}/"
    return path, cookies, "&".join(fields)


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
