"""Aggregated results: the k rule, complementary suppression, publication after the window."""

import io
from decimal import Decimal

import openpyxl
import pytest

from evaluations import exports
from evaluations.effects import effect_summary
from evaluations.results import Status, program_results
from evaluations.services import effect_themes_ensure, evaluation_form_ensure
from programs.models import Attendance

from .factories import answer, answer_all, close_window, make_group, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


def _row(results, group):
    return next(row for row in results.group_rows() if row.group == group)


def test_session_results_are_published_only_after_the_window_closes(program):
    setup = make_group(program=program, size=6)
    answer_all(setup, 1, 6, value=5)

    before = program_results(program=program)
    close_window(setup.sessions[1])
    after = program_results(program=program)

    cell_before = _row(before, setup.group).cells[0]
    assert (cell_before.figures.status, cell_before.figures.mean) == (Status.OPEN, None)
    assert cell_before.figures.answers == 6
    assert before.total.mean is None
    assert _row(after, setup.group).cells[0].figures.mean == Decimal("5.00")
    assert after.total.mean == Decimal("5.00")


def test_mean_distribution_and_response_rate_of_a_session(program):
    setup = make_group(program=program, size=8)
    values = [6, 6, 5, 5, 5, 4]
    for enrollment, value in zip(setup.enrollments, values, strict=False):
        answer(enrollment, setup.sessions[1], value=value)
    close_window(setup.sessions[1])

    figures = _row(program_results(program=program), setup.group).cells[0].figures

    assert figures.mean == Decimal("5.17")
    assert figures.distribution == [0, 0, 0, 5, 15, 10]
    assert figures.answers == 6
    assert figures.response_rate == Decimal("75.0")


def test_group_with_four_answers_has_no_mean_anywhere_in_the_results(program):
    small = make_group(program=program, size=6, name="Liten grupp")
    large = make_group(program=program, size=10, name="Stor grupp")
    answer_all(small, 1, 4, value=2)
    answer_all(large, 1, 10, value=5)
    close_window(small.sessions[1], large.sessions[1])

    results = program_results(program=program)
    row = _row(results, small.group)

    assert row.total.status == Status.TOO_FEW
    assert (row.total.mean, row.total.distribution) == (None, None)
    assert (row.cells[0].figures.mean, row.cells[0].figures.distribution) == (None, None)
    # The program total minus the large group would give the small group, so the large
    # group is hidden too; the total then mixes 4 people with 10 and may be shown.
    assert _row(results, large.group).total.status == Status.PROTECTED
    assert _row(results, large.group).total.mean is None
    assert results.total.mean == Decimal("4.14")


def test_a_lone_hidden_group_hides_the_next_smallest_group_beside_the_round_total(program):
    small = make_group(program=program, size=6, name="Liten")
    middle = make_group(program=program, size=7, name="Mellan")
    large = make_group(program=program, size=12, name="Stor")
    answer_all(small, 1, 3, value=1)
    answer_all(middle, 1, 7, value=4)
    answer_all(large, 1, 12, value=6)
    close_window(small.sessions[1], middle.sessions[1], large.sessions[1])

    results = program_results(program=program)

    statuses = {row.group.name: row.total.status for row in results.group_rows()}
    assert statuses == {
        "Liten": Status.TOO_FEW,
        "Mellan": Status.PROTECTED,
        "Stor": Status.SHOWN,
    }
    assert results.rounds[0].total.mean == Decimal("4.68")
    assert _row(results, large.group).total.mean == Decimal("6.00")


def test_complementary_suppression_leaves_no_hidden_group_to_subtract(program):
    groups = [make_group(program=program, size=8, name=f"G{n}") for n in range(4)]
    values = {"G0": 1, "G1": 3, "G2": 5, "G3": 6}
    answer_all(groups[0], 1, 2, value=1)
    for setup in groups[1:]:
        answer_all(setup, 1, 8, value=values[setup.group.name])
    close_window(*(g.sessions[1] for g in groups))

    results = program_results(program=program)
    rows = results.group_rows()
    hidden = sorted(row.group.name for row in rows if not row.total.shown)
    partner = hidden[1]

    def rating_sum(figures):
        return sum(v * n for v, n in zip(range(1, 7), figures.distribution, strict=True))

    visible_sum = sum(rating_sum(row.total) for row in rows if row.total.shown)

    assert results.total.shown
    assert hidden[0] == "G0" and len(hidden) == 2
    # Subtraction gives the two hidden groups together (2 + 8 people), never G0 alone.
    assert rating_sum(results.total) - visible_sum == 2 * 5 * 1 + 8 * 5 * values[partner]


def test_the_k_rule_counts_people_not_answers(program):
    """Four people answering four modules are still four people: the group stays hidden."""
    setup = make_group(program=program, size=4, modules=(1, 2, 3, 4))
    for order in (1, 2, 3, 4):
        answer_all(setup, order, 4, value=5)
    close_window(*setup.sessions.values())

    row = _row(program_results(program=program), setup.group)

    assert row.total.answers == 16
    assert row.total.respondents == 4
    assert row.total.mean is None


def test_k_below_five_in_the_settings_is_raised_to_five(program, settings):
    settings.EVALUATION_MIN_RESPONSES = 2
    setup = make_group(program=program, size=4)
    answer_all(setup, 1, 4, value=5)
    close_window(setup.sessions[1])

    results = program_results(program=program)

    assert results.k == 5
    assert results.total.mean is None


def test_a_higher_k_in_the_settings_is_used(program, settings):
    settings.EVALUATION_MIN_RESPONSES = 7
    setup = make_group(program=program, size=6)
    answer_all(setup, 1, 6, value=5)
    close_window(setup.sessions[1])

    assert program_results(program=program).total.status == Status.TOO_FEW


def test_restricted_view_shows_only_the_given_groups_with_the_whole_programs_suppression(program):
    small = make_group(program=program, size=6, name="Liten")
    mine = make_group(program=program, size=6, name="Min")
    answer_all(small, 1, 2, value=1)
    answer_all(mine, 1, 6, value=5)
    close_window(small.sessions[1], mine.sessions[1])

    results = program_results(program=program, group_ids={mine.group.pk})

    assert [row.group.name for row in results.group_rows()] == ["Min"]
    assert results.complete is False
    # Shown alone it would be safe, but beside the program total it would reveal "Liten".
    assert _row(results, mine.group).total.status == Status.PROTECTED


def test_response_rate_counts_only_those_present(program):
    setup = make_group(program=program, size=5)
    Attendance.objects.filter(enrollment=setup.enrollments[4]).update(
        status=Attendance.Status.ABSENT
    )
    answer_all(setup, 1, 2)

    cell = _row(program_results(program=program), setup.group).cells[0]

    assert cell.figures.response_rate == Decimal("50.0")


def test_export_of_a_group_with_four_answers_has_no_mean(program):
    small = make_group(program=program, size=6, name="Liten grupp")
    large = make_group(program=program, size=10, name="Stor grupp")
    large_2 = make_group(program=program, size=10, name="Stor grupp 2")
    answer_all(small, 1, 4, value=2)
    answer_all(large, 1, 10, value=5)
    answer_all(large_2, 1, 10, value=4)
    close_window(small.sessions[1], large.sessions[1], large_2.sessions[1])

    data = exports.results_xlsx(results=program_results(program=program))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Resultat"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headers = rows[0]
    small_rows = [dict(zip(headers, r, strict=True)) for r in rows if r[2] == "Liten grupp"]

    assert headers[:8] == [
        "Nivå", "Omgång", "Utvecklingsgrupp", "Modul", "Svar", "Närvarande", "Svarsfrekvens (%)",
        "Medelvärde (1–6)",
    ]  # fmt: skip
    assert [(r["Nivå"], r["Medelvärde (1–6)"], r["1"], r["Anmärkning"]) for r in small_rows] == [
        ("Utvecklingsgrupp", None, None, "Färre än 5 svar: visas inte."),
        ("Modultillfälle", None, None, "Färre än 5 svar: visas inte."),
    ]


def test_export_neutralises_a_group_name_that_looks_like_a_formula(program):
    setup = make_group(program=program, size=5, name='=HYPERLINK("http://evil.example","x")')
    answer_all(setup, 1, 5)
    close_window(setup.sessions[1])

    data = exports.results_xlsx(results=program_results(program=program))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Resultat"]
    group_cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[2].value]

    assert {cell.value for cell in group_cells} == {'\'=HYPERLINK("http://evil.example","x")'}
    assert {cell.data_type for cell in group_cells} == {"s"}


def test_effect_counts_per_theme_follow_the_k_rule(program):
    evaluation_form_ensure(module=program.modules.get(order=4))
    themes = effect_themes_ensure(program=program)
    small = make_group(program=program, size=4, modules=(4,), name="Liten")
    large = make_group(program=program, size=6, modules=(4,), name="Stor")
    for setup in (small, large):
        for enrollment in setup.enrollments:
            answer(enrollment, setup.sessions[4], effects=[(themes[0].pk, "Helhet.")])
    close_window(small.sessions[4], large.sessions[4])

    summary = effect_summary(program=program)

    assert [(row.label, row.counts, row.status) for row in summary.groups] == [
        ("Liten", None, Status.TOO_FEW),
        ("Stor", None, Status.PROTECTED),
    ]
    assert summary.total.counts == [10, 0, 0]
