"""Machinery for scripts/bench.py; the list of cases lives in bench.py itself."""

from .cases import (
    DEFAULT_HTTP_BASELINE,
    HttpCase,
    Result,
    Target,
    TimedCase,
    p99_at_most,
    ratio_at_least,
    ratio_at_most,
    value_at_least,
    value_at_most,
)
from .report import resolve, stage_summary, table
from .runner import Context, LoadSettings, merge_headers, run_case
from .server import ROOT, BenchError, Gunicorn, bench_env, prepare

__all__ = [
    "DEFAULT_HTTP_BASELINE",
    "ROOT",
    "BenchError",
    "Context",
    "Gunicorn",
    "HttpCase",
    "LoadSettings",
    "Result",
    "Target",
    "TimedCase",
    "bench_env",
    "merge_headers",
    "p99_at_most",
    "prepare",
    "ratio_at_least",
    "ratio_at_most",
    "resolve",
    "run_case",
    "stage_summary",
    "table",
    "value_at_least",
    "value_at_most",
]
