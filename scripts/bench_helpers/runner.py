"""Run bench cases: HTTP load with wrk, or a Python callable timed in-process."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import statistics
import string
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import wrk
from .cases import UNIT_SCALE, HttpCase, PeakCase, Result, TimedCase, WorkerRssCase
from .server import ROOT, BenchError, Gunicorn, request


@dataclass(frozen=True)
class LoadSettings:
    threads: int = 2
    connections: int = 16
    duration_s: float = 5.0
    warmup_s: float = 2.0
    # None: the peak-load case's own duration (60 s). Shorter only while developing.
    peak_duration_s: float | None = None


class Context:
    """What a case's ``setup``/``prepare`` may use."""

    def __init__(self, server: Gunicorn, load: LoadSettings, logdir: Path):
        self.server = server
        self.load = load
        self.logdir = logdir
        self._django_ready = False
        # The workers gunicorn started with: the RSS line says if one was replaced since.
        self.initial_workers = server.worker_pids()

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """One GET to the local gunicorn, e.g. to check a page before loading it."""
        return request(self.port, path, headers=headers)

    def django(self):
        """Set up Django in this process (same settings and database as gunicorn)."""
        if not self._django_ready:
            if str(ROOT) not in sys.path:
                sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            self._django_ready = True

    def logged_in_headers(self, email: str = "bench@example.se", **user_fields) -> dict[str, str]:
        """Create (or reuse) a user, log it in, and return its session cookie as a header.

        Extra keyword arguments are set on a new user (e.g. ``full_name="Bench"``).
        """
        self.django()
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        user, _ = get_user_model().objects.get_or_create(email=email, defaults=user_fields)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}

    def csrf_headers(self) -> dict[str, str]:
        """A CSRF cookie + matching X-CSRFToken header, for POST cases (plain HTTP)."""
        self.django()
        from django.conf import settings

        token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        return {
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={token}",
            settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-"): token,
        }


def merge_headers(*parts: dict[str, str]) -> dict[str, str]:
    """Merge header dicts; Cookie headers are joined with "; "."""
    merged: dict[str, str] = {}
    for part in parts:
        for name, value in part.items():
            if name.lower() == "cookie" and "Cookie" in merged:
                merged["Cookie"] += "; " + value
            else:
                merged["Cookie" if name.lower() == "cookie" else name] = value
    return merged


class CaseTimeout(Exception):
    pass


@contextlib.contextmanager
def _stage(result: Result, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        result.stages[name] = time.perf_counter() - started


@contextlib.contextmanager
def _alarm(seconds: float, what: str) -> Iterator[None]:
    """Abort a call that hangs (main thread only; SIGALRM)."""

    def on_alarm(signum, frame):
        raise CaseTimeout(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(case: HttpCase | TimedCase | WorkerRssCase | PeakCase, ctx: Context) -> Result:
    result = Result(case=case)
    started = time.perf_counter()
    try:
        if isinstance(case, HttpCase):
            _run_http(case, ctx, result)
        elif isinstance(case, WorkerRssCase):
            _run_worker_rss(case, ctx, result)
        elif isinstance(case, PeakCase):
            from .peak_runner import run_peak

            run_peak(case, ctx, result)
        else:
            _run_timed(case, ctx, result)
    except BenchError as exc:
        result.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - report it, and go on with the other cases
        result.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
    result.stages["total"] = time.perf_counter() - started
    return result


def _run_http(case: HttpCase, ctx: Context, result: Result):
    if not ctx.server.alive():
        raise BenchError("gunicorn is not running any more")
    headers: dict[str, str] = {}
    if case.setup is not None:
        with _stage(result, "setup"), _alarm(1200, "setup"):  # seeds the national scale
            headers = dict(case.setup(ctx))
    # A path may depend on what setup created (e.g. an object id): then it is a callable.
    path = case.path(ctx) if callable(case.path) else case.path

    # A script may depend on what setup created: then it is a callable of the context.
    script_text = case.lua(ctx) if callable(case.lua) else case.lua
    if script_text is None and (case.method != "GET" or case.body is not None):
        script_text = wrk.lua_for_request(case.method, case.body, case.content_type)

    with _stage(result, "wait for idle"):
        ctx.server.wait_idle()
    if case.lua is None:
        with _stage(result, "probe"):
            probe_headers = dict(headers)
            if case.body is not None:
                probe_headers.setdefault("Content-Type", case.content_type)
            try:
                status, body = request(
                    ctx.port, path, method=case.method, body=case.body, headers=probe_headers
                )
            except OSError as exc:
                raise BenchError(f"{case.method} {path} failed: {exc}") from exc
            if status != case.expect_status:
                snippet = body[:300].decode(errors="replace")
                raise BenchError(
                    f"{case.method} {path} answered {status}, "
                    f"expected {case.expect_status}\nbody: {snippet!r}"
                )

    threads = case.threads or ctx.load.threads
    connections = case.connections or ctx.load.connections
    duration = case.duration_s or ctx.load.duration_s
    url = ctx.base_url + path
    with contextlib.ExitStack() as stack:
        script = None
        if script_text is not None:
            handle = stack.enter_context(
                tempfile.NamedTemporaryFile(
                    "w", suffix=".lua", dir=ctx.logdir, prefix="case-", delete=True
                )
            )
            handle.write(script_text)
            handle.flush()
            script = Path(handle.name)
        load = {"threads": threads, "connections": connections, "headers": headers}
        if ctx.load.warmup_s > 0:
            with _stage(result, "warm-up"):
                wrk.run(url, duration_s=ctx.load.warmup_s, script=script, **load)
            with _stage(result, "drain"):
                ctx.server.wait_idle()  # the warm-up's queued requests are not measured
        with _stage(result, "measure"):
            run = wrk.run(url, duration_s=duration, script=script, **load)
        with _stage(result, "drain after"):
            ctx.server.wait_idle()

    problems = []
    if run.requests == 0 or run.requests_per_s <= 0:
        problems.append("no request completed")
    if run.non_2xx_3xx and not case.allow_non_2xx:
        problems.append(f"{run.non_2xx_3xx} of {run.requests} answers were not 2xx/3xx")
    # gunicorn's sync workers close each connection, so wrk may count a few read errors.
    if run.socket_error_total > max(10, run.requests // 100):
        problems.append(f"socket errors {run.socket_errors}")
    if problems:
        raise BenchError("; ".join(problems) + f"\nwrk output:\n{run.output.strip()}")

    result.value = run.requests_per_s
    result.p99_ms = run.p99_ms
    errors = run.socket_error_total + (run.non_2xx_3xx if case.allow_non_2xx else 0)
    result.details = (
        f"{run.requests:,} req in {run.seconds:.1f} s, -t{threads} -c{connections}"
        + (f", p50 {run.p50_ms:.2f} ms" if run.p50_ms is not None else "")
        + (f", {errors} errors" if errors else "")
    )


def _vm_hwm(pid: int) -> int | None:
    """A process's peak resident set size in bytes (VmHWM in /proc), None if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _run_worker_rss(case: WorkerRssCase, ctx: Context, result: Result):
    if not ctx.server.alive():
        raise BenchError("gunicorn is not running any more")
    peaks = {pid: _vm_hwm(pid) for pid in ctx.server.worker_pids()}
    peaks = {pid: peak for pid, peak in peaks.items() if peak is not None}
    if not peaks:
        raise BenchError("found no gunicorn worker in /proc")
    result.value = max(peaks.values()) / 2**20
    details = ", ".join(f"worker {pid} {_size(peak)}" for pid, peak in sorted(peaks.items()))
    replaced = set(ctx.initial_workers) - set(peaks)
    if replaced:
        details += (
            f"; {len(replaced)} worker(s) replaced during the run "
            "(their peak is not in the figure; see gunicorn's log)"
        )
    else:
        details += "; the workers that served every case, read after the last one"
    result.details = details


def _run_timed(case: TimedCase, ctx: Context, result: Result):
    ctx.django()
    with _stage(result, "prepare"), _alarm(case.timeout_s, "prepare"):
        func = case.prepare(ctx) if case.prepare is not None else case.func
    with _stage(result, "warm-up"):
        for _ in range(case.warmup):
            with _alarm(case.timeout_s, "warm-up call"):
                func()
    times: list[float] = []
    with _stage(result, "measure"):
        deadline = time.perf_counter() + case.max_seconds
        for _ in range(case.repeats):
            with _alarm(case.timeout_s, "timed call"):
                started = time.perf_counter()
                func()
                times.append(time.perf_counter() - started)
            if time.perf_counter() > deadline:
                break
    scale = UNIT_SCALE[case.unit]
    result.value = statistics.median(times) * scale
    details = [
        f"median of {len(times)}"
        + (f" (stopped at {case.max_seconds:g} s)" if len(times) < case.repeats else "")
        + f", min {min(times) * scale:.3g}, max {max(times) * scale:.3g} {case.unit}"
    ]
    if case.memory == "tracemalloc":
        with _stage(result, "memory"):
            details.append(f"peak Python alloc {_size(_tracemalloc_peak(func, case))}")
    elif case.memory == "rss":
        with _stage(result, "memory"):
            peak, start = _peak_rss_in_child(func, case)
            details.append(f"peak RSS {_size(peak)} (+{_size(peak - start)} in one call)")
    result.details = "; ".join(details)


def _tracemalloc_peak(func: Callable[[], Any], case: TimedCase) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with _alarm(case.timeout_s, "memory run"):
            func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _current_rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _size(n: float) -> str:
    return f"{n / 2**20:.1f} MiB" if abs(n) >= 2**20 else f"{n / 2**10:.0f} KiB"


def _peak_rss_in_child(func: Callable[[], Any], case: TimedCase) -> tuple[int, int]:
    """Run func once in a forked child; return (its peak RSS, its RSS before func) in bytes."""
    from django.db import connections

    connections.close_all()  # the child opens its own; never share a socket
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.write(write_end, str(_current_rss()).encode())
            os.close(write_end)
            func()
        except BaseException:  # noqa: BLE001 - the child must always reach os._exit
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + case.timeout_s
    try:
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                raise BenchError(f"memory run took longer than {case.timeout_s:g} s")
            time.sleep(0.02)
        start = int(os.read(read_end, 64) or b"0")
    except BaseException:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    if os.waitstatus_to_exitcode(status) != 0:
        raise BenchError("the memory run failed in the child process (traceback above)")
    # wait4 gives the child's struct rusage, as resource.getrusage would; Linux: in KiB.
    # It is the peak since fork, so peak - start is what one call of func added.
    return usage.ru_maxrss * 1024, start
