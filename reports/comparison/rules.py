"""What the comparison between organisations may show: when, and in what form.

The comparison sets an organisation's own figures beside the distribution of
every organisation that takes part. An organisation's own figures are never
shown to another, so the distribution is presented in a form that cannot
single one out:

1. **At least** ``MIN_ORGANISATIONS`` **contribute**, or nothing of the
   distribution is shown (per figure: a module with fewer contributors shows
   only how many there are).
2. **Every figure is a mean of at least** ``WINDOW`` **organisations' values.**
   A quantile read off the sorted values is one organisation's value (the
   median of five is the third), and the lowest and highest are always one
   organisation's: neither is ever shown. Instead, "the middle" is the mean of
   the middle three values (four, for an even count), and the lower and upper
   quarter the mean of three values around the quartile. An organisation that
   knows its own value and finds it in a window still has two unknowns left.
3. **The windows of one figure do not overlap.** If two windows shared
   values, their difference would be one organisation's value. With fewer
   than ``QUARTILES_FROM`` organisations (nine) the quarters cannot be given
   disjoint windows of three beside the middle's, so only the middle is shown.
4. **Rounded**: means to one decimal, response rates to whole per cent, which
   blurs what a day-to-day difference (an organisation joining or leaving)
   could tell.

What stays possible, and is accepted: ties and order give bounds (if the
middle three's mean equals the lowest of them, all three are equal), and
organisations that pool what they know learn more than one alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MIN_ORGANISATIONS = 5
"""The fewest contributing organisations for which any of the distribution is shown.

With fewer, an organisation that knows its own figures (and perhaps one or two
others') could work out another organisation's from the distribution; five is
also the evaluations' k, the smallest group whose answers are shown.
"""

WINDOW = 3
"""Every figure of the distribution is the mean of at least this many organisations' values."""

QUARTILES_FROM = 9
"""The fewest organisations for which the lower and upper quarter get windows of their own."""

MEAN_PLACES = Decimal("0.1")
RATE_PLACES = Decimal("1")  # response rates are in per cent


@dataclass(frozen=True)
class Distribution:
    """What is shown of one figure's values over the contributing organisations."""

    organisations: int
    middle: Decimal
    lower: Decimal | None = None  # the lower quarter; None below QUARTILES_FROM
    upper: Decimal | None = None


def middle_window(n: int) -> range:
    """The indices (into the sorted values) whose mean is shown as the middle."""
    size = WINDOW if n % 2 else WINDOW + 1
    start = (n - size) // 2
    return range(start, start + size)


def quarter_windows(n: int) -> tuple[range, range] | None:
    """The lower and upper quarters' windows, disjoint from the middle's; None if none fit.

    The lower window is the run of ``WINDOW`` values whose centre is nearest the
    lower quartile's position (ties towards the outside) and that ends before the
    middle window; the upper is its mirror image.
    """
    middle = middle_window(n)
    if middle.start < WINDOW:
        return None
    position = (n - 1) / 4
    best = min(range(middle.start - WINDOW + 1), key=lambda s: (abs(s + 1 - position), s))
    lower = range(best, best + WINDOW)
    upper = range(n - best - WINDOW, n - best)
    return lower, upper


def _mean(values: Sequence[Decimal], window: range, places: Decimal) -> Decimal:
    chosen = [values[i] for i in window]
    return (sum(chosen, Decimal(0)) / len(chosen)).quantize(places, ROUND_HALF_UP)


def distribution(
    values: Sequence[Decimal], *, places: Decimal = MEAN_PLACES
) -> Distribution | None:
    """The presentable distribution of the values, or None when too few organisations give one.

    ``values`` holds one value per contributing organisation, in any order.
    """
    n = len(values)
    if n < MIN_ORGANISATIONS:
        return None
    ordered = sorted(values)
    quarters = quarter_windows(n)
    return Distribution(
        organisations=n,
        middle=_mean(ordered, middle_window(n), places),
        lower=_mean(ordered, quarters[0], places) if quarters else None,
        upper=_mean(ordered, quarters[1], places) if quarters else None,
    )
