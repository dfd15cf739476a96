"""Run wrk against the local server and read req/s, p99 and errors from its output."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .server import BenchError

WRK = shutil.which("wrk") or "/usr/bin/wrk"

_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_LATENCY = r"([\d.]+)(us|ms|s|m|h)"


@dataclass
class WrkRun:
    requests_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    seconds: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]
    output: str

    @property
    def socket_error_total(self) -> int:
        return sum(self.socket_errors.values())


def _ms(number: str, unit: str) -> float:
    return float(number) * _UNITS_MS[unit]


def parse(output: str) -> WrkRun:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not rps:
        raise BenchError(f"no Requests/sec in wrk's output:\n{output.strip()}")
    total = re.search(r"^\s*(\d+) requests in " + _LATENCY, output, re.M)
    p50 = re.search(r"^\s+50(?:\.0+)?%\s+" + _LATENCY, output, re.M)
    p99 = re.search(r"^\s+99(?:\.0+)?%\s+" + _LATENCY, output, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkRun(
        requests_per_s=float(rps.group(1)),
        p50_ms=_ms(*p50.groups()) if p50 else None,
        p99_ms=_ms(*p99.groups()) if p99 else None,
        requests=int(total.group(1)) if total else 0,
        seconds=_ms(total.group(2), total.group(3)) / 1e3 if total else 0.0,
        non_2xx_3xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=dict(
            zip(
                ("connect", "read", "write", "timeout"),
                (int(n) for n in sock.groups()) if sock else (0, 0, 0, 0),
                strict=True,
            )
        ),
        output=output,
    )


def run(
    url: str,
    *,
    threads: int,
    connections: int,
    duration_s: float,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> WrkRun:
    """One bounded wrk run with --latency; raise BenchError if it fails or hangs."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"refusing to load anything but 127.0.0.1: {url}")
    args = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        "--timeout",
        "5s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    args.append(url)
    try:
        proc = subprocess.run(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=duration_s + 30,
            check=False,
        )
    except FileNotFoundError as exc:
        raise BenchError(f"wrk not found at {WRK} (apt-get install wrk)") from exc
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish within {duration_s + 30:g} s") from exc
    if proc.returncode != 0:
        raise BenchError(f"wrk exited {proc.returncode}:\n{proc.stdout.strip()}")
    return parse(proc.stdout)


def lua_for_request(method: str, body: str | None, content_type: str) -> str:
    """A wrk script that sends every request with this method and body."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [f"wrk.method = {quote(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {quote(body)}")
        lines.append(f'wrk.headers["Content-Type"] = {quote(content_type)}')
    return "\n".join(lines) + "\n"
