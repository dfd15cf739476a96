"""Prepare the database and static files, and run gunicorn on a free loopback port."""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


class BenchError(RuntimeError):
    """A failure with a message meant for the user (no traceback needed)."""


def bench_env(database_url: str) -> dict[str, str]:
    """Environment for manage.py, gunicorn and the in-process cases."""
    return {
        "DJANGO_SETTINGS_MODULE": "svc.settings.production",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EVALUATION_SEAL_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run_step(args: list[str], *, timeout: float, log: Path) -> float:
    """Run one preparation command; return its duration, or raise with its output."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            args,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"`{' '.join(args)}` took longer than {timeout:g} s") from exc
    log.write_text(proc.stdout)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(args)}` exited {proc.returncode}:\n{tail(proc.stdout, 30)}")
    return time.perf_counter() - started


def prepare(logdir: Path) -> dict[str, float]:
    """migrate + collectstatic with the production settings; return their durations."""
    python = sys.executable
    return {
        "migrate": run_step(
            [python, "manage.py", "migrate", "--noinput", "-v0"],
            timeout=300,
            log=logdir / "migrate.log",
        ),
        "collectstatic": run_step(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            timeout=300,
            log=logdir / "collectstatic.log",
        ),
    }


def tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, bytes]:
    """One request to the local server (loopback only)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Gunicorn:
    """gunicorn with N sync workers on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, logdir: Path, *, workers: int = 2, start_timeout: float = 30.0):
        self.logdir = logdir
        self.workers = workers
        self.start_timeout = start_timeout
        self.port = free_port()
        self.log = logdir / "gunicorn.log"
        self.proc: subprocess.Popen | None = None
        self.started_in: float | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Gunicorn:
        started = time.perf_counter()
        args = [
            str(BIN / "gunicorn"),
            "svc.wsgi:application",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
            "--pid",
            str(self.logdir / "gunicorn.pid"),
            "--worker-tmp-dir",
            str(self.logdir),
            "--no-control-socket",
        ]
        with open(self.logdir / "gunicorn.out", "wb") as out:
            # Own session: Ctrl-C reaches only us, and __exit__ stops gunicorn in order.
            self.proc = subprocess.Popen(
                args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - started
        return self

    def _wait_ready(self, started: float):
        deadline = started + self.start_timeout
        last_error = "no answer yet"
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"gunicorn exited {self.proc.returncode} while starting:\n{self.log_tail()}"
                )
            try:
                status, _ = request(self.port, "/healthz/", timeout=2)
            except OSError as exc:
                last_error = str(exc)
            else:
                if status == 200:
                    return
                last_error = f"GET /healthz/ answered {status}"
            time.sleep(0.1)
        raise BenchError(
            f"gunicorn did not answer within {self.start_timeout:g} s ({last_error}):\n"
            f"{self.log_tail()}"
        )

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self, timeout: float = 10.0):
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: master and workers
            proc.wait(timeout=5)

    def accept_queue(self) -> int | None:
        """Connections waiting for a worker on gunicorn's socket (/proc/net/tcp), or None."""
        port = f"{self.port:04X}"
        try:
            lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
        except OSError:
            return None
        for line in lines:
            fields = line.split()
            # local address, state 0A (LISTEN); for a listening socket rx_queue is its backlog.
            if fields[1].endswith(f":{port}") and fields[3] == "0A":
                return int(fields[4].split(":")[1], 16)
        return None

    def wait_idle(self, timeout: float = 180.0) -> float:
        """Wait until the requests a load left queued are served; returns the seconds waited.

        When wrk stops, the connections it leaves still wait in the socket's backlog and
        gunicorn's sync workers serve them all: a slow page would otherwise eat into the
        next measurement (or its own, after the warm-up). Waits for an empty backlog,
        then for one answer from a free worker.
        """
        started = time.perf_counter()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            queued = self.accept_queue()
            if not queued:
                break
            time.sleep(0.1)
        try:
            request(self.port, "/healthz/", timeout=max(1.0, deadline - time.perf_counter()))
        except OSError as exc:
            raise BenchError(f"gunicorn did not become idle within {timeout:g} s: {exc}") from exc
        return time.perf_counter() - started

    def worker_pids(self) -> list[int]:
        """The master's children (its workers), from /proc."""
        if self.proc is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the ")".
            fields = stat.rpartition(")")[2].split()
            if len(fields) > 1 and int(fields[1]) == self.proc.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        parts = []
        for path in (self.log, self.logdir / "gunicorn.out"):
            if path.exists():
                text = path.read_text(errors="replace").strip()
                if text:
                    parts.append(f"--- {path.name} (last {lines} lines)\n{tail(text, lines)}")
        return "\n".join(parts) or "(gunicorn wrote nothing to its logs)"
