"""A task goes through the real Redis broker to a real `celery worker` process."""

import os
import time

import pytest
from django.db import transaction

from core.models import OutboxTask
from core.outbox import enqueue

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for_state(pk, state, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = OutboxTask.objects.get(pk=pk)
        if row.state == state:
            return row
        time.sleep(0.1)
    raise AssertionError(f"outbox row {pk} stayed {row.state}, expected {state}")


def test_task_runs_in_the_real_worker_and_its_state_lands_in_postgresql(real_queue):
    with transaction.atomic():
        row = enqueue("core.ping", message="från arbetaren")

    done = _wait_for_state(row.pk, OutboxTask.State.DONE)

    assert done.result["message"] == "från arbetaren"
    assert done.result["pid"] != os.getpid()
    assert done.queued_at is not None
    print(f"\ncelery worker (pid {real_queue.process.pid}) ran core.ping via Redis")
