"""Run a PeakCase: prepare its plan, play it with wrk, summarise, reconcile, fill the Result."""

from __future__ import annotations

import time

from . import peak, wrk
from .cases import PeakCase, Result
from .server import BenchError


def _log(message: str):
    import sys

    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_peak(case: PeakCase, ctx, result: Result) -> None:
    if not ctx.server.alive():
        raise BenchError("gunicorn is not running any more")
    duration = ctx.load.peak_duration_s or case.duration_s
    started = time.perf_counter()
    ctx.django()
    plan = case.prepare(ctx, duration)
    if len(plan.threads) != case.threads:
        raise BenchError(f"{case.name}: the plan has {len(plan.threads)} threads")
    result.stages["prepare"] = time.perf_counter() - started
    _log(
        f"{case.name}: {len(plan.requests):,} requests planned over {duration:g} s "
        f"({plan.offered_rate:.1f} req/s), {case.threads} wrk threads of one connection each"
    )

    ctx.server.wait_idle()
    started = time.perf_counter()
    outcome = peak.run(plan, url=ctx.base_url + "/", directory=ctx.logdir / "peak", wrk_run=wrk.run)
    result.stages["measure"] = time.perf_counter() - started
    summary = peak.summarise(plan, outcome)
    if summary.answered == 0:
        raise BenchError(f"no request of the mix was answered\nwrk output:\n{outcome.wrk.output}")

    started = time.perf_counter()
    checks = case.reconcile(plan, outcome)
    result.stages["reconcile"] = time.perf_counter() - started

    sockets = outcome.wrk.socket_errors
    socket_total = outcome.wrk.socket_error_total
    errors = summary.errors + socket_total
    lost = sum(c.lost for c in checks)
    duplicated = sum(c.duplicated for c in checks)
    result.value = summary.rate
    result.p99_ms = summary.p99_ms
    result.figures = {
        "rate_share": summary.rate / summary.offered if summary.offered else 0.0,
        "errors": errors,
        "lost": lost,
        "duplicated": duplicated,
    }
    error_text = (
        f"{errors} errors ({summary.non_2xx_3xx} not 2xx/3xx, "
        f"{summary.failed - summary.non_2xx_3xx} not the expected answer, "
        f"{summary.unanswered} unanswered; wrk socket errors: "
        + ", ".join(f"{name} {count}" for name, count in sockets.items())
        + ")"
    )
    result.details = (
        f"{summary.answered:,} of {summary.planned:,} answered in {duration:g} s, "
        f"offered {summary.offered:.1f} req/s, reached {summary.rate:.1f} req/s; "
        f"p50 {summary.p50_ms:.1f} ms, p95 {summary.p95_ms:.1f} ms; {error_text}"
        + (f"; {summary.unsent} never sent (the run ended first)" if summary.unsent else "")
        + "; reconciliation: "
        + "; ".join(c.line for c in checks)
    )
    labels = plan.data.get("labels", {})
    result.sections.append(
        f"### {case.name}: per kind\n\n"
        f"Offered {summary.offered:.1f} req/s for {duration:g} s, reached "
        f"{summary.rate:.1f} req/s; {error_text}.\n\n"
        + peak.kinds_table(summary, labels)
        + "\n\nReconciliation against the database:\n\n"
        + "\n".join(f"- {c.line}" for c in checks)
    )
    for line in peak.kinds_table(summary, labels).splitlines():
        _log(f"  {line}")
    for check in checks:
        _log(f"  {check.line}")
