"""Sealing one participant's answers, and folding a closed session's envelopes in.

The respondent's transaction writes the Completion and one ``SealedAnswers``
row, nothing readable. Once the session's window has closed, ``answers_fold``
opens every envelope of the session and, in ONE transaction:

1. counts the ratings and adds them to the counters in one UPDATE;
2. writes the texts and effect entries in random order (a CSPRNG shuffle), all
   dated the day of the fold;
3. deletes the envelopes it opened.

A reader of the WAL or the heap then sees one transaction that writes what
the session as a whole said, as the published results do.

Safety: envelopes are taken with ``FOR UPDATE SKIP LOCKED``, so two folds at
once share nothing and neither counts twice; a fold that dies rolls back and
leaves the envelopes for the next run; an envelope committed after a fold (a
submit at the edge of the deadline) is folded by the next run. An envelope no
configured key opens (a lost or wrong key, a tampered row) is left in place
and logged by id, never by content; the others are folded.
"""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from .. import rules, sealing
from ..models import SCALE_VALUES, EffectEntry, RatingCounter, SealedAnswers, TextAnswer

logger = logging.getLogger(__name__)


def seal_keys() -> list[bytes]:
    return sealing.parse_keys(settings.EVALUATION_SEAL_KEYS)


def _context(session_id: int) -> bytes:
    return f"evaluations.session:{session_id}".encode()


def answers_seal(*, session_id: int, version_id: int, ratings, texts, effects) -> bytes:
    """The envelope of one participant's validated answers to one session."""
    payload = {
        "v": version_id,
        "r": {str(q): v for q, v in ratings.items()},
        "t": {str(q): t for q, t in texts.items()},
        "e": [[theme, text] for theme, text in effects],
    }
    return sealing.seal_json(payload, keys=seal_keys(), context=_context(session_id))


@dataclass
class FoldResult:
    sessions: int = 0  # sessions whose envelopes were folded
    folded: int = 0  # envelopes opened, counted and deleted
    unreadable: int = 0  # envelopes no configured key opens: kept
    failed: int = 0  # sessions whose fold rolled back (kept for the next run)

    def as_dict(self) -> dict:
        return {
            "sessions": self.sessions,
            "folded": self.folded,
            "unreadable": self.unreadable,
            "failed": self.failed,
        }


def sessions_due(*, now=None, session_ids=None) -> list[int]:
    """Sessions with envelopes whose evaluation window has closed."""
    due = SealedAnswers.objects.filter(session__ends_at__lte=rules.published_before(now=now))
    if session_ids is not None:
        due = due.filter(session_id__in=session_ids)
    return sorted(set(due.values_list("session_id", flat=True)))


def answers_fold(*, now=None, session_ids=None) -> FoldResult:
    """Fold the envelopes of every closed session (or of ``session_ids`` among them).

    Idempotent: a second run finds nothing. Each session in its own transaction,
    so one session that fails does not hold back the others.
    """
    result = FoldResult()
    keys = seal_keys()
    today = timezone.localdate(now) if now else timezone.localdate()
    for session_id in sessions_due(now=now, session_ids=session_ids):
        try:
            folded, unreadable = _fold_session(session_id, keys=keys, today=today)
        except DatabaseError:
            logger.exception("Folding the sealed answers of session %s rolled back", session_id)
            result.failed += 1
            continue
        result.sessions += 1 if folded else 0
        result.folded += folded
        result.unreadable += unreadable
    return result


def answers_fold_for_program(*, program, now=None) -> FoldResult | None:
    """Fold before reading a program's results, if any of its closed sessions has envelopes."""
    closed = SealedAnswers.objects.filter(
        session__group__round__program=program,
        session__ends_at__lte=rules.published_before(now=now),
    )
    if not closed.exists():
        return None
    return answers_fold(
        now=now, session_ids=set(closed.values_list("session_id", flat=True).distinct())
    )


def _fold_session(session_id: int, *, keys, today) -> tuple[int, int]:
    with transaction.atomic():
        envelopes = list(
            SealedAnswers.objects.select_for_update(skip_locked=True)
            .filter(session_id=session_id)
            .values_list("pk", "sealed")
        )
        opened, payloads, unreadable = [], [], 0
        for pk, sealed in envelopes:
            try:
                payloads.append(sealing.open_json(sealed, keys=keys, context=_context(session_id)))
            except (sealing.SealError, ValueError) as exc:
                unreadable += 1
                logger.error("Sealed answers %s of session %s do not open: %s", pk, session_id, exc)
                continue
            opened.append(pk)
        if not opened:
            return 0, unreadable
        _write(session_id, payloads, today=today)
        SealedAnswers.objects.filter(pk__in=opened).delete()
    return len(opened), unreadable


def _write(session_id: int, payloads: list[dict], *, today) -> None:
    ratings = Counter()
    texts, effects = [], []
    for payload in payloads:
        ratings.update((int(q), int(v)) for q, v in payload["r"].items())
        texts += [(int(q), t) for q, t in payload["t"].items()]
        effects += [(int(theme), t) for theme, t in payload["e"]]
    question_ids = sorted({q for q, _ in ratings})
    if question_ids:
        RatingCounter.objects.bulk_create(
            [
                RatingCounter(session_id=session_id, question_id=q, value=v)
                for q in question_ids
                for v in SCALE_VALUES
            ],
            ignore_conflicts=True,
        )
        added = Case(
            *[When(question_id=q, value=v, then=Value(n)) for (q, v), n in ratings.items()],
            default=Value(0),
        )
        RatingCounter.objects.filter(session_id=session_id, question_id__in=question_ids).update(
            count=F("count") + added
        )
    shuffle = secrets.SystemRandom().shuffle
    shuffle(texts)
    shuffle(effects)
    TextAnswer.objects.bulk_create(
        TextAnswer(question_id=q, session_id=session_id, text=t, submitted_on=today)
        for q, t in texts
    )
    EffectEntry.objects.bulk_create(
        EffectEntry(theme_id=theme, session_id=session_id, text=t, submitted_on=today)
        for theme, t in effects
    )
