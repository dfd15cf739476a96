"""The evaluations app's results as the plain data a status report's snapshot holds.

The k rule and complementary suppression are applied in the evaluations app
(``evaluations.selectors.program_results`` and ``effect_summary``) before the
results come here: a unit shown to nobody has ``mean`` None, which every
page and the PDF print as "–".
"""

import datetime as dt
from decimal import Decimal

from evaluations.effects import EffectSummary
from evaluations.results import Figures, ProgramResults
from evaluations.selectors import effect_summary, program_results
from programs.models import Program


def evaluation_figures(*, program: Program, as_of: dt.datetime | None = None) -> dict | None:
    """The program's evaluation results as plain data, or None while nobody has answered.

    With ``as_of``, only what was published by then counts. The shape::

        {"mean": 4.8, "answers": 1900, "response_rate": 0.87,
         "by_module": [{"label": "1. Del av en helhet", "mean": 4.7, "answers": 480}],
         "by_round": [{"label": "Omgång 1", "mean": 4.9, "answers": 400}],
         "by_group": [{"label": "Omgång 1, Grupp 7", "mean": None, "answers": 4}],
         "effects_by_theme": [{"label": "Ökad helhetssyn i chefsrollen", "count": 120}]}
    """
    results = program_results(program=program, now=as_of)
    effects = effect_summary(program=program, now=as_of)
    if not results.total.answers:
        return None
    return _snapshot_data(results=results, effects=effects)


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _unit(label: object, figures: Figures) -> dict:
    return {"label": str(label), "mean": _number(figures.mean), "answers": figures.answers}


def _snapshot_data(*, results: ProgramResults, effects: EffectSummary) -> dict:
    total = results.total
    rate = total.response_rate  # per cent
    data = {
        "mean": _number(total.mean),
        "answers": total.answers,
        "response_rate": None if rate is None else _number(float(rate) / 100),
        "by_module": [_unit(row.module, row.total) for row in results.module_rows],
        "by_round": [_unit(block.round, block.total) for block in results.rounds],
        "by_group": [
            _unit(f"{block.round}, {row.group}", row.total)
            for block in results.rounds
            for row in block.groups
        ],
    }
    if effects.total is not None:
        counts = effects.total.counts
        data["effects_by_theme"] = [
            {"label": str(theme), "count": None if counts is None else counts[i]}
            for i, theme in enumerate(effects.themes)
        ]
    return data
