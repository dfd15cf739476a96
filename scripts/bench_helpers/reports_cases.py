"""`make bench` cases for status reports and the dashboard (see scripts/bench.py).

Each ``prepare_*`` does its set-up once (Django is set up, PostgreSQL and
Redis of ``scripts/with-services.sh`` are running) and returns the callable
to time.
"""

import atexit
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

REPORTS_ON_WORKERS = 20
WORKER_CONCURRENCY = 2


def demo_program():
    """The demo program with its evaluations and 20 reports (seeded once)."""
    from demo.reports import seed_demo_reports
    from demo.seed import seed_demo
    from programs.models import Program

    if not Program.objects.filter(organisation__slug="orebro").exists():
        seed_demo()
    program = Program.objects.get(organisation__slug="orebro", name="Sveriges viktigaste chefsjobb")
    from demo.evaluations import seed_demo_evaluations

    seed_demo_evaluations(program=program)
    seed_demo_reports(program=program)
    return program


def _full_program_report(program):
    from reports import services

    return services.status_report_create(
        program=program,
        created_by=None,
        period_start=program.starts_on,
        period_end=program.ends_on,
        summary="Programmet är genomfört enligt plan.",
        generate=False,
    )


def prepare_report_pdf(ctx=None):
    """Render the full demo program's status report to PDF bytes (no storage, no queue)."""
    from reports import rendering

    report = _full_program_report(demo_program())

    def run():
        pdf = rendering.render_status_report(report)
        assert pdf.startswith(b"%PDF-")

    return run


def _start_worker() -> subprocess.Popen:
    """A 2-process Celery worker in the repository's root (where ``svc`` imports from)."""
    import tempfile

    from svc.celery import app

    from .server import ROOT, tail

    log = Path(tempfile.mkstemp(prefix="svc-bench-worker-", suffix=".log")[1])
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "svc", "worker", "--loglevel", "WARNING",
             "--concurrency", str(WORKER_CONCURRENCY), "--pool", "prefork",
             "--without-gossip", "--without-mingle", "--hostname", "bench-reports@%h"],
            cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    atexit.register(lambda: process.poll() is None and process.terminate())
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"the bench worker did not start:\n{tail(log.read_text(errors='replace'))}"
            )
    return process


def prepare_reports_on_two_workers(ctx=None):
    """Queue 20 full-program reports and wait until a 2-process worker has rendered them all."""
    from django.conf import settings
    from django.db import transaction

    from reports.models import StatusReport
    from svc.celery import app

    if not settings.REDIS_URL:
        raise RuntimeError("This case needs REDIS_URL (run it inside scripts/with-services.sh).")
    app.conf.task_always_eager = False
    program = demo_program()
    _start_worker()

    def run():
        from reports import services

        with transaction.atomic():
            ids = [
                services.status_report_create(
                    program=program,
                    created_by=None,
                    period_start=program.starts_on,
                    period_end=program.ends_on,
                    summary="Programmet är genomfört enligt plan.",
                ).pk
                for _ in range(REPORTS_ON_WORKERS)
            ]
        deadline = time.monotonic() + 300
        pending = StatusReport.objects.filter(pk__in=ids).exclude(status=StatusReport.Status.READY)
        while pending.exists():
            if pending.filter(status=StatusReport.Status.FAILED).exists():
                raise RuntimeError("a report failed to render")
            if time.monotonic() > deadline:
                raise RuntimeError("the reports were not ready in 300 s")
            time.sleep(0.05)

    return run


def measure(case, *, repeats=5) -> list[float]:
    """Run one prepared case ``repeats`` times (after one warm-up) and return the seconds."""
    run = case()
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


if __name__ == "__main__":  # pragma: no cover - a developer's shortcut
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svc.settings.base")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for name, case, repeats in (
        ("status report PDF, full demo program", prepare_report_pdf, 5),
        (
            f"{REPORTS_ON_WORKERS} reports on {WORKER_CONCURRENCY} workers",
            prepare_reports_on_two_workers,
            3,
        ),
    ):
        seconds = sorted(measure(case, repeats=repeats))
        print(
            f"{name}: median {seconds[len(seconds) // 2]:.2f} s of {[round(s, 2) for s in seconds]}"
        )
    print(dt.datetime.now().isoformat(timespec="seconds"))
