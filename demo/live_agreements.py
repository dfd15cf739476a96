"""The live program's agreements (``demo.live``): as far as each group has come.

Written once per agreement, with a history like the 2015–2017 program's
(``demo.agreements``); an agreement already stored is left as it is, whatever
its state, so what a demo user did stays.
"""

import datetime as dt
import random

from participants.models import Person
from programs.agreements.rules import Stage, Status
from programs.models import Agreement, Session

from .agreements import DEMO_PARTICIPANT_EMAIL, _demo_texts, _demo_versions


def live_agreements_write(*, program, members, enrollments, sessions, now: dt.datetime) -> int:
    """Agreements as far as each group has come; those already stored stay as they are.

    ``members`` are the people of each group, ``sessions`` the group's by (group index,
    module order). Returns the rows written (agreements and their history).
    """
    existing = set(
        Agreement.objects.filter(enrollment__program=program).values_list("enrollment_id", "stage")
    )
    reviewers = {
        p.pk: p.line_manager.user if p.line_manager else None
        for p in Person.objects.filter(
            pk__in=[p.pk for persons in members for p in persons]
        ).select_related("line_manager__user")
    }
    planned = []
    for g, persons in enumerate(members):
        for person in persons:
            enrollment = enrollments[(person.pk,)]
            enrollment.person = person
            for stage, state, submitted, decided in _plan(
                person, {order: sessions[g, order] for order in range(1, 5)}, now
            ):
                if (enrollment.pk, stage) in existing:
                    continue
                rng = random.Random(f"chefsjobbet:{person.employee_number}:{stage}")
                reviewer = reviewers[person.pk]
                agreement = Agreement(
                    enrollment=enrollment,
                    stage=stage,
                    texts=_demo_texts(rng, stage),
                    status=state,
                    submitted_at=None if state == Status.DRAFT else submitted,
                    agreed_at=decided if state == Status.AGREED else None,
                    agreed_by=reviewer if state == Status.AGREED else None,
                )
                versions = _demo_versions(
                    agreement,
                    submitted=submitted,
                    decided=decided,
                    returned_first=False,
                    comment="",
                    reviewer_user=reviewer,
                )
                planned.append((agreement, versions))
    agreements = [agreement for agreement, _ in planned]
    Agreement.objects.bulk_create(agreements)
    history = []
    for agreement, versions in planned:
        agreement.updated_at = versions[-1].updated_at
        for version in versions:
            version.pk = version.id = agreement.pk
        history += versions
    Agreement.objects.bulk_update(agreements, ["updated_at"])
    Agreement.history.bulk_history_create(history)
    return len(agreements) + len(history)


def _plan(person: Person, sessions: dict[int, Session], now: dt.datetime):
    """(stage, state, submitted, decided) of each agreement the person has by now.

    The agreement before a module that has started is agreed. The one due
    before the next module is under way: sent, drafted or not begun (the
    participant login's, between modules 1 and 2, waits for chef@).
    """
    rng = random.Random(f"chefsjobbet:{person.employee_number}")
    previous_end = None
    for order, stage in ((1, Stage.BEFORE_1), (2, Stage.BETWEEN_1_2), (3, Stage.BETWEEN_2_3)):
        session = sessions[order]
        if session.starts_at <= now:
            submitted = session.starts_at - dt.timedelta(days=rng.randint(9, 20), hours=3)
            decided = submitted + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 8))
            yield stage, Status.AGREED, submitted, decided
            previous_end = session.ends_at
            continue
        if stage == Stage.BEFORE_1 and session.starts_at - now > dt.timedelta(days=30):
            return  # round 2: months away, nobody has started writing
        since = previous_end or now - dt.timedelta(days=14)
        submitted = since + (now - since) * rng.uniform(0.3, 0.9)
        decided = submitted + (now - submitted) * rng.uniform(0.2, 0.9)
        if person.email == DEMO_PARTICIPANT_EMAIL:
            state = Status.SUBMITTED  # sent the evening after module 1
            submitted = since + dt.timedelta(hours=6)
        else:
            draw = rng.random()
            bands = ((0.35, None), (0.55, Status.DRAFT), (0.75, Status.SUBMITTED))
            state = next((s for limit, s in bands if draw < limit), Status.AGREED)
        if state is not None:
            yield stage, state, submitted, decided
        return
