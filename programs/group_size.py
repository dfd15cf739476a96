"""The group size rule: a development group should have from the program's smallest to
its largest group size (``Program.min_group_size``, ``Program.max_group_size``), both
included. Outside the bounds is a warning, never a block.

The bounds are the program's fields and nothing else: there are no defaults here or in
the composer. ``size_within_bounds`` is the one place that compares a size with them;
the composer (``programs.composition``), the program overview and the services'
warnings all ask it.
"""

from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import ngettext

if TYPE_CHECKING:
    from .models import Group, Program


class Bounds(TypedDict):
    """The bounds as ``size_within_bounds`` and ``composition.compose`` take them."""

    min_size: int
    max_size: int


def group_size_bounds(*, program: "Program") -> Bounds:
    """The program's group size bounds."""
    return {"min_size": program.min_group_size, "max_size": program.max_group_size}


def size_within_bounds(size: int, *, min_size: int, max_size: int) -> bool:
    """True when a group of ``size`` people is within the bounds (both included)."""
    return min_size <= size <= max_size


def group_size_warning(*, group: "Group", size: int | None = None) -> str | None:
    """A warning when a group is outside its program's size bounds, else None.

    ``size`` defaults to the places the group holds now (one query).
    """
    program = group.round.program
    if size is None:
        size = group.enrollments.holding_place().count()
    bounds = group_size_bounds(program=program)
    if size_within_bounds(size, **bounds):
        return None
    return ngettext(
        "%(group)s has %(size)d participant; the program's groups should have %(min)d–%(max)d.",
        "%(group)s has %(size)d participants; the program's groups should have %(min)d–%(max)d.",
        size,
    ) % {"group": group, "size": size, "min": bounds["min_size"], "max": bounds["max_size"]}
