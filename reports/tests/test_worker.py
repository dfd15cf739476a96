"""Status report PDFs through the real Redis and a real `celery worker` process.

The worker runs with the test settings in its own process, so it writes to
the private storage of its environment (``PRIVATE_STORAGE_ROOT`` or
``private/``), not to the test's temporary folder; ``worker_files`` reads
there and removes what the test made.

How a report survives a dead worker (kombu's Redis transport, 5.7):
- A delivered message is kept in the ``unacked`` hash, scored by delivery
  time in ``unacked_index``, until the task acknowledges it (``acks_late``:
  when it has finished).
- If only the pool process dies, the worker's main process sees
  ``WorkerLostError`` and, with ``reject_on_worker_lost``, puts the message
  back on the queue at once.
- If the whole worker dies (SIGKILL to its process group), nothing puts it
  back: a worker starting later restores unacknowledged messages older than
  the visibility timeout (``restore_visible`` at start-up, then every
  ~100 s). That timeout is 3600 s in the settings, so the test ages the
  entry's delivery time by an hour instead of waiting one.
"""

import base64
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from demo.seed import seed_demo
from participants.models import User
from programs.models import Program
from reports import services
from reports.models import StatusReport
from reports.tests.pdf import ink, page_image, pdf_info, pdf_text
from reports.tests.worker_storage import worker_storage

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Enough text for a render that lasts long enough to be killed in the middle of.
LONG_SUMMARY = "\n\n".join(
    f"Stycke {n}: deltagarna prövade verktygen i sina egna arbetsgrupper och involverade "
    "sina medarbetare, som överenskommelsen mellan mig och min chef beskrev." * 3
    for n in range(1, 80)
)


@pytest.fixture
def worker_files():
    with worker_storage() as storage:
        yield storage


def _wait(report_id, predicate, *, timeout=60.0, interval=0.01) -> StatusReport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = StatusReport.objects.get(pk=report_id)
        if predicate(report):
            return report
        time.sleep(interval)
    raise AssertionError(f"report {report_id} stayed {report.status} ({report.attempts} attempts)")


def _ready(report):
    return report.status == StatusReport.Status.READY


def _rendering(report):
    return report.status == StatusReport.Status.RENDERING


def _generate(program, *, summary="Programmet är genomfört.") -> StatusReport:
    with transaction.atomic():
        return services.status_report_create(
            program=program,
            created_by=User.objects.filter(email="hr@orebro.example").first(),
            period_start=program.starts_on,
            period_end=program.ends_on,
            summary=summary,
            according_to_plan="Alla omgångar och moduler är genomförda.",
        )


def _pdf_files(storage: FileSystemStorage, report) -> list[str]:
    folder = (
        Path(storage.location) / Path(report.file_name or services.report_file_name(report)).parent
    )
    return sorted(p.name for p in folder.glob("*.pdf"))


def _pool_processes(worker) -> list[int]:
    """The worker's pool (child) processes, from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == worker.process.pid:
            children.append(int(stat.parent.name))
    return children


@pytest.fixture
def demo_program(db):
    seed_demo()
    return Program.objects.get(organisation__slug="orebro", name="Sveriges viktigaste chefsjobb")


def test_real_worker_renders_the_demo_programs_report(
    real_queue, demo_program, worker_files, tmp_path
):
    report = _generate(demo_program)

    report = _wait(report.pk, _ready)

    pdf = worker_files.open(report.file_name, "rb").read()
    info, text = pdf_info(pdf, tmp_path), pdf_text(pdf, tmp_path)
    pages = int(info["Pages"])
    assert (report.attempts, info["Tagged"], info["Page size"]) == (
        1,
        "yes",
        "595.276 x 841.89 pts (A4)",
    )
    # Every page carries its number out of the total; the last one says so.
    assert pages >= 3
    assert text.endswith(f"Sida {pages} / {pages}")
    assert text.startswith(
        f"Örebro kommun Statusrapport nr {report.number} Sveriges viktigaste chefsjobb"
    )
    assert "Omgångar 5 Utvecklingsgrupper 23 Deltagare i programmet 480" in text
    # The figures page: a table and two charts, far from a blank page's 0 and 0.
    share_dark, spread = ink(page_image(pdf, tmp_path, page=2))
    assert share_dark > 0.02
    assert spread > 10


def test_killing_the_pool_process_mid_render_renders_the_report_once(
    real_queue, demo_program, worker_files
):
    report = _generate(demo_program, summary=LONG_SUMMARY)
    _wait(report.pk, _rendering)

    children = _pool_processes(real_queue)
    for pid in children:
        os.kill(pid, signal.SIGKILL)

    report = _wait(report.pk, _ready)
    assert len(children) == 1
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 2)
    assert _pdf_files(worker_files, report) == [Path(report.file_name).name]


def _unacked_render_tags(client, report_id) -> list[bytes]:
    """Delivery tags of this report's render messages that no worker has acknowledged."""
    tags = []
    for tag, payload in client.hgetall("unacked").items():
        message = json.loads(payload)[0]
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        if message["headers"].get("task") == services.RENDER_TASK and (
            kwargs.get("report_id") == report_id
        ):
            tags.append(tag)
    return tags


def test_killing_the_whole_worker_mid_render_and_restarting_renders_once(
    real_queue, demo_program, worker_files
):
    client = redis.Redis.from_url(settings.REDIS_URL)
    report = _generate(demo_program, summary=LONG_SUMMARY)
    _wait(report.pk, _rendering)

    real_queue.kill()

    tags = _unacked_render_tags(client, report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts, len(tags)) == (StatusReport.Status.RENDERING, 1, 1)
    # An hour passes: the delivery is now older than the visibility timeout.
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    client.zadd("unacked_index", {tags[0]: time.time() - timeout - 1})

    real_queue.start()

    report = _wait(report.pk, _ready)
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 2)
    assert _pdf_files(worker_files, report) == [Path(report.file_name).name]
    # Acknowledged once the task has returned, a moment after the status became ready.
    deadline = time.monotonic() + 10
    while _unacked_render_tags(client, report.pk) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _unacked_render_tags(client, report.pk) == []


def test_after_a_whole_worker_dies_the_stalled_report_is_queued_again_within_minutes(
    real_queue, demo_program, worker_files
):
    """No hour-long wait for Redis' visibility timeout: the beat job (run here with its
    clock 4 minutes on) queues the report again and a restarted worker renders it."""
    import datetime as dt

    from django.utils import timezone

    client = redis.Redis.from_url(settings.REDIS_URL)
    report = _generate(demo_program, summary=LONG_SUMMARY)
    _wait(report.pk, _rendering)
    real_queue.kill()
    real_queue.start()

    later = timezone.now() + services.RENDER_STALLED_AFTER + dt.timedelta(seconds=1)
    assert services.status_reports_recover_stalled(now=timezone.now()) == 0
    with transaction.atomic():
        assert services.status_reports_recover_stalled(now=later) == 1

    report = _wait(report.pk, _ready)
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 2)
    assert _pdf_files(worker_files, report) == [Path(report.file_name).name]
    # The first delivery is still unacknowledged (Redis would hand it back in an hour and
    # rewrite the same file); remove it so it cannot reach a later test.
    for tag in _unacked_render_tags(client, report.pk):
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)


def test_a_transient_storage_error_is_retried_by_the_worker(
    real_queue, small_program, worker_files
):
    """The report's folder is blocked by a file: saving fails, the task retries 2 s later."""
    program_folder = Path(worker_files.location) / "status-reports" / "orebro"
    program_folder.mkdir(parents=True, exist_ok=True)
    blocker = program_folder / f"program-{small_program.program.pk}"
    blocker.write_text("not a folder")

    report = _generate(small_program.program)
    retrying = re.compile(rf"Status report {report.pk}: .*; retrying in 2 s")
    deadline = time.monotonic() + 30
    while not retrying.search(real_queue.logfile.read_text()):
        assert time.monotonic() < deadline, real_queue.logfile.read_text()[-2000:]
        time.sleep(0.05)
    blocker.unlink()

    report = _wait(report.pk, _ready)
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 2)


def test_real_worker_report_shows_the_evaluation_mean_and_suppressed_groups(
    real_queue, demo_program, worker_files, tmp_path
):
    from demo.evaluations import seed_demo_evaluations

    seed_demo_evaluations(program=demo_program)

    report = _wait(_generate(demo_program).pk, _ready)

    evaluations = report.snapshot["evaluations"]
    suppressed = [g for g in evaluations["by_group"] if g["mean"] is None]
    rows = pdf_text(worker_files.open(report.file_name, "rb").read(), tmp_path, layout=True)
    assert round(evaluations["mean"], 1) == 4.8
    assert "Medelvärde i utvärderingarna (1–6) 4,8" in rows
    assert suppressed != []
    assert [f"{g['label']} – {g['answers']}" in rows for g in suppressed] == [True] * len(
        suppressed
    )
