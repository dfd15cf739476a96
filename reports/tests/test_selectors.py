"""The figures of "program in figures", the check-in corrections a report carries, and the
evaluation results it reads from the evaluations app."""

import datetime as dt
import sys
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.tests.factories import CheckInFactory
from reports import selectors
from reports.tests.conftest import grow_program

pytestmark = pytest.mark.django_db


def test_program_figures_of_the_small_program(small_program, check_ins):
    figures = selectors.program_figures(program=small_program.program)

    assert {k: v for k, v in figures.items() if k not in ("as_of", "evaluations")} == {
        "version": 1,
        "rounds": 2,
        "groups": 3,
        "participants": {"enrolled": 9, "completed": 4, "withdrawn": 1},
        "sessions": {"held": 3, "planned": 2},
        "attendance": {"present": 9, "absent": 1, "excused": 1, "recorded": 11, "rate": 0.8182},
        "attendance_by_module": [
            {"order": 1, "name": "Del av en helhet", "present": 6, "recorded": 7, "rate": 0.8571},
            {"order": 2, "name": "Klar ledare", "present": 3, "recorded": 4, "rate": 0.75},
        ],
        "agreements": {
            "total": 4,
            "by_status": {"draft": 1, "submitted": 1, "returned": 0, "agreed": 2},
            "by_stage": [
                {
                    "stage": "before_1",
                    "counts": {"draft": 1, "submitted": 1, "returned": 0, "agreed": 2},
                }
            ],
        },
        "consultants": 4,
        "check_ins": 2,
        "status_reports": 0,
    }


def test_sessions_count_as_held_once_they_have_ended(small_program):
    before_any = timezone.make_aware(dt.datetime(2015, 3, 1))

    figures = selectors.program_figures(program=small_program.program, as_of=before_any)

    assert figures["sessions"] == {"held": 0, "planned": 5}
    assert figures["attendance"]["recorded"] == 0
    assert figures["attendance"]["rate"] is None


def test_program_figures_query_count_does_not_grow_with_the_data(small_program, check_ins):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.program_figures(program=small_program.program)
        return len(ctx.captured_queries)

    small = count()
    grow_program(small_program, groups=4, members=5)

    assert count() == small


def test_corrections_of_the_period_newest_first(small_program, check_ins):
    corrections = selectors.corrections_for_period(
        program=small_program.program,
        period_start=dt.date(2015, 3, 1),
        period_end=dt.date(2015, 4, 30),
    )

    assert corrections == [
        {
            "held_on": "2015-04-20",
            "module": "2. Klar ledare",
            "corrections": "Kortare rollspel följda av reflektion i par.",
        },
        {
            "held_on": "2015-03-16",
            "module": "1. Del av en helhet",
            "corrections": "Mer tid för fallarbete.",
        },
    ]


def test_a_period_without_check_ins_carries_the_latest_corrections(small_program, check_ins):
    corrections = selectors.corrections_for_period(
        program=small_program.program,
        period_start=dt.date(2015, 6, 1),
        period_end=dt.date(2015, 8, 31),
    )

    assert [c["held_on"] for c in corrections] == ["2015-04-20"]


def test_check_ins_after_the_period_are_not_carried(small_program, check_ins):
    CheckInFactory(
        program=small_program.program,
        module=small_program.modules[0],
        held_on=dt.date(2015, 9, 1),
        corrections="Senare beslut.",
    )

    corrections = selectors.corrections_for_period(
        program=small_program.program,
        period_start=dt.date(2015, 4, 1),
        period_end=dt.date(2015, 4, 30),
    )

    assert [c["corrections"] for c in corrections] == [
        "Kortare rollspel följda av reflektion i par."
    ]


def _evaluation_selectors(monkeypatch, **functions):
    """Stand in for evaluations.selectors, which is being built: with or without its API."""
    module = types.ModuleType("evaluations.selectors")
    for name, function in functions.items():
        setattr(module, name, function)
    monkeypatch.setitem(sys.modules, "evaluations.selectors", module)


def test_evaluation_figures_are_none_while_evaluations_has_no_program_results(
    small_program, monkeypatch
):
    _evaluation_selectors(monkeypatch)

    assert selectors.evaluation_figures(program=small_program.program) is None


def test_evaluation_figures_read_program_results_when_it_exists(small_program, monkeypatch):
    def program_results(*, program):
        assert program == small_program.program
        return {
            "mean": 4.8,
            "answers": 120,
            "response_rate": 0.9,
            "by_group": [{"label": "Grupp 3", "mean": None, "answers": 4}],
        }

    _evaluation_selectors(monkeypatch, program_results=program_results)

    assert selectors.evaluation_figures(program=small_program.program) == {
        "mean": 4.8,
        "answers": 120,
        "response_rate": 0.9,
        "by_group": [{"label": "Grupp 3", "mean": None, "answers": 4}],
    }
