"""What a bench case is, what it measured, and the targets a case may carry.

Two kinds of case:

- ``HttpCase``: load one URL on the running gunicorn with wrk; the value is req/s,
  p99 latency comes from ``wrk --latency``.
- ``TimedCase``: call a Python function in this process (Django is set up with the
  same settings as gunicorn); the value is the median time over N repeats.

A case may name another case as its baseline; the table then shows value / baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import Context

# HTTP cases compare themselves with this case unless they name another one.
DEFAULT_HTTP_BASELINE = "trivial view"


# How a figure is named in a target's text ("p99 < 100 ms"); others print bare.
_FIGURE_PREFIX = {"p99_ms": "p99 ", "ratio": "", "value": ""}
_SIGNS = {">=": "≥", "<=": "≤", "<": "<", ">": ">", "==": "="}


@dataclass(frozen=True)
class Target:
    """A pass/fail line for one measured figure.

    ``on`` names the figure compared: "ratio" (value / baseline), "value" (in the
    case's display unit), "p99_ms" (HTTP cases), or any key a runner puts in
    ``Result.figures`` (the peak-load stage: "rate_share", "errors", "lost", ...).
    ``op`` is ">=", "<=", ">", "<" or "==". ``style`` only changes how the limit is
    printed: "x" (0.5×), "%" (40 %) or "unit"; ``text`` replaces the whole printed
    target (e.g. "0 errors").
    """

    on: str
    op: str
    limit: float
    style: str = "x"
    text: str = ""

    def __post_init__(self):
        if not self.on or not self.on.replace("_", "").isalnum():
            raise ValueError(f"Target.on must name a figure, not {self.on!r}")
        if self.op not in _SIGNS:
            raise ValueError(f"Target.op must be one of {sorted(_SIGNS)}, not {self.op!r}")

    def describe(self, unit: str) -> str:
        if self.text:
            return self.text
        sign = _SIGNS[self.op]
        if self.style == "%":
            limit = f"{self.limit * 100:g} %"
        elif self.style == "x":
            limit = f"{self.limit:.2f}×"
        else:
            limit = f"{self.limit:,g} {'ms' if self.on == 'p99_ms' else unit}"
        return f"{_FIGURE_PREFIX.get(self.on, self.on + ' ')}{sign} {limit}"

    def parts(self) -> tuple[Target, ...]:
        return (self,)

    def met(self, figure: float) -> bool:
        return {
            ">=": figure >= self.limit,
            "<=": figure <= self.limit,
            ">": figure > self.limit,
            "<": figure < self.limit,
            "==": figure == self.limit,
        }[self.op]


@dataclass(frozen=True)
class AllOf:
    """Several targets that must all be met, e.g. a ratio and a p99 (printed with "and")."""

    targets: tuple[Target, ...]

    def __post_init__(self):
        if not self.targets:
            raise ValueError("AllOf needs at least one target")

    def describe(self, unit: str) -> str:
        return " and ".join(t.describe(unit) for t in self.targets)

    def parts(self) -> tuple[Target, ...]:
        return self.targets


def all_of(*targets: Target) -> AllOf:
    return AllOf(tuple(targets))


def ratio_at_least(limit: float, *, percent: bool = False) -> Target:
    """E.g. ``ratio_at_least(0.40)`` prints "≥ 0.40×" (of the baseline)."""
    return Target("ratio", ">=", limit, "%" if percent else "x")


def ratio_at_most(limit: float, *, percent: bool = False) -> Target:
    """E.g. ``ratio_at_most(3)`` prints "≤ 3.00×" (of the baseline)."""
    return Target("ratio", "<=", limit, "%" if percent else "x")


def value_at_least(limit: float) -> Target:
    return Target("value", ">=", limit, "unit")


def value_at_most(limit: float) -> Target:
    return Target("value", "<=", limit, "unit")


def value_below(limit: float) -> Target:
    """E.g. ``value_below(150)`` on a MiB case prints "< 150 MiB"."""
    return Target("value", "<", limit, "unit")


def p99_at_most(ms: float) -> Target:
    return Target("p99_ms", "<=", ms, "unit")


def p99_below(ms: float) -> Target:
    return Target("p99_ms", "<", ms, "unit")


def zero(figure: str, text: str = "") -> Target:
    """E.g. ``zero("errors")`` prints "0 errors"."""
    return Target(figure, "==", 0, "unit", text or f"0 {figure}")


@dataclass(frozen=True)
class HttpCase:
    """Load ``path`` on the local gunicorn with wrk and report req/s and p99.

    - ``setup(ctx)`` runs once before the load and returns extra request headers,
      e.g. ``lambda ctx: ctx.logged_in_headers("bench@example.se")``.
    - ``method``/``body``/``content_type`` make a simple non-GET request (wrk gets a
      generated Lua script); ``lua`` is a full wrk Lua script instead (then the
      one-request probe before the load is skipped; non-2xx/3xx answers still fail).
    - ``expect_status`` is checked with one request before the load.
    - ``allow_non_2xx`` accepts 4xx/5xx answers during the load (otherwise an error).
    """

    name: str
    path: str | Callable[[Context], str]
    baseline: str | None = DEFAULT_HTTP_BASELINE
    setup: Callable[[Context], dict[str, str]] | None = None
    method: str = "GET"
    body: str | None = None
    content_type: str = "application/x-www-form-urlencoded"
    lua: str | Callable[[Context], str] | None = None
    expect_status: int = 200
    allow_non_2xx: bool = False
    target: Target | AllOf | None = None
    # None: use the command-line defaults (-t2 -c16 -d5s).
    threads: int | None = None
    connections: int | None = None
    duration_s: float | None = None
    note: str = ""
    kind: str = field(default="http", init=False)

    unit = "req/s"


@dataclass(frozen=True)
class TimedCase:
    """Time a Python callable in-process: median of ``repeats`` runs after ``warmup``.

    Give either ``func`` (no arguments) or ``prepare(ctx)``, which does the set-up
    once and returns the no-argument callable to time. Django is already set up
    (production settings, the throwaway PostgreSQL) when either runs.

    ``memory``: None, "rss" (one extra run in a forked child; peak RSS from
    ``resource``/``wait4``) or "tracemalloc" (one extra run; peak Python allocations).
    ``max_seconds`` bounds the timed runs (fewer repeats are reported if it hits) and
    ``timeout_s`` aborts a single call that hangs.
    """

    name: str
    func: Callable[[], Any] | None = None
    prepare: Callable[[Context], Callable[[], Any]] | None = None
    repeats: int = 10
    warmup: int = 1
    unit: str = "ms"
    baseline: str | None = None
    memory: str | None = None
    target: Target | AllOf | None = None
    max_seconds: float = 60.0
    timeout_s: float = 120.0
    note: str = ""
    kind: str = field(default="timed", init=False)

    def __post_init__(self):
        if (self.func is None) == (self.prepare is None):
            raise ValueError(f"{self.name}: give exactly one of func= or prepare=")
        if self.unit not in UNIT_SCALE:
            raise ValueError(f"{self.name}: unit must be one of {sorted(UNIT_SCALE)}")
        if self.memory not in {None, "rss", "tracemalloc"}:
            raise ValueError(f"{self.name}: memory must be None, 'rss' or 'tracemalloc'")
        if not 1 <= self.repeats <= 10_000:
            raise ValueError(f"{self.name}: repeats must be between 1 and 10000")


@dataclass(frozen=True)
class WorkerRssCase:
    """The peak RSS (VmHWM) of the gunicorn workers, read from /proc after the HTTP cases.

    The value is the largest worker's peak in MiB; the details name every worker and
    say whether one was replaced during the run (then its peak is not in the figure).
    """

    name: str
    target: Target | AllOf | None = None
    note: str = ""
    baseline: str | None = None
    kind: str = field(default="rss", init=False)

    unit = "MiB"


@dataclass(frozen=True)
class PeakCase:
    """A fixed-rate mix of requests over every role for a while, then a reconciliation
    against the database (``bench_helpers.peak``).

    ``prepare(ctx, duration_s)`` seeds what the mix needs and returns a ``peak.Plan``;
    ``reconcile(plan, outcome)`` reads the database and returns a ``peak.Reconciliation``.
    """

    name: str
    prepare: Callable[[Context, float], Any]
    reconcile: Callable[[Any, Any], Any]
    duration_s: float = 60.0
    threads: int = 32
    target: Target | AllOf | None = None
    note: str = ""
    baseline: str | None = None
    kind: str = field(default="peak", init=False)

    unit = "req/s"


# Seconds -> display unit.
UNIT_SCALE = {"s": 1.0, "ms": 1e3, "µs": 1e6}

Case = HttpCase | TimedCase | WorkerRssCase | PeakCase


@dataclass
class Result:
    """What one case measured (or why it did not)."""

    case: Case
    value: float | None = None  # req/s, or the median in the case's unit
    p99_ms: float | None = None
    details: str = ""
    error: str | None = None
    # Stage name -> seconds, in order; printed when a case fails.
    stages: dict[str, float] = field(default_factory=dict)
    ratio: float | None = None
    verdict: str = ""
    # Further figures a target may name (see Target.on), e.g. the peak stage's "errors".
    figures: dict[str, float] = field(default_factory=dict)
    # Markdown printed after the table (the peak stage's per-kind figures).
    sections: list[str] = field(default_factory=list)

    def figure(self, name: str) -> float | None:
        if name in self.figures:
            return self.figures[name]
        return {"ratio": self.ratio, "value": self.value, "p99_ms": self.p99_ms}.get(name)

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None
