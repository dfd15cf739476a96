"""Demo evaluations: answers for the demo program whose mean is 4.8 on the 1–6 scale.

``seed_demo_evaluations(program=...)`` gives every module its default form and
the program its three effect themes, then answers, for each session whose
window has closed, on behalf of most of those who attended: ratings around a
level that differs a little per module and group, some comments and open
answers, and effect entries in the last module. The mean over the whole
program is then brought to 4.8 (± 0.01) by moving single ratings one step.

One development group has only four respondents, and one more session only
three, so the results pages show suppression. Texts are mostly published,
some await review, and a few that would identify someone are hidden.

Deterministic (fixed seeds per round, group and module) and idempotent: a
session that already has completions is left as it is.
"""

import datetime as dt
import random
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from evaluations import rules, selectors, services
from evaluations.models import (
    SCALE_VALUES,
    Completion,
    EffectEntry,
    Question,
    RatingCounter,
    ReviewState,
    TextAnswer,
)
from evaluations.results import program_results
from programs.models import Attendance, Module, Program, Session

TARGET_MEAN = 4.8
TOLERANCE = 0.01
SPREAD = 0.85
# Module 3 (the employer's frameworks) was rated a little lower, as in the check-ins.
MODULE_OFFSET = {1: 0.05, 2: 0.2, 3: -0.3, 4: 0.05}

TAKEAWAYS = (
    "Att jag är en del av en helhet och inte bara chef för min egen enhet.",
    "Verktyget för tydlig återkoppling, som jag redan har provat i min arbetsgrupp.",
    "Navigatorn, för att planera förändringen vi står inför i höst.",
    "Modet att fatta beslut och stå för dem, även när alla inte håller med.",
    "Nätverket med chefer från andra förvaltningar.",
    "Att ställa frågor i stället för att komma med färdiga svar.",
    "En bättre förståelse för hur politiken och förvaltningen hänger ihop.",
    "Att vara tydligare med vad jag förväntar mig av mina medarbetare.",
    "Ramarna för arbetsmiljöansvaret, som var oklara för mig innan.",
    "Reflektionen i smågrupperna, den vill jag fortsätta med på våra möten.",
    "Att involvera medarbetarna tidigare när något ska förändras.",
    "Budgetprocessen känns mindre främmande nu.",
)
IMPROVEMENTS = (
    "Mer tid för egna fall och mindre föreläsning.",
    "Skicka ut materialet tidigare så att man hinner förbereda sig.",
    "Fler exempel från kommunens egna verksamheter.",
    "Längre pauser, dagarna blev intensiva.",
    "Tydligare koppling mellan modulerna.",
    "Inget, det fungerade bra.",
    "Mer om hur man följer upp överenskommelsen med sin chef.",
    "Lokalen var för trång för grupparbetena.",
    "Rollspelen kunde vara kortare.",
    "Mer tid för erfarenhetsutbyte mellan förvaltningarna.",
)
COMMENTS = (
    "Mycket relevant för mitt uppdrag just nu.",
    "Bra, men en del kände jag till sedan tidigare.",
    "Verktygen är lätta att ta med hem.",
    "Jag hade velat ha mer konkreta exempel.",
    "Det bästa hittills i programmet.",
    "Lite för teoretiskt för min verksamhet.",
    "Bra blandning av teori och praktik.",
    "Tiden räckte inte riktigt till.",
)
# Texts that would identify someone: HR hides them.
IDENTIFYING = (
    "Som enda chefen från räddningstjänsten i gruppen kände jag mig ofta utanför.",
    "Min chef på förvaltningskontoret borde ha gått programmet före mig.",
    "Efter konflikten på mitt boende i våras var det här precis vad jag behövde.",
)
EFFECTS = {
    1: (
        "Jag tar kontakt med andra förvaltningar innan vi fattar beslut som berör dem.",
        "Jag ser nu hur mitt ansvar hänger ihop med kommunens uppdrag som helhet.",
        "Vi planerar numera budgeten tillsammans med grannenheten.",
        "Jag förklarar politiska beslut för mina medarbetare i stället för att bara förmedla dem.",
        "Jag har slutat se andra förvaltningar som motparter.",
        "Ledningsgruppen pratar mer om kommunens mål och mindre om den egna enheten.",
    ),
    2: (
        "Jag fattar beslut snabbare och förklarar varför.",
        "Mina medarbetare säger att de vet vad jag förväntar mig.",
        "Jag ger återkoppling varje vecka i stället för bara vid medarbetarsamtalet.",
        "Jag tar svåra samtal tidigare, innan problemen växer.",
        "Jag är säkrare i rollen som arbetsgivarens företrädare.",
        "Våra möten har en tydlig dagordning och avslutas med beslut.",
    ),
    3: (
        "Vi använde Navigatorn när två enheter slogs ihop, och det gick lugnare än väntat.",
        "Jag involverar medarbetarna från början när något ska förändras.",
        "Vi prövar nya arbetssätt i liten skala innan vi inför dem.",
        "Jag har lärt mig att förändring tar tid och planerar för det.",
        "Vi har infört digitala besöksbokningar, och jag ledde arbetet.",
        "Jag lyssnar mer på motstånd och ser det som information.",
    ),
}


def _stable_random(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in parts))


def _published_sessions(program: Program, now) -> list[Session]:
    return list(
        Session.objects.filter(
            group__round__program=program, ends_at__lt=rules.published_before(now=now)
        )
        .select_related("group__round", "module")
        .order_by("group__round__number", "group__number", "module__order")
    )


def _small_units(sessions: list[Session]) -> tuple[int | None, int | None]:
    """The group with only four respondents, and the one session with three."""
    groups = sorted(
        {(s.group.round.number, s.group.number, s.group_id) for s in sessions}, reverse=True
    )
    small_group = groups[0][2] if groups else None
    candidates = [
        s
        for s in sessions
        if s.group_id != small_group and s.group.round.number == 2 and s.module.order == 3
    ]
    return small_group, (candidates[0].pk if candidates else None)


def _review_state(rng: random.Random, *, identifying: bool, shown: bool) -> str:
    if not shown:
        return ReviewState.UNREVIEWED
    if identifying:
        return ReviewState.HIDDEN
    return ReviewState.UNREVIEWED if rng.random() < 0.12 else ReviewState.PUBLIC


def _calibrate(ratings: list[list[int]], fixed_sum: int, fixed_n: int, rng: random.Random) -> None:
    """Move single planned ratings one step until the overall mean is 4.8 ± TOLERANCE."""
    total = fixed_sum + sum(r[2] for r in ratings)
    n = fixed_n + len(ratings)
    if not ratings:
        return
    order = list(range(len(ratings)))
    rng.shuffle(order)
    position = 0
    while abs(total / n - TARGET_MEAN) > TOLERANCE:
        step = 1 if total / n < TARGET_MEAN else -1
        index = order[position % len(order)]
        position += 1
        value = ratings[index][2] + step
        if value in SCALE_VALUES:
            ratings[index][2] = value
            total += step
        if position > 20 * len(order):  # cannot get closer (all at the ends of the scale)
            return


@transaction.atomic
def seed_demo_evaluations(*, program: Program, now: dt.datetime | None = None) -> dict:
    """Fill the demo program's evaluations. Returns the figures seed_demo prints.

    Side effects: default forms and themes; completions, rating counters,
    text answers and effect entries for sessions with a closed window and no
    answers yet.
    """
    now = now or timezone.now()
    modules = list(Module.objects.filter(program=program).order_by("order"))
    forms = {m.pk: services.evaluation_form_ensure(module=m) for m in modules}
    themes = services.effect_themes_ensure(program=program)
    questions = {
        m.pk: list(selectors.current_version(forms[m.pk]).questions.order_by("order"))
        for m in modules
    }
    sessions = _published_sessions(program, now)
    answered = set(
        Completion.objects.filter(session__in=sessions).values_list("session_id", flat=True)
    )
    todo = [s for s in sessions if s.pk not in answered]
    attendees: dict[int, list[int]] = defaultdict(list)
    group_of: dict[int, int] = {}
    for session_id, enrollment_id, group_id in (
        Attendance.objects.filter(session__in=todo, status=Attendance.Status.PRESENT)
        .order_by("enrollment_id")
        .values_list("session_id", "enrollment_id", "enrollment__group_id")
    ):
        attendees[session_id].append(enrollment_id)
        group_of[enrollment_id] = group_id
    small_group, small_session = _small_units(sessions)
    # The same four members answer every module in the small group: four people, not
    # sixteen (make-up guests there, from other groups, do not answer).
    small_four = sorted(
        {
            e
            for s in todo
            if s.group_id == small_group
            for e in attendees[s.pk]
            if group_of[e] == small_group
        }
    )[:4]
    k = rules.min_responses()

    completions, ratings, texts, effects = [], [], [], []
    for session in todo:
        group, module = session.group, session.module
        rng = _stable_random(program.name, group.round.number, group.number, module.order)
        present = attendees[session.pk]
        if session.group_id == small_group:
            respondents = [e for e in present if e in small_four]
        elif session.pk == small_session:
            respondents = rng.sample(present, min(3, len(present)))
        else:
            respondents = rng.sample(present, round(len(present) * rng.uniform(0.78, 0.95)))
        level = (
            TARGET_MEAN
            + MODULE_OFFSET.get(module.order, 0)
            + _stable_random(program.name, group.round.number, group.number).uniform(-0.25, 0.25)
            + 0.04 * (group.round.number - 3)
        )
        shown = len(respondents) >= k
        answered_on = timezone.localdate(session.ends_at)
        session_texts, session_effects = [], []
        for enrollment_id in respondents:
            completions.append(Completion(enrollment_id=enrollment_id, session=session))
            day = answered_on + dt.timedelta(days=rng.randrange(rules.window_days()))
            text_questions = [q for q in questions[module.pk] if q.kind == Question.Kind.TEXT]
            for question in questions[module.pk]:
                if question.kind == Question.Kind.SCALE:
                    value = min(6, max(1, round(rng.gauss(level, SPREAD))))
                    ratings.append([session.pk, question.pk, value])
                    if question.allow_comment and rng.random() < 0.08:
                        session_texts.append((session, question, rng.choice(COMMENTS), day, False))
                elif rng.random() < 0.35:
                    bank = TAKEAWAYS if question == text_questions[0] else IMPROVEMENTS
                    identifying = rng.random() < 0.02
                    text = rng.choice(IDENTIFYING if identifying else bank)
                    session_texts.append((session, question, text, day, identifying))
            if forms[module.pk].collects_effects and rng.random() < 0.85:
                for _ in range(rng.choice((1, 1, 2))):
                    theme_index = rng.randrange(len(themes))
                    bank = EFFECTS.get(theme_index + 1, EFFECTS[1])
                    session_effects.append((session, themes[theme_index], rng.choice(bank), day))
        texts += [(*text, shown) for text in session_texts]
        effects += [(*effect, shown) for effect in session_effects]

    existing = RatingCounter.objects.filter(
        session__group__round__program=program, question__kind=Question.Kind.SCALE
    ).values_list("value", "count")
    fixed_sum = sum(value * count for value, count in existing)
    fixed_n = sum(count for _, count in existing)
    _calibrate(ratings, fixed_sum, fixed_n, _stable_random(program.name, "calibrate"))

    counts = Counter((session_id, question_id, value) for session_id, question_id, value in ratings)
    counted_sessions = {(session_id, question_id) for session_id, question_id, _ in ratings}
    Completion.objects.bulk_create(completions, batch_size=1000)
    RatingCounter.objects.bulk_create(
        [
            RatingCounter(
                session_id=session_id,
                question_id=question_id,
                value=value,
                count=counts[session_id, question_id, value],
            )
            for session_id, question_id in sorted(counted_sessions)
            for value in SCALE_VALUES
        ],
        batch_size=1000,
    )
    review_rng = _stable_random(program.name, "review")
    TextAnswer.objects.bulk_create(
        [
            TextAnswer(
                session=session,
                question=question,
                text=text,
                submitted_on=day,
                review=_review_state(review_rng, identifying=identifying, shown=shown),
            )
            for session, question, text, day, identifying, shown in texts
        ],
        batch_size=1000,
    )
    EffectEntry.objects.bulk_create(
        [
            EffectEntry(
                session=session,
                theme=theme,
                text=text,
                submitted_on=day,
                review=_review_state(review_rng, identifying=False, shown=shown),
            )
            for session, theme, text, day, shown in effects
        ],
        batch_size=1000,
    )
    return demo_evaluation_figures(
        program=program,
        now=now,
        rows_written=len(completions)
        + len(counted_sessions) * len(SCALE_VALUES)
        + len(texts)
        + len(effects),
    )


def demo_evaluation_figures(*, program: Program, now=None, rows_written: int = 0) -> dict:
    """The figures seed_demo prints: the program mean as on the results page, and counts."""
    results = program_results(program=program, now=now)
    mean = results.total.mean
    rate = results.total.response_rate
    return {
        "evaluation_mean": f"{mean:.1f}" if mean is not None else "–",
        "evaluation_answers": results.total.answers,
        "evaluation_response_rate": f"{rate:.1f} %" if rate is not None else "–",
        "effect_entries": EffectEntry.objects.filter(
            session__group__round__program=program
        ).count(),
        "effect_entries_per_theme": dict(
            EffectEntry.objects.filter(session__group__round__program=program)
            .values_list("theme__name")
            .annotate(n=Count("pk"))
            .order_by("theme__order")
        ),
        "evaluation_rows_written": rows_written,
    }
