"""Demo evaluations on the real demo program: mean 4.8, spread, suppression, effects, idempotent."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from demo.evaluations import seed_demo_evaluations
from demo.seed import seed_demo
from evaluations.models import Completion, ReviewState, TextAnswer
from evaluations.results import Status, program_results
from programs.models import Program


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo program with its evaluations, built once; each test reads it in its own
    rolled-back transaction, and the teardown empties the database for the modules after."""
    with django_db_blocker.unblock():
        seed_demo()
        program = Program.objects.get(
            organisation__slug="orebro", name="Sveriges viktigaste chefsjobb"
        )
        figures = seed_demo_evaluations(program=program)
    yield program, figures
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_demo_program_mean_prints_as_4_8(demo):
    program, figures = demo

    results = program_results(program=program)

    assert figures["evaluation_mean"] == "4.8"
    assert abs(results.total.mean - Decimal("4.8")) <= Decimal("0.05")
    assert f"{results.total.mean:.1f}" == "4.8"


def test_demo_modules_and_groups_spread_around_the_mean(demo):
    program, _ = demo

    results = program_results(program=program)
    module_means = [row.total.mean for row in results.module_rows]
    group_means = [row.total.mean for row in results.group_rows() if row.total.shown]

    assert all(m is not None for m in module_means)
    assert max(module_means) - min(module_means) >= Decimal("0.3")
    assert max(group_means) - min(group_means) >= Decimal("0.3")
    assert min(group_means) >= Decimal("4.0")


def test_demo_has_a_group_with_fewer_than_five_answers_and_it_is_hidden(demo):
    program, _ = demo

    results = program_results(program=program)
    too_few = [row for row in results.group_rows() if row.total.status == Status.TOO_FEW]

    assert len(too_few) == 1
    assert too_few[0].total.respondents == 4
    assert all(cell.figures.mean is None for cell in too_few[0].cells)


def test_demo_has_effect_entries_in_all_three_themes_and_reviewed_texts(demo):
    _, figures = demo

    assert list(figures["effect_entries_per_theme"]) == [
        "Ökad helhetssyn i chefsrollen",
        "Tydligare chefer och säkrare beslut",
        "Bättre på att leda förändring",
    ]
    assert all(n > 20 for n in figures["effect_entries_per_theme"].values())
    states = set(TextAnswer.objects.values_list("review", flat=True))
    assert states == {ReviewState.PUBLIC, ReviewState.UNREVIEWED, ReviewState.HIDDEN}


def test_seeding_the_demo_evaluations_again_writes_nothing(demo):
    program, figures = demo
    completions = Completion.objects.count()

    again = seed_demo_evaluations(program=program)

    assert again["evaluation_rows_written"] == 0
    assert Completion.objects.count() == completions
    assert again["evaluation_mean"] == figures["evaluation_mean"]
