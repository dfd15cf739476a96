"""The comparison's figures are the results pages' figures, worked out for many programs at once.

``reports.comparison.contributions.program_units`` runs ``program_results``'
queries once for every program and applies the same suppression; here both
read the same programs, answered through ``evaluation_submit`` and folded at
the close of their windows, and must agree on every module and program figure.
"""

import datetime as dt
from decimal import Decimal

import pytest

from evaluations.results import Status, program_results
from evaluations.tests.factories import answer, answer_all, close_window, make_group, make_program
from participants.tests.factories import OrganisationFactory
from programs.models import Program
from reports.comparison.contributions import PROGRAM, organisation_contributions, program_units

pytestmark = pytest.mark.django_db


def _figures(figures):
    return (
        figures.status,
        figures.mean,
        figures.answers,
        figures.attendances,
        figures.response_rate,
    )


@pytest.fixture
def programs():
    """Three organisations' programs, each protecting its figures in its own way."""
    # One group; module 4 answered by four: module 4 too few, and module 3 (five) hidden
    # to protect it in the group's and the module's lines.
    single = make_program(OrganisationFactory(slug="en-grupp"))
    group = make_group(program=single, size=7, modules=(1, 2, 3, 4))
    for order, count, value in ((1, 7, 5), (2, 6, 4), (3, 5, 6), (4, 4, 2)):
        answer_all(group, order, count, value=value)
    close_window(*group.sessions.values())

    # Two rounds; a small group in round 2 and a session whose window is still open.
    rounds = make_program(OrganisationFactory(slug="tva-omgangar"))
    first = make_group(program=rounds, size=8, modules=(1, 2))
    second = make_group(program=rounds, round_number=2, size=6, modules=(1, 2))
    for enrollment, value in zip(first.enrollments, (5, 6, 4, 5, 3, 6, 6, 2), strict=True):
        answer(enrollment, first.sessions[1], value=value)
    answer_all(first, 2, 7, value=4)
    answer_all(second, 1, 3, value=6)
    close_window(first.sessions[1], first.sessions[2], second.sessions[1])
    answer_all(second, 2, 5, value=2)  # open: counts nowhere yet

    # Nobody answered.
    silent = make_program(OrganisationFactory(slug="tyst"))
    make_group(program=silent, size=5, modules=(1,), ended_ago=dt.timedelta(days=40))
    return [single, rounds, silent]


def test_every_module_and_program_figure_agrees_with_the_results_page(programs):
    units = program_units(programs=Program.objects.all())

    for program in programs:
        results = program_results(program=program)
        found = units[program.pk]
        assert {row.module.order: _figures(row.total) for row in results.module_rows} == {
            order: _figures(figures) for order, figures in found.modules.items()
        }, program.organisation.slug
        assert _figures(found.total) == _figures(results.total)


def test_the_single_groups_small_module_hides_another_as_its_results_page_does(programs):
    statuses = [row.total.status for row in program_results(program=programs[0]).module_rows]

    assert statuses == [Status.SHOWN, Status.SHOWN, Status.PROTECTED, Status.TOO_FEW]


def test_an_organisation_gives_only_the_means_its_results_page_shows(programs):
    single, rounds, silent = programs

    given = organisation_contributions(programs=Program.objects.all())

    assert set(given) == {single.organisation_id, rounds.organisation_id, silent.organisation_id}
    mine = given[single.organisation_id]
    assert [mine[order]["mean"] for order in (1, 2, 3, 4)] == [5, 4, None, None]
    assert [mine[order]["rate"] for order in (1, 2, 3, 4)] == [
        100,
        Decimal(600) / 7,
        Decimal(500) / 7,
        Decimal(400) / 7,
    ]
    assert given[silent.organisation_id] == {
        1: {"mean": None, "rate": 0},
        PROGRAM: {"mean": None, "rate": 0},
    }
