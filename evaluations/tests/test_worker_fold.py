"""A real Celery worker killed in the middle of a fold: nothing lost, nothing counted twice.

A module of its own, run after the tests that stop and restart Redis: the
session's worker is started here, and a restart of Redis under it would leave
the test process with a dead pooled broker connection.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from evaluations import tasks
from evaluations.models import EffectEntry, RatingCounter, SealedAnswers, TextAnswer

from .factories import make_program
from .test_sealed import _answer_everyone, _counts, _expected, _past_deadline, _rows


@pytest.fixture
def program(org):
    return make_program(org)


def _pool_processes(worker) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == worker.process.pid:
            children.append(int(stat.parent.name))
    return children


def _wait_for(check, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _sleeping_backends() -> list[int]:
    return [
        pid
        for (pid,) in _rows(
            "SELECT pid FROM pg_stat_activity "
            "WHERE wait_event = 'PgSleep' AND datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    ]


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_fold_loses_nothing_and_the_next_run_counts_once(
    program, real_queue
):
    _setup, session = _answer_everyone(program, size=5)
    _past_deadline(session)
    with connection.cursor() as cursor:
        # Slow the fold down after its counters, so the worker is killed in the middle.
        cursor.execute(
            "CREATE FUNCTION test_slow() RETURNS trigger AS $$ BEGIN "
            "PERFORM pg_sleep(3); RETURN NULL; END $$ LANGUAGE plpgsql; "
            "CREATE TRIGGER test_slow BEFORE INSERT ON evaluations_textanswer "
            "FOR EACH STATEMENT EXECUTE FUNCTION test_slow()"
        )
    try:
        tasks.fold_sealed_answers.delay()
        assert _wait_for(_sleeping_backends)
        children = _pool_processes(real_queue)
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        mid_fold = (
            SealedAnswers.objects.count(),
            sum(RatingCounter.objects.values_list("count", flat=True)),
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_slow ON evaluations_textanswer; DROP FUNCTION test_slow()"
            )
    assert _wait_for(lambda: not _sleeping_backends())  # its transaction has rolled back

    tasks.fold_sealed_answers.delay()  # the next run (the beat's, five minutes later)

    assert _wait_for(lambda: not SealedAnswers.objects.exists())
    assert len(children) == 1
    assert mid_fold == (5, 0)
    assert _counts(session) == _expected(session, size=5)
    assert TextAnswer.objects.filter(session=session).count() == 10
    assert EffectEntry.objects.filter(session=session).count() == 5
