"""The peak-load stage's fixture and its reconciliation (the machinery: bench_helpers/peak.py).

The national peak is a reminder to about 30,000 people: roughly 80 requests/s, about
10 of them evaluation submits. The stage runs twice that, 160 requests/s for 60 s,
against the bench's gunicorn:

- evaluation submits, 20/s: each a new participant who GETs the form and POSTs it
  once (40 requests/s), in an organisation of their own with one open session;
- agreement autosaves, 20/s: the htmx POST of the agreement page, by participants of
  the largest national-scale organisation, each draft saved by one connection a few
  times with a growing text, as someone typing;
- logins, 1/s: the login page and the real login form POST (PBKDF2 with Django's
  1,000,000 iterations: about 0.4 s of one CPU per login on these machines);
- page views of every role in the largest organisation (the rest, 98/s): the
  participant's Mitt program and agreement page, HR's group page, program overview,
  program in figures, evaluation results and start page, the line manager's, process
  leader's and steering group's start pages, the steering group's results page and
  the operator's console.

Afterwards ``reconcile`` checks the database: every evaluation POST answered with the
thank-you redirect has exactly one completion, the session holds as many answers
(sealed, or folded) as completions, and the opened envelopes hold the ratings that
were posted (each participant posts a first rating of their own, 1–6, so the
distribution is checked without tying an answer to anyone); every draft holds the
text of its last successful autosave.
"""

from __future__ import annotations

import math
import urllib.parse
from collections import Counter

import bench_cases_program as program_cases
from bench_helpers import peak
from bench_helpers.peak import Action, Request

CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # noqa: S105 - a CSRF token, not a secret
LOGIN_PASSWORD = "bänk-lösenord-2026"  # noqa: S105 - the bench's throwaway logins
THREADS = 32
PARTICIPANTS = 64  # national-scale participants with a login (autosaves, Mitt program)
DRAFTS_PER_THREAD = 8  # drafts each connection types into, in turn
LOGIN_USERS = 16

# (code, label, actions per second). A submit and a login are two requests each.
MIX = (
    ("eval", "evaluation submit (GET + POST)", 20),
    ("autosave", "agreement autosave", 20),
    ("login", "login (page + form POST)", 1),
    ("my_program", "participant: Mitt program", 40),
    ("agreement_page", "participant: agreement page", 10),
    ("hr_group", "HR: group page", 8),
    ("hr_overview", "HR: program overview", 4),
    ("hr_figures", "HR: program in figures", 4),
    ("hr_results", "HR: evaluation results", 4),
    ("hr_start", "HR: start page", 4),
    ("line_manager", "line manager: start page", 10),
    ("process_leader", "process leader: start page", 6),
    ("steering_start", "steering group: start page", 3),
    ("steering_results", "steering group: evaluation results", 3),
    ("console", "operator: console", 2),
)
LABELS = {
    "eval_get": "evaluation form (GET)",
    "eval_post": "evaluation submit (POST)",
    "autosave": "agreement autosave (POST)",
    "login_get": "login page (GET)",
    "login_post": "login (POST)",
    **{code: label for code, label, _ in MIX if code not in ("eval", "autosave", "login")},
}


def _users(prefix: str, count: int, *, password: str = ""):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return user_model.objects.bulk_create(
        user_model(
            email=f"{prefix}{n}@skala.example", full_name=f"Bänk {prefix} {n}", password=password
        )
        for n in range(count)
    )


def _link_people(people, users) -> None:
    from participants.models import Person

    for person, user in zip(people, users, strict=True):
        person.user = user
    Person.objects.bulk_update(people, ["user"])


def _autosave_marker() -> str:
    """How the autosave's answer begins when the draft was saved, in the site's language."""
    import datetime as dt

    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    moment = dt.datetime(2026, 1, 1, 13, 57)
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(
            "programs/agreements/_autosave.html", {"state": "saved", "time": moment}
        )
    return " ".join(text.split("13:57")[0].split())


def prepare_peak(ctx, duration_s: float) -> peak.Plan:
    """Seed the logins of every role and the evaluation session; return the plan."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from participants.models import Consultant, Membership, Person, PlatformOperator, Role
    from programs.agreements.rules import STAGES, agreement_fields, fields_for_stage
    from programs.models import Enrollment

    org = program_cases.largest_organisation(ctx)
    program = program_cases.largest_program()
    run = next(program_cases._counter)
    prefix = f"bench-peak{run}-"

    # Participants of the largest organisation, spread over its groups.
    enrollments = list(
        Enrollment.objects.holding_place()
        .filter(program=program, person__user__isnull=True, person__active=True)
        .select_related("person")
        .order_by("group_id", "pk")
    )
    step = max(1, len(enrollments) // (PARTICIPANTS + LOGIN_USERS))
    chosen = enrollments[::step][: PARTICIPANTS + LOGIN_USERS]
    participants, login_enrollments = chosen[:PARTICIPANTS], chosen[PARTICIPANTS:]
    participant_users = _users(f"{prefix}deltagare", len(participants))
    _link_people([e.person for e in participants], participant_users)
    hashed = make_password(LOGIN_PASSWORD)  # once: every login user shares it
    login_users = _users(f"{prefix}inloggning", len(login_enrollments), password=hashed)
    _link_people([e.person for e in login_enrollments], login_users)

    chosen_ids = {e.person_id for e in chosen}
    line_managers = list(
        Person.objects.filter(organisation=org, active=True, user__isnull=True)
        .filter(direct_reports__active=True)
        .exclude(pk__in=chosen_ids)
        .distinct()
        .order_by("pk")[:10]
    )
    line_manager_users = _users(f"{prefix}chef", len(line_managers))
    _link_people(line_managers, line_manager_users)
    consultants = list(Consultant.objects.filter(organisations=org, user__isnull=True)[:4])
    consultant_users = _users(f"{prefix}processledare", len(consultants))
    for consultant, user in zip(consultants, consultant_users, strict=True):
        consultant.user = user
    Consultant.objects.bulk_update(consultants, ["user"])
    hr_users = _users(f"{prefix}hr", 3)
    steering_users = _users(f"{prefix}styrgrupp", 3)
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=org, role=Role.HR) for u in hr_users]
        + [Membership(user=u, organisation=org, role=Role.STEERING) for u in steering_users]
    )
    operator_users = _users(f"{prefix}operator", 2)
    PlatformOperator.objects.bulk_create([PlatformOperator(user=u) for u in operator_users])

    cookies = {
        "participant": program_cases.session_cookies(participant_users),
        "line_manager": program_cases.session_cookies(line_manager_users),
        "process_leader": program_cases.session_cookies(consultant_users),
        "hr": program_cases.session_cookies(hr_users),
        "steering": program_cases.session_cookies(steering_users),
        "operator": program_cases.session_cookies(operator_users),
    }
    evaluation = program_cases.evaluation_fixture(ctx, participants=math.ceil(20 * duration_s) + 20)
    program_cases.analyze()

    slug = org.slug
    group = program_cases.largest_group()
    urls = {
        "my_program": reverse("svc:participant_start", kwargs={"org": slug}),
        "hr_group": reverse("programs:group_detail", kwargs={"org": slug, "group_id": group.pk}),
        "hr_overview": program_cases.national_scale_program_url(),
        "hr_figures": program_cases.national_scale_dashboard_url(),
        "hr_results": program_cases.national_scale_results_url(),
        "hr_start": reverse("svc:hr_start", kwargs={"org": slug}),
        "line_manager": reverse("svc:line_manager_start", kwargs={"org": slug}),
        "process_leader": reverse("svc:process_leader_start", kwargs={"org": slug}),
        "steering_start": reverse("svc:steering_start", kwargs={"org": slug}),
        "steering_results": program_cases.national_scale_results_url(),
        "console": reverse("console:home"),
    }
    role_of = {
        "my_program": "participant",
        "agreement_page": "participant",
        "hr_group": "hr",
        "hr_overview": "hr",
        "hr_figures": "hr",
        "hr_results": "hr",
        "hr_start": "hr",
        "line_manager": "line_manager",
        "process_leader": "process_leader",
        "steering_start": "steering",
        "steering_results": "steering",
        "console": "operator",
    }
    fields = agreement_fields(program=program)
    stage_keys = {stage: [f.key for f in fields_for_stage(fields, stage)] for stage in STAGES}
    marker = _autosave_marker()
    drafts: dict[str, tuple[int, str, str]] = {}  # key -> (enrollment, stage, first field)
    submitted: dict[str, tuple[int, ...]] = {}  # participant key -> ratings posted
    csrf_cookie = f"csrftoken={CSRF_TOKEN}"

    def edit_path(enrollment_id: int, stage: str, suffix: str = "") -> str:
        kwargs = {"org": slug, "enrollment_id": enrollment_id, "stage": stage}
        name = "programs:agreement_autosave" if suffix else "programs:agreement_edit"
        return reverse(name, kwargs=kwargs)

    def build_eval(n: int, thread: int, j: int) -> list[Request]:
        enrollment_id = evaluation.enrollment_ids[n]
        key = str(enrollment_id)
        rating = 1 + n % 6
        submitted[key] = (rating,) + (5,) * (len(evaluation.scale_question_ids) - 1)
        headers = (("Cookie", f"{evaluation.cookies[n]}; {csrf_cookie}"),)
        form = ("Content-Type", "application/x-www-form-urlencoded")
        post_headers = (*headers, ("X-CSRFToken", CSRF_TOKEN), form)
        return [
            Request("eval_get", "GET", evaluation.path, "200", headers=headers, key=key),
            Request("eval_post", "POST", evaluation.path, "302:/tack/",
                    body=evaluation.body(rating), headers=post_headers, key=key),
        ]  # fmt: skip

    def build_autosave(n: int, thread: int, j: int) -> list[Request]:
        draft = thread + THREADS * (j % DRAFTS_PER_THREAD)  # each draft: one connection
        save = j // DRAFTS_PER_THREAD + 1
        participant = draft // len(STAGES)
        stage = STAGES[draft % len(STAGES)]
        enrollment = participants[participant % len(participants)]
        keys = stage_keys[stage]
        key = f"{enrollment.pk}:{stage}"
        drafts[key] = (enrollment.pk, stage, keys[0])
        text = " ".join(f"Del {i} av utkast {draft}." for i in range(1, save + 1))
        fields = [("csrfmiddlewaretoken", CSRF_TOKEN), (f"texts-{keys[0]}", text)]
        fields += [(f"texts-{k}", "Stöd från min chef varannan vecka.") for k in keys[1:]]
        headers = (
            ("Cookie", f"{cookies['participant'][participant % len(participants)]}; "
                       f"{csrf_cookie}"),
            ("HX-Request", "true"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        )  # fmt: skip
        return [
            Request("autosave", "POST", edit_path(enrollment.pk, stage, "autosave"),
                    f"body:{marker}", body=urllib.parse.urlencode(fields), headers=headers,
                    key=f"{key}#{save}#{text}")
        ]  # fmt: skip

    def build_login(n: int, thread: int, j: int) -> list[Request]:
        user = login_users[n % len(login_users)]
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": CSRF_TOKEN, "username": user.email, "password": LOGIN_PASSWORD}
        )
        headers = (("Cookie", csrf_cookie),)
        return [
            Request("login_get", "GET", reverse("login"), "200", headers=headers),
            Request("login_post", "POST", reverse("login"), "302:!/logga-in/", body=body,
                    headers=(*headers, ("Content-Type", "application/x-www-form-urlencoded"))),
        ]  # fmt: skip

    def build_page(code: str):
        def build(n: int, thread: int, j: int) -> list[Request]:
            pool = cookies[role_of[code]]
            if code == "agreement_page":
                enrollment = participants[n % len(participants)]
                path = edit_path(enrollment.pk, STAGES[0])
                cookie = pool[n % len(participants)]
            else:
                path, cookie = urls[code], pool[n % len(pool)]
            return [Request(code, "GET", path, "200", headers=(("Cookie", cookie),))]

        return build

    builders = {"eval": build_eval, "autosave": build_autosave, "login": build_login}
    actions = [
        Action(label, rate, builders.get(code) or build_page(code)) for code, label, rate in MIX
    ]
    plan = peak.plan(actions, duration_s=duration_s, threads=THREADS)
    plan.data.update(
        labels=LABELS,
        evaluation=evaluation,
        submitted=submitted,
        drafts=drafts,
    )
    return plan


def reconcile(plan: peak.Plan, outcome: peak.Outcome) -> list[peak.Check]:
    """Compare what the server answered with what the database holds."""
    from evaluations import sealing
    from evaluations.models import Completion, RatingCounter, SealedAnswers
    from evaluations.services import folding
    from programs.models import Agreement

    evaluation = plan.data["evaluation"]
    posts = [r for r in plan.requests if r.kind == "eval_post"]
    outcomes = {r.key: outcome.status_of(r) for r in posts}
    completions = Counter(
        str(e)
        for e in Completion.objects.filter(session_id=evaluation.session_id).values_list(
            "enrollment_id", flat=True
        )
    )
    keys = folding.seal_keys()
    context = folding._context(evaluation.session_id)
    stored_ratings: Counter[tuple[int, ...]] = Counter()
    envelopes = 0
    for sealed in SealedAnswers.objects.filter(session_id=evaluation.session_id).values_list(
        "sealed", flat=True
    ):
        envelopes += 1
        payload = sealing.open_json(bytes(sealed), keys=keys, context=context)
        stored_ratings[tuple(int(payload["r"][str(q)]) for q in evaluation.scale_question_ids)] += 1
    first_question = evaluation.scale_question_ids[0]
    folded = sum(
        RatingCounter.objects.filter(
            session_id=evaluation.session_id, question_id=first_question
        ).values_list("count", flat=True)
    )
    submits = peak.compare_submits(
        outcomes=outcomes,
        completions=completions,
        envelopes=envelopes,
        folded=folded,
        posted=plan.data["submitted"],
        stored_ratings=stored_ratings,
    )

    drafts = plan.data["drafts"]
    saves = []
    for order, request in enumerate(r for r in plan.requests if r.kind == "autosave"):
        key, _save, text = request.key.split("#", 2)
        saves.append(peak.Save(key=key, order=order, text=text, outcome=outcome.status_of(request)))
    stored: dict[str, list[str]] = {}
    enrollment_ids = {enrollment for enrollment, _, _ in drafts.values()}
    for enrollment_id, stage, texts in Agreement.objects.filter(
        enrollment_id__in=enrollment_ids
    ).values_list("enrollment_id", "stage", "texts"):
        key = f"{enrollment_id}:{stage}"
        if key in drafts:
            stored.setdefault(key, []).append(texts.get(drafts[key][2], ""))
    autosaves = peak.compare_autosaves(saves=saves, stored=stored)
    return [submits, autosaves]
