"""Small-cell protection: the k rule and complementary suppression.

Primary suppression hides every unit answered by fewer than k people.
Complementary suppression then looks at every *line*: a total shown next to
its parts. If the parts that are hidden could be worked out by subtracting
the visible parts from the total, more is hidden: the smallest visible part
joins them, or, when none is left, the total itself. A line is safe when its
total is hidden, or when at least two of its parts are hidden and together
they hold at least k people.

When the parts of a line can share people (one group's sessions are answered
by the same members), "together" is counted as the largest hidden part, a
lower bound on the distinct people behind them; parts with different people
(the groups of a round) are added up.

The rules run until nothing changes, so a part hidden to protect one line is
itself protected in every other line it belongs to.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    total: Hashable
    parts: tuple[Hashable, ...]
    # True when the parts may be answered by the same people.
    overlapping: bool = False


def _line_is_safe(line: Line, sizes: Mapping, hidden: set, k: int) -> bool:
    if line.total in hidden or sizes.get(line.total, 0) == 0:
        return True
    hidden_sizes = [sizes[p] for p in line.parts if p in hidden and sizes.get(p, 0) > 0]
    if not hidden_sizes:
        return True
    together = max(hidden_sizes) if line.overlapping else sum(hidden_sizes)
    return len(hidden_sizes) >= 2 and together >= k


def suppress(sizes: Mapping[Hashable, int], lines: Iterable[Line], *, k: int) -> set:
    """The units to hide, given each unit's number of people and the lines shown.

    Units with no answers are never "hidden": there is nothing to protect.
    Deterministic: ties are broken by the units' keys.
    """
    lines = list(lines)
    hidden = {unit for unit, n in sizes.items() if 0 < n < k}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if _line_is_safe(line, sizes, hidden, k):
                continue
            visible = sorted(
                (sizes[p], repr(p), p)
                for p in line.parts
                if p not in hidden and sizes.get(p, 0) > 0
            )
            hidden.add(visible[0][2] if visible else line.total)
            changed = True
    return hidden


def is_protected(sizes: Mapping[Hashable, int], lines: Iterable[Line], hidden: set, *, k: int):
    """True when every line is safe: used by the tests as the property to hold."""
    return all(_line_is_safe(line, sizes, hidden, k) for line in lines) and all(
        unit in hidden for unit, n in sizes.items() if 0 < n < k
    )
