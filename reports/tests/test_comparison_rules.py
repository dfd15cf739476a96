"""What the distribution may show: from five organisations, means of at least three, no
lowest or highest value, windows that never share an organisation."""

from decimal import Decimal

import pytest

from reports.comparison import rules


def _d(*values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


def test_four_organisations_give_no_distribution():
    assert rules.distribution(_d(4.0, 4.2, 4.4, 5.0)) is None


def test_five_give_the_middle_only_the_mean_of_the_middle_three():
    found = rules.distribution(_d(5.4, 4.0, 5.0, 4.2, 4.4))

    assert found == rules.Distribution(organisations=5, middle=Decimal("4.5"))
    # Not one organisation's value: the median of five (4.4) would be the third's.
    assert found.middle not in _d(5.4, 4.0, 5.0, 4.2, 4.4)


def test_six_give_the_mean_of_the_middle_four():
    assert rules.distribution(_d(4.0, 4.2, 4.4, 5.0, 5.4, 5.8)).middle == Decimal("4.8")


def test_nine_give_the_quarters_as_means_of_three_disjoint_runs():
    found = rules.distribution(_d(4.4, 3.0, 5.6, 4.0, 3.8, 5.0, 4.2, 3.4, 4.6))

    assert found == rules.Distribution(
        organisations=9, lower=Decimal("3.4"), middle=Decimal("4.2"), upper=Decimal("5.1")
    )


def test_response_rates_are_rounded_to_whole_per_cent():
    found = rules.distribution(_d(80, 85.5, 90, 91, 99), places=rules.RATE_PLACES)

    assert found.middle == Decimal("89")  # (85.5 + 90 + 91) / 3 = 88.83


@pytest.mark.parametrize(
    ("n", "lower", "middle", "upper"),
    [
        (5, None, range(1, 4), None),
        (8, None, range(2, 6), None),
        (9, range(0, 3), range(3, 6), range(6, 9)),
        (10, range(0, 3), range(3, 7), range(7, 10)),
        (20, range(4, 7), range(8, 12), range(13, 16)),
        (310, range(76, 79), range(153, 157), range(231, 234)),
    ],
)
def test_the_windows(n, lower, middle, upper):
    quarters = rules.quarter_windows(n)

    assert rules.middle_window(n) == middle
    assert (quarters or (None, None)) == (lower, upper)


def test_every_window_holds_three_or_more_and_no_two_share_an_organisation():
    for n in range(rules.MIN_ORGANISATIONS, 401):
        middle = rules.middle_window(n)
        quarters = rules.quarter_windows(n)
        windows = [middle, *(quarters or ())]

        assert all(len(w) >= rules.WINDOW and w.start >= 0 and w.stop <= n for w in windows), n
        indices = [i for w in windows for i in w]
        assert len(indices) == len(set(indices)), n
        assert (quarters is not None) == (n >= rules.QUARTILES_FROM), n


def test_the_threshold_is_five_the_evaluations_floor():
    from evaluations.rules import ABSOLUTE_MIN_RESPONSES

    assert rules.MIN_ORGANISATIONS == ABSOLUTE_MIN_RESPONSES == 5
