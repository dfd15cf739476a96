"""Throughput bench: `make bench` (inside scripts/with-services.sh, which sets DATABASE_URL).

Runs migrate + collectstatic with the production settings, starts gunicorn (2 sync
workers) on a free loopback port, runs every case in CASES, stops gunicorn, and
prints a Markdown table (also written to bench-results/latest.md). Every line with a
target prints it and its verdict (met / missed), as it finishes and in the table.

Every logged-in line compares with the floor, "logged-in page, one query", measured
in the same run; the floor compares with "one-query view". The peak-load stage
(``PeakCase``, bench_helpers/peak.py and bench_cases_peak.py) plays a fixed-rate mix
of every role for 60 s and reconciles the database; the last line is the gunicorn
workers' peak RSS.

Adding a line = appending one case to CASES, for example:

    HttpCase("start page, logged in", "/", expect_status=200,
             setup=lambda ctx: ctx.logged_in_headers("bench@example.se"),
             baseline=FLOOR, target=ratio_at_least(0.25)),
    TimedCase("status report PDF", prepare=make_pdf_callable, repeats=5,
              unit="s", memory="rss", target=value_at_most(3)),

HTTP cases compare with "trivial view" unless they set ``baseline=``; timed cases
compare with nothing unless they set it. See bench_helpers/cases.py for all options.

While developing: ``--only TEXT`` runs some lines (and their baselines),
``--peak-duration 10`` a shorter peak stage, and BENCH_SCALE_MANAGERS /
BENCH_SCALE_ORGANISATIONS (e.g. 5000 / 20) a smaller national scale; the output then
says that its figures are not the real ones.
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

import bench_cases_peak as peak_cases
import bench_cases_program as program_cases
from bench_helpers import (
    ROOT,
    BenchError,
    Context,
    Gunicorn,
    HttpCase,
    LoadSettings,
    PeakCase,
    Result,
    Target,
    TimedCase,
    WorkerRssCase,
    all_of,
    bench_env,
    is_missed,
    log_line,
    p99_below,
    prepare,
    ratio_at_least,
    resolve,
    run_case,
    stage_summary,
    table,
    value_at_most,
    value_below,
    zero,
)

RSS_CASE = "gunicorn worker peak RSS"

# --- The cases, in the order they run and print ------------------------------------
# Every logged-in line compares with the floor, measured in the same run (issue 17).
FLOOR = "logged-in page, one query"

CASES: list[HttpCase | TimedCase | PeakCase | WorkerRssCase] = [
    HttpCase("trivial view", "/healthz/", note="GET /healthz/ (no DB)"),
    HttpCase("one-query view", "/healthz/db/", note="GET /healthz/db/ (SELECT 1)"),
    HttpCase("login page", "/logga-in/", note="GET /logga-in/"),
    # The floor for any logged-in page: session + user + one query + the base template.
    HttpCase(
        FLOOR,
        "/",
        setup=lambda ctx: ctx.logged_in_headers("bench-empty@example.se", full_name="Bänk Tom"),
        baseline="one-query view",
        target=ratio_at_least(0.30),
        note="GET / as a user without organisations (session, user, one query, base template); "
        "what every logged-in page costs at least: the baseline of every logged-in line",
    ),
    # Issue 3: the program overview at national scale (150,000 managers, 310 organisations).
    HttpCase(
        "program overview, 150k managers",
        lambda ctx: program_cases.national_scale_program_url(),
        setup=program_cases.national_scale_hr_headers,
        baseline=FLOOR,
        target=ratio_at_least(0.40),
        note="HR of the largest of the synthetic organisations (seed_scale), its program",
    ),
    # Issue 18: the platform operator's console over every organisation (first page of 20).
    HttpCase(
        "operator console, 310 organisations",
        "/konsol/",
        setup=program_cases.national_scale_operator_headers,
        baseline=FLOOR,
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
        baseline=FLOOR,
        connections=16,
        target=all_of(ratio_at_least(0.50), p99_below(100)),
        note="8,000 participants of one open session; each request pair is a new one who "
        "GETs the form and POSTs it once; req/s counts GETs and POSTs; always 16 connections",
    ),
    # Issue 7: the dashboard at national scale and status report PDFs.
    HttpCase(
        "program in figures, 150k managers",
        lambda ctx: program_cases.national_scale_dashboard_url(),
        setup=program_cases.national_scale_hr_headers,
        baseline=FLOOR,
        target=ratio_at_least(0.70),
        note="the dashboard of the largest synthetic organisation's program",
    ),
    # Issue 17: more pages at national scale.
    HttpCase(
        "HR group page, national scale",
        lambda ctx: program_cases.national_scale_group_url(),
        setup=program_cases.national_scale_hr_headers,
        baseline=FLOOR,
        target=ratio_at_least(0.50),
        note="/o/<org>/grupp/<id>/: the largest group of the largest synthetic organisation",
    ),
    HttpCase(
        "evaluation results page, national scale",
        lambda ctx: program_cases.national_scale_results_url(),
        setup=program_cases.national_scale_hr_headers,
        baseline=FLOOR,
        target=ratio_at_least(0.50),
        note="/o/<org>/program/<id>/utvarderingar/ as HR: the largest synthetic "
        "organisation's program, every closed session answered (demo.evaluations)",
    ),
    HttpCase(
        "participant's Mitt program",
        lambda ctx: program_cases.national_scale_my_program_url(),
        setup=program_cases.national_scale_participant_headers,
        baseline=FLOOR,
        target=ratio_at_least(0.60),
        note="/o/<org>/mitt-program/ as one participant of the largest group at national scale",
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
    # Issue 17: twice the national peak for 60 s, then a reconciliation with the database.
    PeakCase(
        "peak load: twice the national peak",
        prepare=peak_cases.prepare_peak,
        reconcile=peak_cases.reconcile,
        duration_s=60,
        threads=peak_cases.THREADS,
        target=all_of(
            Target("rate_share", ">=", 0.98, text="the full rate (≥ 98 % of the offered)"),
            zero("errors"),
            p99_below(250),
            zero("lost"),
            zero("duplicated"),
        ),
        note="160 req/s offered: 20 evaluation submits/s (GET + POST), 20 autosaves/s, "
        "1 login/s (page + POST), page views of every role; see the per-kind table below",
    ),
    # After everything that gunicorn served: its workers' peak memory.
    WorkerRssCase(
        RSS_CASE,
        target=value_below(150),
        note="VmHWM of each gunicorn worker after every case above",
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
    parser.add_argument(
        "--peak-duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help="FOR DEVELOPMENT ONLY: run the peak-load stage this long instead of 60 s "
        "(its rate stays the same; the output says so)",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    if not 0 <= args.warmup <= 60:
        parser.error("--warmup must be between 0 and 60 seconds")
    if args.peak_duration is not None and not 5 <= args.peak_duration <= 120:
        parser.error("--peak-duration must be between 5 and 120 seconds")
    if not 1 <= args.threads <= 16 or not args.threads <= args.connections <= 1000:
        parser.error("need 1 <= threads <= 16 and threads <= connections <= 1000")
    return args


def select(cases: list, only: list[str]) -> list:
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
    # The workers' peak memory is read after whatever gunicorn served.
    if any(isinstance(by_name[n], HttpCase | PeakCase) for n in wanted):
        wanted |= {c.name for c in cases if isinstance(c, WorkerRssCase)}
    return [c for c in cases if c.name in wanted]


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=10, check=False, cwd=ROOT
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout or out.stderr else "?"


def development_warnings(load: LoadSettings) -> list[str]:
    """What makes this run's figures not the real ones (set only while developing)."""
    warnings = []
    scale = program_cases.development_scale()
    if scale:
        warnings.append(scale)
    if load.peak_duration_s is not None:
        warnings.append(
            f"DEVELOPMENT: the peak-load stage ran {load.peak_duration_s:g} s, not 60 s."
        )
    return warnings


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


def main(argv: list[str] | None = None, cases: list | None = None) -> int:
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

    load = LoadSettings(
        args.threads, args.connections, args.duration, args.warmup, args.peak_duration
    )
    for warning in development_warnings(load):
        log(warning)
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
                    resolve(results)  # its baseline ran before it: ratio and verdict now
                    if result.ok:
                        log(log_line(result))
                    else:
                        log(f"{case.name}: FAILED. Where the time went: {stage_summary(result)}")
                        log(result.error.rstrip())
                        if isinstance(case, HttpCase | PeakCase):
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
    warnings = "".join(f"**{w}**\n\n" for w in development_warnings(load))
    args.output.write_text(f"## Bench\n\n{env_line}\n\n{warnings}{markdown}\n")
    log(f"written to {args.output}")

    failed = [r.case.name for r in results if not r.ok]
    missed = [r.case.name for r in results if is_missed(r)]
    if failed:
        log(f"errored: {', '.join(failed)}")
    if missed:
        log(f"missed target: {', '.join(missed)}")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
