"""Group composition: split a round's managers into development groups.

Pure functions over small value objects; no database. The views and services
turn people into `Candidate`s, call `compose`, show the `Proposal`, and call
`warnings_for` again after every manual move.

Goals, in order:
1. everyone is placed exactly once;
2. group sizes within the program's bounds (``programs.group_size``; the
   callers pass the program's, there are no defaults) whenever that is possible, and
   as even as possible (they differ by at most one, the kept group aside);
3. every department spread as evenly as possible over the groups;
4. managerial levels mixed.

Feasibility: n people can be split into groups of [lo, hi] if and only if some
k has k * lo <= n <= k * hi.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .group_size import Bounds, size_within_bounds

DepartmentKey = int | str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One manager to place: a person id, a department key and a level key."""

    id: int
    department: DepartmentKey
    level: str


@dataclass(frozen=True)
class Proposal:
    """A partition of the candidates into groups, with what the page shows about it.

    `groups[i]` holds candidate ids (sorted); if `first_group_kept`, `groups[0]`
    is exactly the keep-together set. `feasible` is True when every group is
    within the bounds; otherwise `explanation` says why not, in the active
    language, and the groups are still the best (most even) partition.
    """

    groups: list[list[int]]
    sizes: list[int]
    department_mix: list[Counter]
    level_mix: list[Counter]
    feasible: bool
    explanation: str | None
    first_group_kept: bool


def group_count_range(count: int, min_size: int, max_size: int) -> range:
    """The numbers of groups k with k * min_size <= count <= k * max_size (may be empty)."""
    return range(-(-count // max_size), count // min_size + 1)


def compose(
    candidates: Sequence[Candidate],
    *,
    min_size: int,
    max_size: int,
    keep_together: Sequence[int] = (),
    n_groups: int | None = None,
) -> Proposal:
    """Propose groups for `candidates`. Deterministic, and independent of input order.

    `keep_together`: ids that form the first group, exactly that set. It is never
    split or topped up, even when its size is outside the bounds; the proposal is
    then infeasible and the explanation says so. The other candidates are split
    as if the kept group did not exist.

    `n_groups`: the total number of groups (the kept group included). By default
    the count whose mean size is nearest the middle of the bounds (ties: more
    groups, which leaves room for late additions); when no count fits, the one
    that misses the bounds by the fewest people in total (ties: more groups).

    `min_size`, `max_size`: the program's bounds (``group_size.group_size_bounds``).

    Raises ValueError for programming errors: bad bounds, duplicate candidate
    ids, kept ids that are not candidates, or an `n_groups` that would leave a
    group empty or people without a group.
    """
    if min_size < 1 or max_size < min_size:
        raise ValueError(f"bad group size bounds {min_size}–{max_size}")
    by_id = {c.id: c for c in candidates}
    if len(by_id) != len(candidates):
        raise ValueError("candidate ids must be unique")
    kept_ids = sorted(set(keep_together))
    unknown = [i for i in kept_ids if i not in by_id]
    if unknown:
        raise ValueError(f"keep_together ids are not candidates: {unknown}")
    kept_set = set(kept_ids)
    rest = sorted((c for c in candidates if c.id not in kept_set), key=lambda c: c.id)

    bounds: Bounds = {"min_size": min_size, "max_size": max_size}
    explanations: list[str] = []
    if kept_ids and not size_within_bounds(len(kept_ids), **bounds):
        if len(kept_ids) > max_size:
            explanation = _(
                "The group kept together has %(people)s, more than the largest size %(max)d."
            )
        else:
            explanation = _(
                "The group kept together has %(people)s, fewer than the smallest size %(min)d."
            )
        explanations.append(
            explanation % {"people": _people(len(kept_ids)), "min": min_size, "max": max_size}
        )

    if n_groups is None:
        k = _default_group_count(len(rest), min_size, max_size)
    else:
        k = n_groups - (1 if kept_ids else 0)
        if k < 0 or (k < 1 and rest) or k > len(rest):
            raise ValueError(f"{n_groups} groups cannot hold {len(candidates)} candidates")
    rest_sizes = _even_sizes(len(rest), k)
    if not all(size_within_bounds(s, **bounds) for s in rest_sizes):
        if n_groups is not None:
            explanations.append(
                _explain_group_count(len(rest), k, min_size, max_size, offset=int(bool(kept_ids)))
            )
        else:
            explanations.append(_explain_impossible(len(rest), min_size, max_size, bool(kept_ids)))

    groups = [[by_id[i] for i in kept_ids]] if kept_ids else []
    groups += _deal(rest, k)
    id_groups = [sorted(c.id for c in group) for group in groups]
    return Proposal(
        groups=id_groups,
        sizes=[len(g) for g in groups],
        department_mix=[Counter(c.department for c in g) for g in groups],
        level_mix=[Counter(c.level for c in g) for g in groups],
        feasible=not explanations,
        explanation=" ".join(explanations) or None,
        first_group_kept=bool(kept_ids),
    )


def warnings_for(
    groups: Sequence[Sequence[int]],
    candidates: Sequence[Candidate],
    min_size: int,
    max_size: int,
    *,
    keep_together: Sequence[int] = (),
    department_names: Mapping[DepartmentKey, str] | None = None,
) -> list[list[str]]:
    """Warnings per group (same order as `groups`) after the coordinator moved people.

    - Size outside [min_size, max_size].
    - A department over its share: a group holds more than
      ceil(department total / number of groups) + 1 of its members. The
      composer never deals more than the ceiling, so the + 1 lets one manual
      move pass and flags the second. Groups holding any `keep_together` id
      are exempt, and their members and the groups themselves are left out of
      the totals (the top management team is not mixed on purpose).

    Departments are named through `department_names`, else by their key.
    """
    by_id = {c.id: c for c in candidates}
    kept = set(keep_together)
    exempt = [any(i in kept for i in group) for group in groups]
    totals: Counter = Counter()
    for group, is_exempt in zip(groups, exempt, strict=True):
        if not is_exempt:
            totals.update(by_id[i].department for i in group)
    mixed_groups = exempt.count(False)
    names = department_names or {}
    result = []
    for group, is_exempt in zip(groups, exempt, strict=True):
        messages = []
        size = len(group)
        if not size_within_bounds(size, min_size=min_size, max_size=max_size):
            if size > max_size:
                message = _("Too large: %(people)s, at most %(max)d.")
            else:
                message = _("Too small: %(people)s, at least %(min)d.")
            messages.append(message % {"people": _people(size), "min": min_size, "max": max_size})
        if not is_exempt:
            mix = Counter(by_id[i].department for i in group)
            for department, count in sorted(mix.items(), key=lambda kv: (-kv[1], _key(kv[0]))):
                share = -(-totals[department] // mixed_groups) + 1
                if count > share:
                    messages.append(
                        _("%(department)s: %(people)s, more than its share of %(share)d.")
                        % {
                            "department": names.get(department, department),
                            "people": _people(count),
                            "share": share,
                        }
                    )
        result.append(messages)
    return result


def spread_score(groups: Sequence[Sequence[int]], candidates: Sequence[Candidate]) -> int:
    """How unevenly departments are spread: sum over groups and departments of count².

    Lower is better. For a fixed number of groups it equals the sum of squared
    deviations from the ideal count (department total / groups) plus a constant,
    so it is smallest exactly when every department has floor or ceil of its
    ideal count in every group.
    """
    by_id = {c.id: c for c in candidates}
    return sum(
        count * count
        for group in groups
        for count in Counter(by_id[i].department for i in group).values()
    )


# --- Internals ---------------------------------------------------------------------


def _deal(rest: list[Candidate], k: int) -> list[list[Candidate]]:
    """Split `rest` into k groups: departments evenly, then levels as evenly as possible.

    Departments are laid out one after another and dealt round-robin, so each
    department puts floor or ceil of (its size / k) into every group and group
    sizes come out floor or ceil of (n / k). That optimum fixes only how many of
    a department each group gets; which members go where is chosen greedily,
    rarest level first, into the group with the fewest of that level so far,
    ties to the group with the fewest rarer-level managers for its size (so the
    most common level, which fills what is left, comes out even too).
    """
    if k == 0:
        return []
    by_department: dict[DepartmentKey, list[Candidate]] = {}
    for c in rest:
        by_department.setdefault(c.department, []).append(c)
    level_totals = Counter(c.level for c in rest)
    rank = {
        level: r for r, level in enumerate(sorted(level_totals, key=lambda v: (level_totals[v], v)))
    }
    common = len(rank) - 1
    level_counts = [[0] * len(rank) for _ in range(k)]
    uncommon = [0] * k  # managers of any level but the most common one
    base, extra = divmod(len(rest), k)
    final_sizes = [base + (g < extra) for g in range(k)]  # what round-robin dealing gives
    groups: list[list[Candidate]] = [[] for _ in range(k)]
    start = 0
    for department in sorted(by_department, key=lambda d: (-len(by_department[d]), _key(d))):
        members = sorted(by_department[department], key=lambda c: (rank[c.level], c.id))
        base, extra = divmod(len(members), k)
        slots = [base] * k
        for i in range(extra):
            slots[(start + i) % k] += 1
        open_groups = [(start + i) % k for i in range(k) if slots[(start + i) % k]]
        for c in members:
            r = rank[c.level]
            best = min(
                open_groups,
                key=lambda g: (level_counts[g][r], uncommon[g] - final_sizes[g], -slots[g]),
            )
            groups[best].append(c)
            level_counts[best][r] += 1
            uncommon[best] += r != common
            slots[best] -= 1
            if not slots[best]:
                open_groups.remove(best)
        start = (start + len(members)) % k
    return groups


def _even_sizes(count: int, k: int) -> list[int]:
    if k == 0:
        return []
    base, extra = divmod(count, k)
    return [base + 1] * extra + [base] * (k - extra)


def _default_group_count(count: int, lo: int, hi: int) -> int:
    if count == 0:
        return 0
    fits = group_count_range(count, lo, hi)
    if fits:
        middle = Fraction(lo + hi, 2)
        return min(fits, key=lambda k: (abs(Fraction(count, k) - middle), -k))
    fewer = count // hi  # fewer * hi < count < (fewer + 1) * lo
    if fewer == 0 or count - fewer * hi >= (fewer + 1) * lo - count:
        return fewer + 1
    return fewer


def _explain_impossible(count: int, lo: int, hi: int, after_kept: bool) -> str:
    fewer = count // hi
    more = ngettext(
        "%(groups)d group needs at least %(people)d",
        "%(groups)d groups need at least %(people)d",
        fewer + 1,
    ) % {"groups": fewer + 1, "people": (fewer + 1) * lo}
    if fewer:
        held = ngettext(
            "%(groups)d group holds at most %(people)d",
            "%(groups)d groups hold at most %(people)d",
            fewer,
        ) % {"groups": fewer, "people": fewer * hi}
        reason = _("%(fewer)s and %(more)s") % {"fewer": held, "more": more}
    else:
        reason = more
    params = {"people": _people(count), "min": lo, "max": hi, "reason": reason}
    if after_kept:
        return _("The other %(people)s cannot make groups of %(min)d–%(max)d: %(reason)s.") % params
    return _("%(people)s cannot make groups of %(min)d–%(max)d: %(reason)s.") % params


def _explain_group_count(count: int, k: int, lo: int, hi: int, *, offset: int) -> str:
    sizes = _even_sizes(count, k)
    size_text = f"{sizes[-1]}–{sizes[0]}" if sizes[0] != sizes[-1] else str(sizes[0])
    parts = [
        _("%(people)s in %(groups)s: groups of %(sizes)s, not %(min)d–%(max)d.")
        % {
            "people": _people(count),
            "groups": _groups(k),
            "sizes": size_text,
            "min": lo,
            "max": hi,
        }
    ]
    fits = group_count_range(count, lo, hi)
    if len(fits) == 1:
        parts.append(_("%(groups)s would fit.") % {"groups": _groups(fits[0] + offset)})
    elif fits:
        parts.append(
            _("%(fewest)d to %(most)d groups would fit.")
            % {"fewest": fits[0] + offset, "most": fits[-1] + offset}
        )
    else:
        parts.append(_explain_impossible(count, lo, hi, bool(offset)))
    return " ".join(parts)


def _people(count: int) -> str:
    return ngettext("%(count)d person", "%(count)d people", count) % {"count": count}


def _groups(count: int) -> str:
    return ngettext("%(count)d group", "%(count)d groups", count) % {"count": count}


def _key(department: DepartmentKey) -> tuple[bool, DepartmentKey]:
    """Sorts int and str department keys together without comparing int with str."""
    return (isinstance(department, str), department)
