"""The k rule and complementary suppression on their own, with a property test."""

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.suppression import Line, is_protected, suppress

K = 5


def test_units_under_k_are_hidden_and_empty_units_are_not():
    hidden = suppress({"a": 4, "b": 5, "c": 0}, [], k=K)

    assert hidden == {"a"}


def test_a_single_hidden_part_takes_the_smallest_visible_part_with_it():
    sizes = {"total": 30, "a": 3, "b": 12, "c": 15}

    hidden = suppress(sizes, [Line("total", ("a", "b", "c"))], k=K)

    assert hidden == {"a", "b"}


def test_two_small_hidden_parts_are_joined_by_a_third_until_they_reach_k():
    sizes = {"total": 26, "a": 2, "b": 2, "c": 10, "d": 12}

    hidden = suppress(sizes, [Line("total", ("a", "b", "c", "d"))], k=K)

    assert hidden == {"a", "b", "c"}


def test_two_hidden_parts_that_together_reach_k_are_enough():
    sizes = {"total": 30, "a": 3, "b": 4, "c": 23}

    assert suppress(sizes, [Line("total", ("a", "b", "c"))], k=K) == {"a", "b"}


def test_when_no_part_is_left_to_hide_the_total_is_hidden():
    """One group's two sessions, answered by three and four of its six members."""
    sizes = {"group": 6, "s1": 3, "s2": 4}

    hidden = suppress(sizes, [Line("group", ("s1", "s2"), overlapping=True)], k=K)

    assert hidden == {"s1", "s2", "group"}


def test_overlapping_parts_count_the_largest_not_the_sum():
    """Two sessions of one group answered by the same three people are still three people."""
    sizes = {"group": 6, "s1": 3, "s2": 3, "s3": 6}

    hidden = suppress(sizes, [Line("group", ("s1", "s2", "s3"), overlapping=True)], k=K)

    assert hidden == {"s1", "s2", "s3"}


def test_a_part_hidden_for_one_line_is_protected_in_its_other_line():
    # A 2×2 table: rows r1, r2; columns c1, c2; cells x11 (small), x12, x21, x22.
    sizes = {
        "x11": 2, "x12": 10, "x21": 10, "x22": 10,
        "r1": 12, "r2": 20, "c1": 12, "c2": 20, "all": 32,
    }  # fmt: skip
    lines = [
        Line("r1", ("x11", "x12")),
        Line("r2", ("x21", "x22")),
        Line("c1", ("x11", "x21")),
        Line("c2", ("x12", "x22")),
        Line("all", ("r1", "r2")),
        Line("all", ("c1", "c2")),
    ]

    hidden = suppress(sizes, lines, k=K)

    assert {"x11", "x12", "x21", "x22"} <= hidden
    assert is_protected(sizes, lines, hidden, k=K)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8),
    k=st.integers(min_value=5, max_value=8),
)
def test_every_line_is_safe_after_suppression(parts, k):
    names = tuple(f"p{i}" for i in range(len(parts)))
    sizes = {"total": sum(parts), **dict(zip(names, parts, strict=True))}
    lines = [Line("total", names)]

    hidden = suppress(sizes, lines, k=k)

    assert is_protected(sizes, lines, hidden, k=k)
    assert all(sizes[p] > 0 for p in hidden if p != "total")


@settings(max_examples=100, deadline=None)
@given(
    table=st.lists(
        st.lists(st.integers(min_value=0, max_value=15), min_size=2, max_size=4),
        min_size=2,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_every_row_and_column_of_a_table_is_safe_after_suppression(table):
    sizes = {}
    lines = []
    columns = len(table[0])
    for r, row in enumerate(table):
        for c, n in enumerate(row):
            sizes[f"x{r}{c}"] = n
        sizes[f"r{r}"] = sum(row)
        lines.append(Line(f"r{r}", tuple(f"x{r}{c}" for c in range(columns))))
    for c in range(columns):
        sizes[f"c{c}"] = sum(row[c] for row in table)
        lines.append(Line(f"c{c}", tuple(f"x{r}{c}" for r in range(len(table)))))
    sizes["all"] = sum(map(sum, table))
    lines.append(Line("all", tuple(f"r{r}" for r in range(len(table)))))
    lines.append(Line("all", tuple(f"c{c}" for c in range(columns))))

    hidden = suppress(sizes, lines, k=K)

    assert is_protected(sizes, lines, hidden, k=K)
