"""The figures of "program in figures", the check-in corrections a report carries, and the
evaluation results it reads from the evaluations app."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.tests.factories import answer_all, close_window, make_group, make_program
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
        "participants": {"enrolled": 9, "completed": 3, "withdrawn": 1},
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


def test_evaluation_figures_are_none_while_nobody_has_answered(small_program):
    assert selectors.evaluation_figures(program=small_program.program) is None


def test_evaluation_figures_are_the_evaluation_results_with_the_k_rule_applied(org):
    """Liten (4 people) is too few; Stor is hidden too, or the total would give Liten away."""
    program = make_program(org)
    large = make_group(program=program, size=6, name="Stor")
    small = make_group(program=program, size=4, name="Liten")
    answer_all(large, 1, 6, value=5)
    answer_all(small, 1, 4, value=3)
    close_window(large.sessions[1], small.sessions[1])

    figures = selectors.evaluation_figures(program=program)

    assert figures == {
        "mean": 4.2,
        "answers": 10,
        "response_rate": 1.0,
        "by_module": [
            {"label": "1. Del av en helhet", "mean": 4.2, "answers": 10},
            {"label": "2. Klar ledare", "mean": None, "answers": 0},
            {"label": "3. Säker chef", "mean": None, "answers": 0},
            {"label": "4. Initiativrik utvecklare", "mean": None, "answers": 0},
        ],
        "by_round": [{"label": "Omgång 1", "mean": 4.2, "answers": 10}],
        "by_group": [
            {"label": "Omgång 1, Stor", "mean": None, "answers": 6},
            {"label": "Omgång 1, Liten", "mean": None, "answers": 4},
        ],
        "effects_by_theme": [
            {"label": "Ökad helhetssyn i chefsrollen", "count": None},
            {"label": "Tydligare chefer och säkrare beslut", "count": None},
            {"label": "Bättre på att leda förändring", "count": None},
        ],
    }
