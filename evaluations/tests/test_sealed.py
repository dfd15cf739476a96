"""The attack of a database-server reader, replayed: WAL, old row versions, order.

N known participants answer in a known order, each in their own transaction.
The tests then read what a DBA could: the write-ahead log written meanwhile
(copied out with ``pg_read_binary_file`` and read with ``pg_waldump``) and
every heap page of the answer tables (``pageinspect``), live and dead tuples
alike. Before the fold nothing readable about the content is there; after
it, all of a session's answer rows come from one transaction in an order
unrelated to the answering order. Then keys (wrong, rotated), a tampered
envelope, a fold that dies and two folds at once: nothing lost, nothing
counted twice. PostgreSQL only: run with ``make test``.
"""

import datetime as dt
import io
import re
import subprocess
import tempfile
import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from evaluations import rules, sealing, services, tasks
from evaluations.models import (
    Completion,
    EffectEntry,
    EffectTheme,
    RatingCounter,
    SealedAnswers,
    TextAnswer,
)
from programs.models import Session

from .factories import answer, answer_all, fold, make_group, make_program

ANSWER_TABLES = (
    "evaluations_ratingcounter",
    "evaluations_textanswer",
    "evaluations_effectentry",
)
N = 8


@pytest.fixture(autouse=True)
def _postgresql(request):
    if "django_db" in request.keywords and connection.vendor != "postgresql":
        pytest.fail("These tests read PostgreSQL's WAL and heap pages: run with `make test`.")


@pytest.fixture
def program(org):
    return make_program(org)


def _marker(n: int, kind: str) -> str:
    return f"Unik{kind}markör{n:02d}xq"


def _answer_everyone(program, *, size=N):
    """size participants answer module 4 (ratings, a comment, an open text, an effect)."""
    setup = make_group(program=program, size=size, modules=(4,))
    session = setup.sessions[4]
    services.evaluation_form_ensure(module=session.module)
    theme = EffectTheme.objects.filter(program=program).order_by("order").first()
    for n, enrollment in enumerate(setup.enrollments):
        answer(
            enrollment,
            session,
            value=[1 + (n + q) % 6 for q in range(5)],
            comment=_marker(n, "kommentar"),
            text=_marker(n, "text"),
            effects=[(theme.pk, _marker(n, "effekt"))],
        )
    return setup, session


def _scalar(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _rows(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _lsn() -> str:
    return _scalar("SELECT pg_current_wal_insert_lsn()::text")


def _lsn_number(lsn: str) -> int:
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def _wal_copy(start: str, end: str, into: Path) -> None:
    """Copy the WAL segments from start to end out of the server, as a DBA or backup holds them."""
    _scalar("SELECT pg_switch_wal()::text")  # the last record is complete on disk
    first = _scalar("SELECT pg_walfile_name(%s::pg_lsn)", [start])
    last = _scalar("SELECT pg_walfile_name(%s::pg_lsn)", [end])
    names = [
        name
        for (name,) in _rows("SELECT name FROM pg_ls_waldir() ORDER BY name")
        if len(name) == 24 and first <= name <= last
    ]
    for name in names:
        data = _scalar("SELECT pg_read_binary_file('pg_wal/' || %s)", [name])
        (into / name).write_bytes(bytes(data))


def _pg_waldump() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_waldump"))
    assert found, "pg_waldump not found (it comes with the PostgreSQL server package)"
    return str(found[-1])


class Wal:
    """The WAL between two LSNs: its raw bytes and pg_waldump's records."""

    def __init__(self, start: str, end: str):
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            _wal_copy(start, end, directory)
            segments = b"".join(p.read_bytes() for p in sorted(directory.iterdir()))
            # Only the bytes between the two LSNs: a segment also holds earlier tests' WAL.
            size = int(_scalar("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"))
            first = _lsn_number(start) - _lsn_number(start) % size
            self.raw = _record_bytes(
                segments, _lsn_number(start) - first, _lsn_number(end) - first, size
            )
            dump = subprocess.run(
                [_pg_waldump(), "-p", str(directory), "-s", start, "-e", end],
                capture_output=True,
                text=True,
                timeout=120,
            )
        assert dump.stdout, dump.stderr
        self.records = dump.stdout.splitlines()

    def xids_touching(self, filenodes: set[int]) -> list[int]:
        xids = []
        for line in self.records:
            rels = {int(m) for m in re.findall(r"rel \d+/\d+/(\d+)", line)}
            xid = int(re.search(r"tx:\s+(\d+)", line).group(1))
            if rels & filenodes and xid:  # tx 0: page pruning, no transaction's content
                xids.append(xid)
        return xids


# Every WAL page (wal_block_size) starts with a header: 40 bytes on a segment's first page,
# 24 on the others (PostgreSQL's SizeOfXLogLongPHD and SizeOfXLogShortPHD, 64-bit). A record
# that crosses a page goes on after the next header, so a text can be split by one.
WAL_PAGE = 8192
LONG_PAGE_HEADER, SHORT_PAGE_HEADER = 40, 24


def _record_bytes(segments: bytes, start: int, end: int, segment_size: int) -> bytes:
    """The WAL bytes from start to end with the page headers taken out: the records' bytes
    as they were written, so that a text split across two pages is found whole."""
    assert int(_scalar("SHOW wal_block_size")) == WAL_PAGE
    parts = []
    for page in range(start - start % WAL_PAGE, end, WAL_PAGE):
        header = LONG_PAGE_HEADER if page % segment_size == 0 else SHORT_PAGE_HEADER
        parts.append(segments[max(page + header, start) : min(page + WAL_PAGE, end)])
    return b"".join(parts)


def _filenodes(*tables) -> set[int]:
    """The files of the tables, their indexes and TOAST: everything a record could touch."""
    nodes = set()
    for table in tables:
        nodes |= {
            row[0]
            for row in _rows(
                "SELECT pg_relation_filenode(c.oid) FROM pg_class c "
                "WHERE c.oid = %s::regclass "
                "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass) "
                "OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = %s::regclass) "
                "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = "
                "(SELECT reltoastrelid FROM pg_class WHERE oid = %s::regclass))",
                [table] * 4,
            )
            if row[0]
        }
    return nodes


def _heap_bytes(table: str) -> bytes:
    """Every tuple on every page of the table and its TOAST table, dead ones included."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    relations = [table] + [
        row[0]
        for row in _rows(
            "SELECT reltoastrelid::regclass::text FROM pg_class "
            "WHERE oid = %s::regclass AND reltoastrelid <> 0",
            [table],
        )
    ]
    data = b""
    for relation in relations:
        pages = _scalar(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
            [relation],
        )
        for block in range(pages):
            data += b"".join(
                bytes(row[0])
                for row in _rows(
                    "SELECT t_data FROM heap_page_items(get_raw_page(%s, %s)) "
                    "WHERE t_data IS NOT NULL",
                    [relation, block],
                )
            )
    return data


def _markers(size=N) -> list[bytes]:
    return [
        _marker(n, kind).encode() for n in range(size) for kind in ("kommentar", "text", "effekt")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_wal_of_the_respondents_transactions_holds_no_answer(program):
    assert _scalar("SHOW wal_level") in {"replica", "logical"}
    start = _lsn()
    _setup, _session = _answer_everyone(program)
    end = _lsn()

    wal = Wal(start, end)

    completions = _filenodes("evaluations_completion")
    assert len(set(wal.xids_touching(completions))) == N  # the attack sees each respondent
    assert wal.xids_touching(_filenodes(*ANSWER_TABLES)) == []
    assert [m for m in _markers() if m in wal.raw] == []
    assert RatingCounter.objects.count() == TextAnswer.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_after_the_fold_one_transaction_wrote_every_answer_row_in_no_answering_order(program):
    _setup, session = _answer_everyone(program)
    start = _lsn()

    result = fold(session)
    end = _lsn()

    assert result.folded == N
    wal = Wal(start, end)
    fold_xids = set(wal.xids_touching(_filenodes(*ANSWER_TABLES, "evaluations_sealedanswers")))
    assert len(fold_xids) == 1
    assert all(m in wal.raw for m in _markers())  # the WAL does show text: the test can see it
    xmins = {
        row[0]
        for table in ANSWER_TABLES
        for row in _rows(f"SELECT xmin::text FROM {table} WHERE session_id = %s", [session.pk])  # noqa: S608
    }
    assert xmins == {str(fold_xids.pop())}
    by_ctid = [
        text
        for (text,) in _rows(
            "SELECT text FROM evaluations_textanswer WHERE session_id = %s "
            "AND text LIKE 'Uniktext%%' ORDER BY ctid",
            [session.pk],
        )
    ]
    answered = [_marker(n, "text") for n in range(N)]
    assert sorted(by_ctid) == answered
    assert by_ctid not in (answered, answered[::-1])
    assert SealedAnswers.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_old_row_versions_hold_no_answer_before_the_fold_and_only_the_whole_after(program):
    # Fresh files, without the dead tuples that earlier, rolled-back tests left behind.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(ANSWER_TABLES)}, evaluations_sealedanswers")
    _setup, session = _answer_everyone(program)

    before = {table: _heap_bytes(table) for table in (*ANSWER_TABLES, "evaluations_sealedanswers")}
    fold(session)
    after = _heap_bytes("evaluations_textanswer") + _heap_bytes("evaluations_effectentry")

    assert before["evaluations_ratingcounter"] == before["evaluations_textanswer"] == b""
    assert [m for m in _markers() if m in before["evaluations_sealedanswers"]] == []
    assert all(m in after for m in _markers())
    counter_xmins = {
        row[0]
        for row in _rows(
            "SELECT DISTINCT t_xmin "
            "FROM heap_page_items(get_raw_page('evaluations_ratingcounter', 0))"
        )
    }
    assert len(counter_xmins) == 1  # no increment of any single respondent survives
    envelopes = _heap_bytes("evaluations_sealedanswers")  # the deleted envelopes, still on the page
    assert envelopes and [m for m in _markers() if m in envelopes] == []


def _counts(session) -> Counter:
    return Counter(
        {
            (c.question_id, c.value): c.count
            for c in RatingCounter.objects.filter(session=session, count__gt=0)
        }
    )


def _expected(session, size=N) -> Counter:
    """What _answer_everyone's participants rated, counted by hand."""
    questions = list(
        session.module.evaluation_form.versions.get()
        .questions.filter(kind="scale")
        .order_by("order")
    )
    return Counter((questions[q].pk, 1 + (n + q) % 6) for n in range(size) for q in range(5))


@pytest.mark.django_db
def test_a_wrong_key_folds_nothing_and_keeps_every_envelope_for_the_right_key(program, settings):
    _setup, session = _answer_everyone(program)
    right = settings.EVALUATION_SEAL_KEYS

    settings.EVALUATION_SEAL_KEYS = [sealing.new_key()]
    wrong = fold(session)
    settings.EVALUATION_SEAL_KEYS = right
    again = fold(session)

    assert (wrong.folded, wrong.unreadable) == (0, N)
    assert (again.folded, again.unreadable) == (N, 0)
    assert _counts(session) == _expected(session)
    assert TextAnswer.objects.filter(session=session).count() == 2 * N
    assert EffectEntry.objects.filter(session=session).count() == N


@pytest.mark.django_db
def test_after_rotation_the_newest_key_seals_and_the_old_one_still_opens(program, settings):
    old = settings.EVALUATION_SEAL_KEYS[0]
    setup = make_group(program=program, size=2)
    session = setup.sessions[1]
    answer(setup.enrollments[0], session, value=6, text="Före bytet.")
    new = sealing.new_key()
    settings.EVALUATION_SEAL_KEYS = [new, old]

    answer(setup.enrollments[1], session, value=2, text="Efter bytet.")
    result = fold(session)

    assert result.folded == 2
    assert sorted(TextAnswer.objects.values_list("text", flat=True)) == [
        "Efter bytet.",
        "Före bytet.",
    ]
    assert sorted(RatingCounter.objects.filter(count__gt=0).values_list("value", "count")) == [
        *[(2, 1)] * 5,
        *[(6, 1)] * 5,
    ]


@pytest.mark.django_db
def test_the_newest_key_seals(program, settings):
    new = sealing.new_key()
    settings.EVALUATION_SEAL_KEYS = [new, *settings.EVALUATION_SEAL_KEYS]
    setup = make_group(program=program, size=1)

    answer(setup.enrollments[0], setup.sessions[1])

    envelope = bytes(SealedAnswers.objects.get().sealed)
    assert sealing.envelope_key_id(envelope) == sealing.key_id(sealing.parse_keys(new)[0]).hex()
    assert len(envelope) == 2 + 8 + 12 + 4096 + 16  # padded: its size says nothing


@pytest.mark.django_db
def test_a_tampered_or_moved_envelope_is_kept_and_the_others_are_folded(program):
    _setup, session = _answer_everyone(program, size=6)
    other = make_group(program=program, size=1).sessions[1]
    tampered, moved, *_ = SealedAnswers.objects.filter(session=session).order_by("id")
    data = bytearray(tampered.sealed)
    data[40] ^= 0x01
    SealedAnswers.objects.filter(pk=tampered.pk).update(sealed=bytes(data))
    SealedAnswers.objects.filter(pk=moved.pk).update(session=other)

    result = fold(session, other)

    assert (result.folded, result.unreadable) == (4, 2)
    assert set(SealedAnswers.objects.values_list("pk", flat=True)) == {tampered.pk, moved.pk}
    assert TextAnswer.objects.filter(session=session).count() == 2 * 4
    assert sum(_counts(session).values()) == 5 * 4


@pytest.mark.django_db
def test_a_fold_that_dies_midway_loses_nothing_and_the_next_run_counts_once(program):
    _setup, session = _answer_everyone(program, size=5)
    with connection.cursor() as cursor:
        # The worker "dies" after writing the counters and rows, before the envelopes go.
        cursor.execute(
            "CREATE FUNCTION test_die() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'worker died'; END $$ LANGUAGE plpgsql; "
            "CREATE TRIGGER test_die BEFORE DELETE ON evaluations_sealedanswers "
            "FOR EACH ROW EXECUTE FUNCTION test_die()"
        )
    died = fold(session)
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER test_die ON evaluations_sealedanswers; DROP FUNCTION test_die()"
        )

    assert (died.folded, died.failed) == (0, 1)
    assert SealedAnswers.objects.filter(session=session).count() == 5
    assert RatingCounter.objects.count() == TextAnswer.objects.count() == 0

    again = fold(session)
    third = fold(session)

    assert (again.folded, third.folded) == (5, 0)
    assert _counts(session) == _expected(session, size=5)
    assert TextAnswer.objects.filter(session=session).count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_count_every_envelope_exactly_once(program):
    _setup, session = _answer_everyone(program)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(fold(session))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(r.folded for r in results) == N
    assert _counts(session) == _expected(session)
    assert TextAnswer.objects.filter(session=session).count() == 2 * N


@pytest.mark.django_db
def test_a_late_envelope_is_folded_by_the_next_run(program):
    setup = make_group(program=program, size=3)
    session = setup.sessions[1]
    for enrollment in setup.enrollments[:2]:
        answer(enrollment, session, value=5)
    first = fold(session)

    answer(setup.enrollments[2], session, value=3)  # committed after the fold at the edge
    second = fold(session)

    assert (first.folded, second.folded) == (2, 1)
    assert sorted(RatingCounter.objects.filter(count__gt=0).values_list("value", "count")) == [
        *[(3, 1)] * 5,
        *[(5, 2)] * 5,
    ]


@pytest.mark.django_db
def test_nothing_is_folded_while_the_window_is_open(program):
    setup = make_group(program=program, size=2)
    session = setup.sessions[1]
    answer(setup.enrollments[0], session, value=5, text="Väntar.")

    result = services.answers_fold()

    assert result.folded == 0
    assert SealedAnswers.objects.count() == 1
    assert Completion.objects.count() == 1  # the response rate is live all the same
    assert rules.is_open(session.ends_at)


# --- The job: beat task, command, folding before results are read, a killed worker -------------


def _past_deadline(*sessions):
    """Time passes beyond the deadline, and no fold has run yet (unlike close_window)."""
    shift = dt.timedelta(days=rules.window_days() + 1)
    for session in sessions:
        Session.objects.filter(pk=session.pk).update(
            starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
        )
        session.refresh_from_db()


def test_the_beat_folds_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-fold-sealed"]

    assert entry == {"task": "evaluations.fold_sealed_answers", "schedule": 300.0}


@pytest.mark.django_db
def test_the_task_folds_the_closed_sessions_only(program):
    closed = make_group(program=program, size=2)
    still_open = make_group(program=program, size=1)
    answer_all(closed, 1, 2, value=4)
    answer_all(still_open, 1, 1, value=2)
    _past_deadline(closed.sessions[1])

    result = tasks.fold_sealed_answers.delay().get()

    assert result == {"sessions": 1, "folded": 2, "unreadable": 0, "failed": 0}
    assert list(SealedAnswers.objects.values_list("session_id", flat=True)) == [
        still_open.sessions[1].pk
    ]


@pytest.mark.django_db
def test_the_command_folds_and_says_how_many(program):
    setup = make_group(program=program, size=3)
    answer_all(setup, 1, 3, value=5)
    _past_deadline(setup.sessions[1])
    out = io.StringIO()

    call_command("fold_sealed_answers", stdout=out)
    call_command("fold_sealed_answers", stdout=out)

    assert out.getvalue().splitlines() == [
        "Folded 3 sealed answers in 1 sessions; 0 do not open with the configured keys; "
        "0 sessions rolled back.",
        "Folded 0 sealed answers in 0 sessions; 0 do not open with the configured keys; "
        "0 sessions rolled back.",
    ]


def test_the_command_makes_a_new_key():
    out = io.StringIO()

    call_command("fold_sealed_answers", "--new-key", stdout=out)

    assert len(sealing.parse_keys(out.getvalue().strip())[0]) == 32


@pytest.mark.django_db
def test_the_results_page_folds_a_closed_session_before_it_reads(client, org, program, hr_user):
    setup = make_group(program=program, size=5)
    answer_all(setup, 1, 5, value=5)
    _past_deadline(setup.sessions[1])
    client.force_login(hr_user)

    response = client.get(
        reverse("evaluations:results", kwargs={"org": org.slug, "program_id": program.pk})
    )

    assert SealedAnswers.objects.count() == 0
    assert response.context["results"].total.mean == Decimal("5.00")
    assert "5,0" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_envelopes_wait_and_the_results_page_folds_them(
    client, org, program, hr_user, redis_stopped
):
    setup = make_group(program=program, size=5)
    answer_all(setup, 1, 5, value=4)
    _past_deadline(setup.sessions[1])
    waiting = SealedAnswers.objects.count()
    client.force_login(hr_user)

    client.get(reverse("evaluations:results", kwargs={"org": org.slug, "program_id": program.pk}))

    assert waiting == 5
    assert SealedAnswers.objects.count() == 0
    assert sum(RatingCounter.objects.values_list("count", flat=True)) == 5 * 5
