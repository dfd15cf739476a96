"""Throughput bench: `make bench` (inside scripts/with-services.sh, which sets DATABASE_URL).

Runs migrate + collectstatic with the production settings, starts gunicorn (2 sync
workers) on a free loopback port, runs every case in CASES, stops gunicorn, and
prints a Markdown table (also written to bench-results/latest.md).

Adding a line = appending one case to CASES, for example:

    HttpCase("start page, logged in", "/", expect_status=200,
             setup=lambda ctx: ctx.logged_in_headers("bench@example.se"),
             target=ratio_at_least(0.25)),
    TimedCase("status report PDF", prepare=make_pdf_callable, repeats=5,
              unit="s", memory="rss", target=value_at_most(3)),

HTTP cases compare with "trivial view" unless they set ``baseline=``; timed cases
compare with nothing unless they set it. See bench_helpers/cases.py for all options.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path

import bench_cases_program as program_cases
from bench_helpers import (
    ROOT,
    BenchError,
    Context,
    Gunicorn,
    HttpCase,
    LoadSettings,
    Result,
    TimedCase,
    bench_env,
    prepare,
    ratio_at_least,
    resolve,
    run_case,
    stage_summary,
    table,
    value_at_most,
)

# --- The cases, in the order they run and print ------------------------------------
CASES: list[HttpCase | TimedCase] = [
    HttpCase("trivial view", "/healthz/", note="GET /healthz/ (no DB)"),
    HttpCase("one-query view", "/healthz/db/", note="GET /healthz/db/ (SELECT 1)"),
    HttpCase("login page", "/logga-in/", note="GET /logga-in/"),
    # The floor for any logged-in page: session + user + one query + the base template.
    HttpCase(
        "logged-in page, one query",
        "/",
        setup=lambda ctx: ctx.logged_in_headers("bench-empty@example.se", full_name="Bänk Tom"),
        baseline="one-query view",
        note="GET / as a user without organisations (session, user, one query, base template); "
        "what every logged-in page costs at least",
    ),
    # Issue 3: the program overview at national scale (150,000 managers, 310 organisations).
    HttpCase(
        "program overview, 150k managers",
        lambda ctx: program_cases.national_scale_program_url(),
        setup=program_cases.national_scale_hr_headers,
        baseline="one-query view",
        note="HR of the largest of 310 synthetic organisations (seed_scale)",
    ),
    # Issue 18: the platform operator's console over every organisation (first page of 20).
    HttpCase(
        "operator console, 310 organisations",
        "/konsol/",
        setup=program_cases.national_scale_operator_headers,
        baseline="logged-in page, one query",
        target=ratio_at_least(0.40),
        note="GET /konsol/ as a platform operator over the 310 synthetic organisations "
        "(seed_scale): each organisation's programs, next sessions, response rates",
    ),
    # Issue 4: import and composition.
    TimedCase(
        "import 10,000 managers (CSV)",
        prepare=program_cases.prepare_import,
        repeats=3,
        warmup=0,
        unit="s",
        memory="rss",
        target=value_at_most(5),
        note="Windows-1252 ; CSV, validation + write, new organisation each run",
    ),
    TimedCase(
        "compose 2,000 managers",
        prepare=program_cases.prepare_compose,
        repeats=10,
        unit="s",
        target=value_at_most(1),
        note="programs.composition.compose, 10 departments",
    ),
    # Issue 6: a full evaluation submit, GET the form then POST the answers, per participant.
    HttpCase(
        "evaluation submit (GET + POST)",
        "/",
        lua=program_cases.evaluation_submit_lua,
        baseline="one-query view",
        target=ratio_at_least(0.40),
        note="8,000 participants of one open session; each request pair is a new one who "
        "GETs the form and POSTs it once; "
        "req/s counts GETs and POSTs; target also p99 < 100 ms",
    ),
    # Issue 7: the dashboard at national scale and status report PDFs.
    HttpCase(
        "program in figures, 150k managers",
        lambda ctx: reports_bench().national_scale_dashboard_url(),
        setup=program_cases.national_scale_hr_headers,
        baseline="one-query view",
        target=ratio_at_least(1 / 3),
        note="dashboard of the largest synthetic organisation; target: at most 3× the one-query "
        "view's cost, i.e. ≥ 33 % of its req/s",
    ),
    TimedCase(
        "status report PDF, full demo program",
        prepare=lambda ctx: reports_bench().prepare_report_pdf(ctx),
        repeats=5,
        unit="s",
        target=value_at_most(3),
    ),
    TimedCase(
        "20 status reports on 2 workers",
        prepare=lambda ctx: reports_bench().prepare_reports_on_two_workers(ctx),
        repeats=1,
        warmup=0,
        unit="s",
        target=value_at_most(35),
        timeout_s=300,
    ),
]


def reports_bench():
    from bench_helpers import reports_cases

    return reports_cases


OUTPUT = ROOT / "bench-results" / "latest.md"


def log(message: str):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--duration", type=float, default=5.0, help="seconds per case")
    parser.add_argument("-w", "--warmup", type=float, default=2.0, help="warm-up seconds")
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("-c", "--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only cases whose name contains TEXT (and their baselines); repeatable",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    if not 0 <= args.warmup <= 60:
        parser.error("--warmup must be between 0 and 60 seconds")
    if not 1 <= args.threads <= 16 or not args.threads <= args.connections <= 1000:
        parser.error("need 1 <= threads <= 16 and threads <= connections <= 1000")
    return args


def select(cases: list[HttpCase | TimedCase], only: list[str]) -> list[HttpCase | TimedCase]:
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit(f"Duplicate case names in CASES: {names}")
    for case in cases:
        if case.baseline and case.baseline not in names:
            raise SystemExit(f"{case.name}: baseline {case.baseline!r} is not a case")
    if not only:
        return list(cases)
    wanted = {c.name for c in cases if any(t.lower() in c.name.lower() for t in only)}
    by_name = {c.name: c for c in cases}
    pending = list(wanted)
    while pending:  # add baselines, and theirs
        base = by_name[pending.pop()].baseline
        if base and base not in wanted:
            wanted.add(base)
            pending.append(base)
    if not wanted:
        raise SystemExit(f"No case matches {only}; try --list")
    return [c for c in cases if c.name in wanted]


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=10, check=False, cwd=ROOT
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout or out.stderr else "?"


def environment_line(ctx: Context, load: LoadSettings, loadavg: float) -> str:
    try:
        ctx.django()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0].split()[0]
    except Exception:  # noqa: BLE001 - only the header line; never fail the bench for it
        postgres = "?"
    commit = _version(["git", "rev-parse", "--short", "HEAD"])
    wrk_version = _version(["wrk", "--version"]).split()[1:2] or ["?"]
    return (
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {commit}, "
        f"{os.cpu_count()} CPUs (load average {loadavg:.1f} at start), "
        f"Python {platform.python_version()}, "
        f"Django {metadata.version('django')}, gunicorn {metadata.version('gunicorn')} "
        f"(2 sync workers), PostgreSQL {postgres} (CONN_MAX_AGE=60), "
        f"wrk {wrk_version[0]} -t{load.threads} -c{load.connections} "
        f"-d{load.duration_s:g}s after a {load.warmup_s:g} s warm-up"
    )


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None, cases: list[HttpCase | TimedCase] | None = None) -> int:
    args = parse_args(argv)
    selected = select(CASES if cases is None else cases, args.only)
    if args.list:
        for case in selected:
            print(f"{case.name} ({case.kind}, baseline: {case.baseline or '—'})")
        return 0

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        log("DATABASE_URL must point at PostgreSQL; run this through `make bench`.")
        return 1
    os.environ.update(bench_env(database_url))
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop gunicorn on kill, too

    load = LoadSettings(args.threads, args.connections, args.duration, args.warmup)
    loadavg = os.getloadavg()[0]
    if loadavg > 0.5 * (os.cpu_count() or 1):
        log(f"load average is {loadavg:.1f} already: other work will lower and blur the figures")
    started = time.perf_counter()
    results: list[Result] = []
    interrupted = False
    env_line = "?"
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="svc-bench-") as tmp:
        logdir = Path(tmp)
        try:
            log("migrate + collectstatic (production settings) ...")
            timings.update(prepare(logdir))
            log("gunicorn: starting 2 sync workers ...")
            with Gunicorn(logdir) as server:
                timings["gunicorn start"] = server.started_in
                log(f"gunicorn answers on {server.base_url}")
                ctx = Context(server, load, logdir)
                env_line = environment_line(ctx, load, loadavg)
                for case in selected:
                    log(f"{case.name}: running ...")
                    result = run_case(case, ctx)
                    results.append(result)
                    if result.ok:
                        p99 = f", p99 {result.p99_ms:.1f} ms" if result.p99_ms is not None else ""
                        log(f"{case.name}: {result.value:,.4g} {case.unit}{p99} ({result.details})")
                    else:
                        log(f"{case.name}: FAILED. Where the time went: {stage_summary(result)}")
                        log(result.error.rstrip())
                        if isinstance(case, HttpCase):
                            log("gunicorn's log:\n" + server.log_tail())
        except BenchError as exc:
            log(f"could not run the bench: {exc}")
            return 1
        except KeyboardInterrupt:
            interrupted = True
            stopped = "; gunicorn stopped" if "gunicorn start" in timings else ""
            log(f"interrupted{stopped}")

    total = time.perf_counter() - started
    if not results:
        return 130 if interrupted else 1
    resolve(results)
    markdown = table(results)
    print(markdown, flush=True)
    prep = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    log(f"{prep}; all in {total:.0f} s")

    if interrupted:
        log(f"not writing {args.output} (interrupted)")
        return 130
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(f"## Bench\n\n{env_line}\n\n{markdown}\n")
    log(f"written to {args.output}")

    failed = [r.case.name for r in results if not r.ok]
    missed = [r.case.name for r in results if r.verdict == "**missed**"]
    if failed:
        log(f"errored: {', '.join(failed)}")
    if missed:
        log(f"missed target: {', '.join(missed)}")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
