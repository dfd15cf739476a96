"""The outbox: tasks are recorded with the change that asks for them and survive a dead broker."""

import os
import time

import pytest
from django.db import transaction

from core.models import OutboxTask
from core.outbox import enqueue, enqueue_or_run_here, flush_pending, run_here


@pytest.mark.django_db(transaction=True)
def test_enqueue_runs_after_commit_in_process_without_a_broker():
    with transaction.atomic():
        row = enqueue("core.ping", message="hej")
        assert OutboxTask.objects.get(pk=row.pk).state == OutboxTask.State.PENDING

    row.refresh_from_db()
    assert row.state == OutboxTask.State.DONE
    assert row.result == {"message": "hej", "pid": os.getpid()}


@pytest.mark.django_db(transaction=True)
def test_enqueue_in_a_rolled_back_transaction_leaves_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("core.ping", message="never")
        raise RuntimeError

    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_dead_broker_keeps_the_task_pending_and_the_request_succeeds(redis_stopped):
    started = time.monotonic()
    with transaction.atomic():
        row = enqueue("core.ping", message="later")
    elapsed = time.monotonic() - started

    row.refresh_from_db()
    assert elapsed < 10, "publishing to a dead broker must give up, not hang the request"
    assert row.state == OutboxTask.State.PENDING
    assert row.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_flush_sends_pending_tasks_once_the_broker_is_back(real_queue, redis_stopped):
    with transaction.atomic():
        row = enqueue("core.ping", message="later")
    row.refresh_from_db()
    assert row.state == OutboxTask.State.PENDING

    redis_stopped.start()
    sent = flush_pending(older_than_seconds=0)

    assert sent == 1
    deadline = time.monotonic() + 30
    while row.state != OutboxTask.State.DONE and time.monotonic() < deadline:
        time.sleep(0.1)
        row.refresh_from_db()
    assert row.state == OutboxTask.State.DONE
    assert row.result["message"] == "later"
    assert row.attempts == 2
    assert flush_pending(older_than_seconds=0) == 0


@pytest.mark.django_db(transaction=True)
def test_a_task_someone_waits_for_runs_here_when_the_broker_is_dead(redis_stopped):
    with transaction.atomic():
        row = enqueue_or_run_here("core.ping", message="now")

    row.refresh_from_db()
    assert row.state == OutboxTask.State.DONE
    assert row.result == {"message": "now", "pid": os.getpid()}
    assert flush_pending(older_than_seconds=0) == 0


@pytest.mark.django_db(transaction=True)
def test_a_row_runs_here_once(redis_stopped):
    with transaction.atomic():
        row = enqueue("core.ping", message="once")

    assert (run_here(row.pk), run_here(row.pk)) == (True, False)
    row.refresh_from_db()
    assert (row.state, row.result["message"]) == (OutboxTask.State.DONE, "once")
