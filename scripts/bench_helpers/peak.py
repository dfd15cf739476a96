"""The peak-load stage: a fixed-rate mix of requests with wrk + Lua, then a reconciliation.

How the load is made (``plan`` → ``run`` → ``analyse``):

- ``plan`` spreads each action of the mix (e.g. "evaluation submit": a GET then a
  POST, 20 a second) evenly over the run, merges them in time order and deals them
  round-robin to wrk threads. Every thread has ONE connection, so its requests go
  strictly one after the other and each answer belongs to the request before it
  (wrk's Lua API does not say which connection answered).
- Each thread reads its own plan file (``plan-<n>.tsv``: when, kind, id, method,
  path, body, what to capture, headers) and waits with wrk's ``delay()`` until the
  planned moment (CLOCK_MONOTONIC through LuaJIT's ffi, the clock of Python's
  ``time.monotonic``). A thread that is late sends at once: the rate is held as
  long as the server keeps up, and a slow server shows as a lower rate reached.
- Each thread logs every request it sends (``S``) and every answer (``R``: status,
  milliseconds, the Location header or the start of the body) to ``log-<n>.tsv``.
  ``analyse`` joins them with the plan: per kind, how many, p50/p95/p99, and the
  errors (a status that is not 2xx/3xx, an answer that is not the expected one,
  e.g. a form shown again instead of the redirect, or no answer at all).

The reconciliation against the database is the fixture's (``scripts/bench_cases_peak.py``);
the comparisons it makes are the pure functions at the end of this module.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEAD_IN_S = 2.0  # wrk's threads read their plans and connect before the first request
TAIL_S = 4.0  # after the last planned request, the time left for the last answers


@dataclass(frozen=True)
class Request:
    """One planned request. ``expect``: "200", "302", "302:<end of Location>",
    "302:!<text Location must not hold>" or "body:<start of the body>"."""

    kind: str
    method: str
    path: str
    expect: str = "200"
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    key: str = ""  # what the reconciliation knows it by (a participant, a draft)
    at_ms: float = 0.0
    id: str = ""


@dataclass(frozen=True)
class Action:
    """One line of the mix: ``rate`` times a second, ``build(n, thread, n_on_thread)``
    gives its requests (one, or a GET and a POST) for the n-th time overall."""

    name: str
    rate: float
    build: Callable[[int, int, int], list[Request]]


@dataclass
class Plan:
    threads: list[list[Request]]
    duration_s: float
    actions: list[Action]
    data: dict[str, Any] = field(default_factory=dict)  # what the reconciliation needs

    @property
    def requests(self) -> list[Request]:
        return [r for thread in self.threads for r in thread]

    @property
    def offered_rate(self) -> float:
        return len(self.requests) / self.duration_s


def plan(actions: list[Action], *, duration_s: float, threads: int) -> Plan:
    """Spread every action evenly over ``duration_s``, in time order, over ``threads``."""
    timeline = []
    for index, action in enumerate(actions):
        count = math.floor(action.rate * duration_s)
        offset = index / max(1, len(actions))  # stagger the actions' first requests
        timeline += [((n + offset) / action.rate, index, n) for n in range(count)]
    timeline.sort()
    per_thread: list[list[Request]] = [[] for _ in range(threads)]
    on_thread: dict[tuple[int, int], int] = defaultdict(int)
    for position, (at_s, index, n) in enumerate(timeline):
        thread = position % threads
        j = on_thread[index, thread]
        on_thread[index, thread] += 1
        for request in actions[index].build(n, thread, j):
            number = len(per_thread[thread])
            per_thread[thread].append(
                Request(**{**request.__dict__, "at_ms": at_s * 1000, "id": f"{thread}-{number}"})
            )
    return Plan(threads=per_thread, duration_s=duration_s, actions=actions)


def _clean(text: str) -> str:
    if "\t" in text or "\n" in text or "\r" in text:
        raise ValueError(f"a plan field may not hold a tab or a newline: {text[:60]!r}")
    return text


def write_plan(plan_: Plan, directory: Path) -> None:
    for number, requests in enumerate(plan_.threads):
        lines = []
        for r in requests:
            capture = "body" if r.expect.startswith("body:") else ""
            fields = [f"{r.at_ms:.1f}", r.kind, r.id, r.method, r.path, r.body, capture]
            fields += [f"{name}: {value}" for name, value in r.headers]
            lines.append("\t".join(_clean(f) for f in fields))
        (directory / f"plan-{number}.tsv").write_text("\n".join(lines) + "\n" if lines else "")


def lua_script(directory: Path, start_monotonic_s: float) -> str:
    """The wrk script: each thread plays its plan file at the planned times and logs."""
    return f"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct {{ long tv_sec; long tv_nsec; }} svc_bench_timespec;
int clock_gettime(int clk_id, svc_bench_timespec *tp);
]]
local ts = ffi.new("svc_bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC, as Python's time.monotonic()
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local START = {start_monotonic_s * 1000:.3f}
local DIR = "{directory}"
local counter = 0
local rows, next_row, log, current, sent_at = nil, 1, nil, nil, 0

local function split(line)
  local out, pos = {{}}, 1
  while true do
    local tab = string.find(line, "\\t", pos, true)
    if not tab then
      out[#out + 1] = string.sub(line, pos)
      return out
    end
    out[#out + 1] = string.sub(line, pos, tab - 1)
    pos = tab + 1
  end
end

function setup(thread)
  thread:set("thread_no", counter)
  counter = counter + 1
end

function init(args)
  rows = {{}}
  for line in io.lines(DIR .. "/plan-" .. thread_no .. ".tsv") do
    if line ~= "" then
      local f = split(line)
      local headers = {{}}
      for i = 8, #f do
        local colon = string.find(f[i], ": ", 1, true)
        headers[string.sub(f[i], 1, colon - 1)] = string.sub(f[i], colon + 2)
      end
      local body = nil
      if f[6] ~= "" then body = f[6] end
      rows[#rows + 1] = {{at = START + tonumber(f[1]), id = f[3], method = f[4],
                         path = f[5], body = body, capture = f[7], headers = headers}}
    end
  end
  log = io.open(DIR .. "/log-" .. thread_no .. ".tsv", "w")
  log:setvbuf("line")
end

function delay()
  local row = rows and rows[next_row]
  if not row then return 600000 end
  local wait = row.at - now_ms()
  if wait < 1 then return 0 end
  return math.floor(wait)
end

function request()
  local row = rows and rows[next_row]
  if not row then
    current = nil -- wrk's own check of the script (main state), or past the plan
    return wrk.format("GET", "/healthz/")
  end
  next_row = next_row + 1
  current = row
  sent_at = now_ms()
  log:write("S\\t", row.id, "\\t", string.format("%.1f", sent_at - START), "\\n")
  return wrk.format(row.method, row.path, row.headers, row.body)
end

function response(status, headers, body)
  if not current then return end
  local elapsed = now_ms() - sent_at
  local extra = headers["Location"] or headers["location"] or ""
  if current.capture == "body" then
    extra = string.sub((string.gsub(body or "", "%s+", " ")), 1, 200)
  end
  log:write("R\\t", current.id, "\\t", status, "\\t", string.format("%.2f", elapsed), "\\t",
            extra, "\\n")
  current = nil
end
"""


# --- After the run -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    latency_ms: float
    extra: str  # the Location header, or the start of the body when asked for


@dataclass
class Outcome:
    """What came back: answers by request id, the requests sent, wrk's summary."""

    answers: dict[str, Answer]
    sent: dict[str, float]  # id -> ms after the start when it was sent
    wrk: Any = None

    def status_of(self, request: Request) -> str:
        """ "ok", "failed" (an answer, not the expected one), "unanswered" or "unsent"."""
        answer = self.answers.get(request.id)
        if answer is None:
            return "unanswered" if request.id in self.sent else "unsent"
        return "ok" if answer_ok(request, answer) else "failed"


def read_logs(directory: Path, threads: int) -> Outcome:
    answers: dict[str, Answer] = {}
    sent: dict[str, float] = {}
    for number in range(threads):
        path = directory / f"log-{number}.tsv"
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            parts = line.split("\t")
            if parts[0] == "S" and len(parts) >= 3:
                sent[parts[1]] = float(parts[2])
            elif parts[0] == "R" and len(parts) >= 4:
                extra = parts[4] if len(parts) > 4 else ""
                answers[parts[1]] = Answer(int(parts[2]), float(parts[3]), extra)
    return Outcome(answers=answers, sent=sent)


def answer_ok(request: Request, answer: Answer) -> bool:
    if not 200 <= answer.status < 400:
        return False
    expect = request.expect
    if expect.startswith("body:"):
        return answer.status == 200 and answer.extra.strip().startswith(expect[5:].strip())
    status, _, location = expect.partition(":")
    if answer.status != int(status):
        return False
    if location.startswith("!"):
        return location[1:] not in answer.extra
    return answer.extra.endswith(location) if location else True


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class KindFigures:
    kind: str
    planned: int = 0
    answered: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)

    def p(self, share: float) -> float | None:
        return percentile(self.latencies, share)


@dataclass
class Summary:
    kinds: dict[str, KindFigures]
    planned: int
    answered: int
    rate: float  # answers a second over the run (or longer, if the last came late)
    offered: float
    errors: int
    failed: int
    unanswered: int
    unsent: int
    non_2xx_3xx: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


def summarise(plan_: Plan, outcome: Outcome) -> Summary:
    kinds: dict[str, KindFigures] = {}
    latencies: list[float] = []
    counts: Counter[str] = Counter()
    last_ms = 0.0
    for request in plan_.requests:
        figures = kinds.setdefault(request.kind, KindFigures(request.kind))
        figures.planned += 1
        state = outcome.status_of(request)
        counts[state] += 1
        answer = outcome.answers.get(request.id)
        if answer is not None:
            figures.answered += 1
            figures.latencies.append(answer.latency_ms)
            latencies.append(answer.latency_ms)
            last_ms = max(last_ms, outcome.sent.get(request.id, 0.0) + answer.latency_ms)
            if not 200 <= answer.status < 400:
                counts["non_2xx_3xx"] += 1
        if state in ("failed", "unanswered"):
            figures.errors += 1
    span_s = max(plan_.duration_s, last_ms / 1000)
    answered = sum(f.answered for f in kinds.values())
    return Summary(
        kinds=kinds,
        planned=len(plan_.requests),
        answered=answered,
        rate=answered / span_s if span_s else 0.0,
        offered=plan_.offered_rate,
        errors=counts["failed"] + counts["unanswered"],
        failed=counts["failed"],
        unanswered=counts["unanswered"],
        unsent=counts["unsent"],
        non_2xx_3xx=counts["non_2xx_3xx"],
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
    )


def _ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def kinds_table(summary: Summary, labels: dict[str, str]) -> str:
    rows = [
        "| Kind | Planned | Answered | req/s | Errors | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    span = summary.answered / summary.rate if summary.rate else 0
    for kind, figures in summary.kinds.items():
        rate = figures.answered / span if span else 0
        rows.append(
            f"| {labels.get(kind, kind)} | {figures.planned:,} | {figures.answered:,} | "
            f"{rate:.1f} | {figures.errors} | {_ms(figures.p(0.50))} | "
            f"{_ms(figures.p(0.95))} | {_ms(figures.p(0.99))} |"
        )
    rows.append(
        f"| **all** | {summary.planned:,} | {summary.answered:,} | {summary.rate:.1f} | "
        f"{summary.errors} | {_ms(summary.p50_ms)} | {_ms(summary.p95_ms)} | "
        f"{_ms(summary.p99_ms)} |"
    )
    return "\n".join(rows)


def run(plan_: Plan, *, url: str, directory: Path, wrk_run: Callable[..., Any]) -> Outcome:
    """Write the plan, run wrk over it (``wrk_run`` is ``wrk.run``), read the logs."""
    directory.mkdir(parents=True, exist_ok=True)
    write_plan(plan_, directory)
    script = directory / "peak.lua"
    start = time.monotonic() + LEAD_IN_S
    script.write_text(lua_script(directory, start))
    threads = len(plan_.threads)
    run_ = wrk_run(
        url,
        threads=threads,
        connections=threads,
        duration_s=math.ceil(LEAD_IN_S + plan_.duration_s + TAIL_S),
        script=script,
    )
    outcome = read_logs(directory, threads)
    outcome.wrk = run_
    return outcome


# --- The reconciliation's comparisons (the database reads are the fixture's) -----------------


@dataclass
class Check:
    """One comparison of what the server answered with what the database holds."""

    name: str
    checked: int = 0
    lost: int = 0
    duplicated: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        extra = f"; {'; '.join(self.notes)}" if self.notes else ""
        return (
            f"{self.name}: {self.checked:,} checked, {self.lost} lost, "
            f"{self.duplicated} duplicated{extra}"
        )


def compare_submits(
    *,
    outcomes: dict[str, str],
    completions: Counter[str],
    envelopes: int,
    folded: int,
    posted: dict[str, tuple[int, ...]],
    stored_ratings: Counter[tuple[int, ...]],
) -> Check:
    """Evaluation POSTs against the database, for one session.

    ``outcomes``: participant key -> the POST's outcome ("ok", "failed", "unanswered",
    "unsent"); ``completions``: completions per participant key; ``envelopes`` and
    ``folded``: answers held sealed, and folded into counters (respondents); ``posted``:
    the ratings each participant sent; ``stored_ratings``: how many stored answers hold
    each tuple of ratings (from the opened envelopes).

    Lost: a success answer without exactly one completion, or completions without
    their answers. Duplicated: a second completion for one participant, answers
    beyond the completions, or completions of a POST that was never sent. A POST
    sent but unanswered (in flight when wrk stopped, or a dropped connection) may
    or may not have been stored; both are fine.
    """
    check = Check("evaluation submits", checked=sum(1 for o in outcomes.values() if o == "ok"))
    for key, outcome in outcomes.items():
        count = completions.get(key, 0)
        if outcome == "ok" and count == 0:
            check.lost += 1
        if count > 1:
            check.duplicated += count - 1
        if outcome in ("unsent", "failed") and count:
            check.duplicated += count
            check.notes.append(f"{key}: stored though its POST was {outcome}")
    strangers = set(completions) - set(outcomes)
    if strangers:
        check.duplicated += sum(completions[k] for k in strangers)
        check.notes.append(f"{len(strangers)} completions of participants who did not post")
    total = sum(completions.values())
    answers = envelopes + folded
    if answers < total:
        check.lost += total - answers
        check.notes.append(f"{total - answers} completions without their answers")
    elif answers > total:
        check.duplicated += answers - total
        check.notes.append(f"{answers - total} answers beyond the completions")
    if not folded:
        expected: Counter[tuple[int, ...]] = Counter()
        for key, count in completions.items():
            if key in posted:
                expected[posted[key]] += count
        differ = sum((expected - stored_ratings).values())
        if differ:
            check.lost += differ
            check.notes.append(f"{differ} stored answers differ from what was posted")
    check.notes.append(f"{envelopes:,} sealed, {folded:,} folded")
    return check


@dataclass(frozen=True)
class Save:
    """One autosave: of which draft, in which order on its connection, with which text."""

    key: str
    order: int
    text: str
    outcome: str  # as Outcome.status_of


def compare_autosaves(*, saves: Iterable[Save], stored: dict[str, list[str]]) -> Check:
    """Autosaves against the stored drafts.

    Each draft is saved by one connection only, in order, each save with a longer
    text. What must be stored is the text of the last save that got a success
    answer, or of a later one that was sent but not answered (it may have landed).
    ``stored``: draft key -> the texts stored for it (more than one: a duplicate).
    """
    by_key: dict[str, list[Save]] = defaultdict(list)
    for save in saves:
        by_key[save.key].append(save)
    check = Check("agreement autosaves")
    for key, key_saves in by_key.items():
        key_saves.sort(key=lambda s: s.order)
        check.checked += sum(1 for s in key_saves if s.outcome == "ok")
        texts = stored.get(key, [])
        if len(texts) > 1:
            check.duplicated += len(texts) - 1
        successes = [i for i, s in enumerate(key_saves) if s.outcome == "ok"]
        if not successes:
            continue
        last = successes[-1]
        allowed = {key_saves[last].text} | {
            s.text for s in key_saves[last + 1 :] if s.outcome == "unanswered"
        }
        if not texts or texts[0] not in allowed:
            check.lost += 1
            check.notes.append(f"{key}: stored {texts[0][:40] if texts else None!r}")
    check.notes.append(f"{len(by_key)} drafts")
    return check
