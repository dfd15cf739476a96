"""Demo agreements for the demo program (called from ``demo.seed_demo``)."""

import copy
import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from participants.models import Person
from programs.agreements.rules import (
    DEFAULT_FIELDS,
    DUE_BEFORE_MODULE,
    PARTS_OF_STAGE,
    STAGES,
    Stage,
    Status,
)
from programs.agreements.services import save_with_history
from programs.models import Agreement, Enrollment, Program, Session

# --- Demo data -----------------------------------------------------------------------------------

_DEMO_TEXTS = {
    "tried": [
        "Jag har prövat att börja varje arbetsplatsträff med en fråga om vad vi lärt oss sedan "
        "sist. Medarbetarna tog till sig det snabbare än jag trodde.",
        "Jag använde modellen för tydlig återkoppling i två svåra samtal. Det ena gick bra, det "
        "andra behöver jag följa upp.",
        "Vi har involverat hela arbetsgruppen i att prioritera om verksamhetsplanen. Det tog tid "
        "men gav en gemensam bild.",
        "Jag har delegerat schemaläggningen till två samordnare och stämmer av varannan vecka.",
    ],
    "develop": [
        "Att vara tydligare med vad jag förväntar mig av mina enhetschefer och följa upp det.",
        "Att se min verksamhet som en del av hela kommunen och samarbeta mer över gränserna.",
        "Att leda förändring så att medarbetarna är med från början och inte bara informeras.",
        "Att fatta beslut snabbare och stå för dem, också när de är obekväma.",
        "Min roll som arbetsgivarföreträdare i samverkan med de fackliga organisationerna.",
    ],
    "try_apply_involve": [
        "Pröva att leda arbetsplatsträffarna med en tydlig struktur och involvera medarbetarna i "
        "att ta fram dagordningen.",
        "Tillämpa återkopplingsmodellen i medarbetarsamtalen och be om återkoppling på mitt eget "
        "ledarskap.",
        "Involvera skyddsombudet och två medarbetare i arbetet med den organisatoriska och "
        "sociala arbetsmiljön.",
        "Pröva Navigatorn på förändringen av verksamhetens öppettider.",
    ],
    "support": [
        "Att vi stämmer av en gång i månaden och att du frågar hur det går med det jag prövar.",
        "Stöd i hur jag prioriterar när uppdragen krockar, och ärlig återkoppling.",
        "Att du står bakom mig när förändringen möter motstånd.",
        "Tid i ledningsgruppen för att dela erfarenheter med andra chefer.",
    ],
    "continue_with": [
        "Att leda genom engagemang: tydliga mål, regelbunden återkoppling och delaktighet.",
        "Att använda Navigatorn i varje större förändring och involvera medarbetarna tidigt.",
        "Att ta ansvar för helheten och samarbeta med andra förvaltningar.",
    ],
    "manager_follow_up": [
        "Vi följer upp färdplanen i medarbetarsamtalet och stämmer av en gång i kvartalet.",
        "Min chef tar upp färdplanen på våra månadsmöten.",
        "Vi går igenom färdplanen tillsammans i ledningsgruppen i januari.",
    ],
    "when": ["Vid nästa medarbetarsamtal", "I januari och juni", "En gång i kvartalet"],
}
_DEMO_COMMENTS = [
    "Bra början. Kan du bli mer konkret om vad du ska pröva och med vilka medarbetare?",
    "Jag saknar hur du ska involvera dina medarbetare. Skriv gärna ett exempel.",
    "Vi behöver prata om vilket stöd du behöver. Kan vi ses innan du skriver klart?",
]
DEMO_PARTICIPANT_EMAIL = "deltagare@orebro.example"


def _demo_state(rng: random.Random, stage: str) -> str | None:
    draw = rng.random()
    if stage == Stage.ROADMAP:
        bands = ((0.07, None), (0.15, "draft"), (0.21, "returned"), (0.33, "submitted"))
    else:
        # Modules long past: a few were never agreed, none still waits for a manager.
        bands = ((0.03, None), (0.05, "draft"), (0.06, "returned"))
    return next((state for limit, state in bands if draw < limit), Status.AGREED)


def _demo_texts(rng: random.Random, stage: str) -> dict:
    keys = [q.key for q in DEFAULT_FIELDS if q.part in PARTS_OF_STAGE[stage]]
    return {key: rng.choice(_DEMO_TEXTS[key]) for key in keys}


def _demo_timeline(rng, stage, sessions: dict[int, Session]) -> tuple[dt.datetime, dt.datetime]:
    """When a demo agreement was submitted and decided: before its module, or after the last."""
    order = DUE_BEFORE_MODULE.get(stage)
    if order is not None and order in sessions:
        submitted = sessions[order].starts_at - dt.timedelta(days=rng.randint(9, 20), hours=3)
    elif sessions:
        submitted = max(s.ends_at for s in sessions.values()) + dt.timedelta(
            days=rng.randint(7, 25)
        )
    else:
        submitted = timezone.now() - dt.timedelta(days=30)
    return submitted, submitted + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 8))


def _demo_versions(
    agreement: Agreement, *, submitted, decided, returned_first: bool, comment: str, reviewer_user
) -> list[Agreement]:
    """The history of one demo agreement: drafted, submitted, perhaps sent back, decided."""
    user = agreement.enrollment.person.user
    final = agreement.status
    undecided = {"agreed_at": None, "agreed_by": None}

    def version(when, reason, by, **changes):
        item = copy.copy(agreement)
        for name, value in changes.items():
            setattr(item, name, value)
        item.updated_at = when
        item._history_date, item._change_reason, item._history_user = when, reason, by
        return item

    draft = version(
        submitted - dt.timedelta(days=2),
        "draft",
        user,
        status=Status.DRAFT,
        submitted_at=None,
        return_comment="",
        **undecided,
    )
    if final == Status.DRAFT:
        return [draft]
    versions = [draft]
    if returned_first:
        versions += [
            version(submitted, "submitted", user, status=Status.SUBMITTED, return_comment="",
                    **undecided),
            version(submitted + dt.timedelta(days=1), "returned", reviewer_user,
                    status=Status.RETURNED, return_comment=comment, **undecided),
        ]  # fmt: skip
        if final == Status.RETURNED:
            return versions
        submitted = submitted + dt.timedelta(days=3)
    versions.append(
        version(submitted, "submitted", user, status=Status.SUBMITTED, submitted_at=submitted,
                **undecided)
    )  # fmt: skip
    if final == Status.AGREED:
        versions.append(version(decided, "agreed", reviewer_user))
    return versions


@transaction.atomic
def seed_demo_agreements(*, program: Program) -> dict:
    """Fill the demo program's agreements in realistic states. Idempotent.

    The program has ended, so most agreements are agreed and the roadmaps are
    still coming in. Each agreement gets a history (drafted, submitted, perhaps
    sent back, agreed) dated before its module. Agreements that exist are left
    as they are, except that the demo participant always has one waiting for
    their line manager (chef@orebro.example); the demo participant's own
    reports have their roadmaps waiting for them.
    Returns {"agreements": created, "history": history records written}.
    """
    enrollments = list(
        Enrollment.objects.holding_place()
        .filter(program=program)
        .select_related("person__user", "person__line_manager__user")
        .order_by("pk")
    )
    sessions: dict[int, dict[int, Session]] = defaultdict(dict)
    for session in Session.objects.filter(group__round__program=program).select_related("module"):
        sessions[session.group_id][session.module.order] = session
    existing = set(
        Agreement.objects.filter(enrollment__program=program).values_list("enrollment_id", "stage")
    )
    demo_person = next(
        (e.person for e in enrollments if e.person.email == DEMO_PARTICIPANT_EMAIL), None
    )
    planned = []
    for enrollment in enrollments:
        person = enrollment.person
        reviewer_user = person.line_manager.user if person.line_manager else None
        for stage in STAGES:
            if (enrollment.pk, stage) in existing:
                continue
            rng = random.Random(f"agreement:{person.employee_number}:{stage}")
            state = _demo_state(rng, stage)
            if demo_person is not None and demo_person.pk in (person.pk, person.line_manager_id):
                # The demo participant, and their own reports: a roadmap waits for a review.
                state = Status.SUBMITTED if stage == Stage.ROADMAP else Status.AGREED
            if state is None:
                continue
            submitted, decided = _demo_timeline(rng, stage, sessions[enrollment.group_id])
            returned_first = state == Status.RETURNED or (
                state == Status.AGREED and rng.random() < 0.15
            )
            comment = rng.choice(_DEMO_COMMENTS)
            if returned_first:
                decided += dt.timedelta(days=4)
            agreement = Agreement(
                enrollment=enrollment,
                stage=stage,
                texts=_demo_texts(rng, stage),
                status=state,
                submitted_at=None if state == Status.DRAFT else submitted,
                agreed_at=decided if state == Status.AGREED else None,
                agreed_by=reviewer_user if state == Status.AGREED else None,
                return_comment=comment if returned_first else "",
            )
            versions = _demo_versions(
                agreement,
                submitted=submitted,
                decided=decided,
                returned_first=returned_first,
                comment=comment,
                reviewer_user=reviewer_user,
            )
            planned.append((agreement, versions))
    agreements = [agreement for agreement, _versions in planned]
    Agreement.objects.bulk_create(agreements, batch_size=500)
    history = []
    for agreement, versions in planned:
        # bulk_create stamped "now" on updated_at; the last version holds the planned date.
        agreement.updated_at = versions[-1].updated_at
        for version in versions:
            version.pk = version.id = agreement.pk
        history += versions
    Agreement.objects.bulk_update(agreements, ["updated_at"], batch_size=500)
    Agreement.history.bulk_history_create(history, batch_size=500)
    written = len(history)
    if demo_person is not None:
        written += _demo_participant_waits(demo_person=demo_person, program=program)
    return {"agreements": len(agreements), "history": written}


def _demo_participant_waits(*, demo_person: Person, program: Program) -> int:
    """Make sure the demo participant has an agreement waiting for their line manager."""
    mine = Agreement.objects.filter(enrollment__person=demo_person, enrollment__program=program)
    if mine.filter(status=Status.SUBMITTED).exists():
        return 0
    agreement = mine.filter(stage=Stage.ROADMAP).first()
    enrollment = (
        Enrollment.objects.holding_place().filter(person=demo_person, program=program).first()
    )
    if enrollment is None:
        return 0
    agreement = agreement or Agreement(enrollment=enrollment, stage=Stage.ROADMAP)
    rng = random.Random(f"agreement:{demo_person.employee_number}:{Stage.ROADMAP}")
    agreement.texts = {**_demo_texts(rng, Stage.ROADMAP), **agreement.texts}
    agreement.status = Status.SUBMITTED
    agreement.submitted_at = timezone.now()
    agreement.agreed_at = agreement.agreed_by = None
    save_with_history(agreement, user=demo_person.user, reason="submitted")
    return 1
