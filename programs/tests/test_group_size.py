"""The group size rule: within the program's bounds, both included."""

import pytest

from programs.group_size import group_size_bounds, size_within_bounds
from programs.models import Program


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, False), (19, False), (20, True), (22, True), (25, True), (26, False)],
)
def test_size_within_bounds_includes_both_bounds(size, expected):
    assert size_within_bounds(size, min_size=20, max_size=25) is expected


def test_size_within_bounds_with_equal_bounds_holds_one_size():
    assert [size_within_bounds(n, min_size=3, max_size=3) for n in (2, 3, 4)] == [
        False,
        True,
        False,
    ]


def test_group_size_bounds_are_the_programs_fields():
    program = Program(min_group_size=2, max_group_size=3)

    assert group_size_bounds(program=program) == {"min_size": 2, "max_size": 3}
