"""Ratios, verdicts and the Markdown table."""

from __future__ import annotations

from .cases import HttpCase, Result


def resolve(results: list[Result]):
    """Fill in each result's ratio to its baseline and its target verdict."""
    by_name = {r.case.name: r for r in results}
    for result in results:
        case = result.case
        base = by_name.get(case.baseline) if case.baseline else None
        if result.ok and base is not None and base.ok and base.value:
            result.ratio = result.value / base.value
        target = case.target
        if target is None:
            result.verdict = ""
        elif not result.ok:
            result.verdict = "ERROR"
        else:
            figure = {"ratio": result.ratio, "value": result.value, "p99_ms": result.p99_ms}[
                target.on
            ]
            if figure is None:
                result.verdict = "n/a (no baseline)" if target.on == "ratio" else "n/a"
            else:
                result.verdict = "met" if target.met(figure) else "**missed**"
        if result.error is not None and not result.verdict:
            result.verdict = "ERROR"


def _value(result: Result) -> str:
    if result.value is None:
        return "—"
    if isinstance(result.case, HttpCase) or result.value >= 100:
        return f"{result.value:,.0f}"
    return f"{result.value:.3g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(results: list[Result]) -> str:
    rows = [
        ["Case", "Value", "Unit", "p99", "Ratio", "Baseline", "Target", "Verdict", "Details"],
        ["---", "---:", "---", "---:", "---:", "---", "---", "---", "---"],
    ]
    for result in results:
        case = result.case
        if result.error is not None:
            first_line = result.error.strip().splitlines()[0]
            details = "failed: " + (
                first_line[:117] + "..." if len(first_line) > 120 else first_line
            )
        else:
            details = result.details
        if case.note:
            details = f"{details}; {case.note}" if details else case.note
        is_own_baseline = case.baseline == case.name
        rows.append(
            [
                case.name,
                _value(result),
                case.unit,
                f"{result.p99_ms:.1f} ms" if result.p99_ms is not None else "—",
                f"{result.ratio:.2f}×" if result.ratio is not None else "—",
                "—" if is_own_baseline or not case.baseline else case.baseline,
                case.target.describe(case.unit) if case.target else "—",
                result.verdict or "—",
                details,
            ]
        )
    return "\n".join("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)


def stage_summary(result: Result) -> str:
    """Where the time of one case went, e.g. "setup 0.2 s, probe 0.01 s, measure 5.0 s"."""
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.stages.items())
