"""Spreadsheet export of aggregated results. Never individual answers, never texts.

Built only from ``evaluations.results``, so a hidden unit has empty cells for
its mean and distribution here exactly as on the page. Text is written through
``core.xlsx`` and cannot run as a formula.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.xlsx import workbook_bytes

from .effects import EffectSummary
from .results import Figures, ProgramResults, Status


def status_note(status: str, *, k: int) -> str:
    """Why a unit's mean is missing, in words."""
    if status == Status.TOO_FEW:
        return _("Fewer than %(k)d answers: not shown.") % {"k": k}
    return {
        Status.SHOWN: "",
        Status.PROTECTED: _("Hidden so that a smaller unit cannot be worked out."),
        Status.NO_ANSWERS: _("No answers."),
        Status.OPEN: _("Open: results are published when the evaluation closes."),
    }[status]


def _row(level: str, round_label, group_label, module_label, figures: Figures, k: int) -> list:
    distribution = figures.distribution or [None] * 6
    return [
        level,
        round_label,
        group_label,
        module_label,
        figures.answers,
        figures.attendances,
        figures.response_rate,
        figures.mean,
        *distribution,
        status_note(figures.status, k=k),
    ]


def _levels() -> dict[str, str]:
    return {
        "program": pgettext("results level", "Program"),
        "module": pgettext("results level", "Module"),
        "round": pgettext("results level", "Round"),
        "module_round": pgettext("results level", "Module in round"),
        "group": pgettext("results level", "Group"),
        "session": pgettext("results level", "Session"),
    }


def results_xlsx(*, results: ProgramResults, effects: EffectSummary | None = None) -> bytes:
    """The program's results per program, module, round, module in a round, group and session."""
    k = results.k
    level = _levels()
    headers = [
        _("Level"), level["round"], _("Development group"), _("Module"), _("Answers"),
        _("Attendees"), _("Response rate (%)"), _("Mean (1–6)"),
        "1", "2", "3", "4", "5", "6", _("Note"),
    ]  # fmt: skip
    rows = [_row(level["program"], "", "", "", results.total, k)]
    for row in results.module_rows:
        rows.append(_row(level["module"], "", "", str(row.module), row.total, k))
    for block in results.rounds:
        round_label = str(block.round)
        rows.append(_row(level["round"], round_label, "", "", block.total, k))
        for module, figures in zip(results.modules, block.modules, strict=True):
            rows.append(_row(level["module_round"], round_label, "", str(module), figures, k))
        for group_row in block.groups:
            group_label = str(group_row.group)
            rows.append(_row(level["group"], round_label, group_label, "", group_row.total, k))
            for cell in filter(None, group_row.cells):
                rows.append(
                    _row(level["session"], round_label, group_label, str(cell.module),
                         cell.figures, k)
                )  # fmt: skip
    sheets = [(_("Results"), headers, rows)]
    if effects is not None:
        theme_headers = [_("Development group"), *(t.name for t in effects.themes), _("Note")]
        effect_rows = [
            [row.label, *(row.counts or [None] * len(effects.themes)), status_note(row.status, k=k)]
            for row in ([effects.total] if effects.total else []) + effects.groups
        ]
        sheets.append((_("Effects"), theme_headers, effect_rows))
    return workbook_bytes(sheets)
