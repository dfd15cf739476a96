"""Ratios, verdicts and the Markdown table."""

from __future__ import annotations

from .cases import HttpCase, PeakCase, Result

MET = "met"
MISSED = "**missed**"


def _shown(name: str, figure: float, unit: str) -> str:
    if name == "ratio":
        return f"{figure:.2f}×"
    if name == "p99_ms":
        return f"p99 {figure:.1f} ms"
    if name == "value":
        return f"{figure:,.4g} {unit}"
    if name == "rate_share":
        return f"rate {figure * 100:.1f} %"
    return f"{figure:,g} {name}"


def verdict_of(result: Result) -> str:
    """ "met", "**missed** (what missed)", "ERROR", "n/a ..." or "" (no target)."""
    target = result.case.target
    if target is None:
        return "ERROR" if result.error is not None else ""
    if not result.ok:
        return "ERROR"
    missed = []
    for part in target.parts():
        figure = result.figure(part.on)
        if figure is None:
            return "n/a (no baseline)" if part.on == "ratio" else f"n/a (no {part.on})"
        if not part.met(figure):
            missed.append(_shown(part.on, figure, result.case.unit))
    if not missed:
        return MET
    if len(target.parts()) == 1:
        return MISSED
    return f"{MISSED} ({'; '.join(missed)})"


def is_missed(result: Result) -> bool:
    return result.verdict.startswith(MISSED)


def resolve(results: list[Result]):
    """Fill in each result's ratio to its baseline and its target verdict."""
    by_name = {r.case.name: r for r in results}
    for result in results:
        case = result.case
        base = by_name.get(case.baseline) if case.baseline else None
        if result.ok and base is not None and base.ok and base.value:
            result.ratio = result.value / base.value
        result.verdict = verdict_of(result)


def log_line(result: Result) -> str:
    """What bench.py prints when a case is done: figure, ratio, target and verdict."""
    case = result.case
    p99 = f", p99 {result.p99_ms:.1f} ms" if result.p99_ms is not None else ""
    ratio = f", {result.ratio:.2f}× {case.baseline}" if result.ratio is not None else ""
    target = (
        f"; target {case.target.describe(case.unit)}: {result.verdict.replace('*', '')}"
        if case.target
        else "; no target (a reference line)"
    )
    return f"{case.name}: {result.value:,.4g} {case.unit}{p99}{ratio}{target} ({result.details})"


def _value(result: Result) -> str:
    if result.value is None:
        return "—"
    if isinstance(result.case, HttpCase | PeakCase) or result.value >= 100:
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
                case.target.describe(case.unit) if case.target else "— (reference)",
                result.verdict or "—",
                details,
            ]
        )
    lines = "\n".join("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    sections = [section for result in results for section in result.sections]
    return "\n\n".join([lines, *sections])


def stage_summary(result: Result) -> str:
    """Where the time of one case went, e.g. "setup 0.2 s, probe 0.01 s, measure 5.0 s"."""
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.stages.items())
