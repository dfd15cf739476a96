"""Group composition: properties under hypothesis, then the cases users will meet."""

from collections import Counter

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from demo.candidates import sample_candidates
from programs.composition import (
    Candidate,
    Proposal,
    compose,
    group_count_range,
    spread_score,
    warnings_for,
)

LEVELS = ["kommunledning", "forvaltningschef", "avdelningschef", "enhetschef"]
DEPARTMENTS = st.one_of(st.integers(0, 6), st.sampled_from(["Skola", "Vård", "Teknik"]))


@st.composite
def pools(draw, max_people=150):
    ids = draw(st.lists(st.integers(1, 10**6), max_size=max_people, unique=True))
    return [
        Candidate(id=i, department=draw(DEPARTMENTS), level=draw(st.sampled_from(LEVELS)))
        for i in ids
    ]


@st.composite
def compositions(draw):
    """A pool, bounds and a keep-together set (often empty)."""
    candidates = draw(pools())
    lo = draw(st.integers(1, 30))
    hi = lo + draw(st.integers(0, 10))
    ids = [c.id for c in candidates]
    keep = draw(st.lists(st.sampled_from(ids), unique=True, max_size=40)) if ids else []
    return candidates, lo, hi, keep


def splittable(count, lo, hi):
    """The rule, stated independently of the module: some k has k*lo <= n <= k*hi."""
    return any(k * lo <= count <= k * hi for k in range(count + 1))


def rest_groups(proposal: Proposal):
    return proposal.groups[1:] if proposal.first_group_kept else proposal.groups


def round_robin(candidates, k, keep):
    """The baseline: the kept group, then the others dealt in input order."""
    rest = [c.id for c in candidates if c.id not in set(keep)]
    return ([sorted(keep)] if keep else []) + [rest[i::k] for i in range(k)]


def optimal_spread(candidates, k):
    """The smallest spread_score any k groups can have: floor/ceil of each department."""
    total = 0
    for size in Counter(c.department for c in candidates).values():
        base, extra = divmod(size, k)
        total += (k - extra) * base * base + extra * (base + 1) * (base + 1)
    return total


def pool(departments: dict[int, int], level="enhetschef", start=1):
    """Candidates numbered from `start`, department by department."""
    ids = iter(range(start, start + sum(departments.values())))
    return [
        Candidate(id=next(ids), department=d, level=level)
        for d, count in departments.items()
        for _ in range(count)
    ]


# --- Properties -----------------------------------------------------------------------

PROPERTY = settings(deadline=None, max_examples=150)


@PROPERTY
@given(compositions())
def test_compose_places_everyone_exactly_once(case):
    candidates, lo, hi, keep = case

    proposal = compose(candidates, min_size=lo, max_size=hi, keep_together=keep)

    placed = [i for group in proposal.groups for i in group]
    assert sorted(placed) == sorted(c.id for c in candidates)
    assert all(proposal.groups)
    assert proposal.sizes == [len(g) for g in proposal.groups]


@PROPERTY
@given(compositions())
def test_compose_bounds_hold_whenever_they_can(case):
    candidates, lo, hi, keep = case

    proposal = compose(candidates, min_size=lo, max_size=hi, keep_together=keep)

    possible = (not keep or lo <= len(keep) <= hi) and splittable(
        len(candidates) - len(keep), lo, hi
    )
    assert proposal.feasible == possible
    assert (proposal.explanation is None) == possible
    if possible:
        assert all(lo <= size <= hi for size in proposal.sizes)


@PROPERTY
@given(compositions())
def test_compose_sizes_differ_by_at_most_one_outside_kept_group(case):
    candidates, lo, hi, keep = case

    proposal = compose(candidates, min_size=lo, max_size=hi, keep_together=keep)

    sizes = [len(g) for g in rest_groups(proposal)]
    assert not sizes or max(sizes) - min(sizes) <= 1


@PROPERTY
@given(compositions())
def test_compose_spread_at_least_as_good_as_round_robin(case):
    candidates, lo, hi, keep = case

    proposal = compose(candidates, min_size=lo, max_size=hi, keep_together=keep)

    k = len(rest_groups(proposal))
    baseline = round_robin(candidates, k, keep)
    assert spread_score(proposal.groups, candidates) <= spread_score(baseline, candidates)


@PROPERTY
@given(pools(), st.integers(1, 30))
def test_compose_spread_is_optimal_without_kept_group(candidates, lo):
    proposal = compose(candidates, min_size=lo, max_size=lo + 5)

    k = len(proposal.groups)
    assert spread_score(proposal.groups, candidates) == (optimal_spread(candidates, k) if k else 0)


@PROPERTY
@given(compositions())
def test_compose_keeps_named_set_together_in_first_group(case):
    candidates, lo, hi, keep = case

    proposal = compose(candidates, min_size=lo, max_size=hi, keep_together=keep)

    assert proposal.first_group_kept == bool(keep)
    if keep:
        assert proposal.groups[0] == sorted(keep)


@PROPERTY
@given(compositions(), st.randoms(use_true_random=False))
def test_compose_is_independent_of_input_order(case, rng):
    candidates, lo, hi, keep = case
    shuffled = list(candidates)
    rng.shuffle(shuffled)

    first = compose(candidates, min_size=lo, max_size=hi, keep_together=keep)
    second = compose(shuffled, min_size=lo, max_size=hi, keep_together=keep)

    assert first == second


@PROPERTY
@given(pools(max_people=120).filter(bool), st.data())
def test_compose_explicit_group_count_is_respected(candidates, data):
    n_groups = data.draw(st.integers(1, len(candidates)))

    proposal = compose(candidates, min_size=20, max_size=25, n_groups=n_groups)

    assert len(proposal.groups) == n_groups
    assert sorted(i for g in proposal.groups for i in g) == sorted(c.id for c in candidates)
    assert proposal.feasible == all(20 <= size <= 25 for size in proposal.sizes)


# --- Feasibility and explanations -------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, [0]), (19, []), (20, [1]), (38, []), (43, [2]), (50, [2]), (59, []), (100, [4, 5])],
)
def test_group_count_range_follows_k_lo_hi_rule(count, expected):
    assert list(group_count_range(count, 20, 25)) == expected


def test_compose_38_people_explains_why_not():
    with translation.override("en"):
        proposal = compose(sample_candidates(38), min_size=20, max_size=25)

    assert proposal.feasible is False
    assert proposal.explanation == (
        "38 people cannot make groups of 20–25: "
        "1 group holds at most 25 and 2 groups need at least 40."
    )
    assert proposal.sizes == [19, 19]


def test_compose_43_people_fits_two_groups():
    # 2 * 20 <= 43 <= 2 * 25: 43 is not an example of an impossible pool.
    proposal = compose(sample_candidates(43), min_size=20, max_size=25)

    assert proposal.feasible is True
    assert proposal.explanation is None
    assert proposal.sizes == [22, 21]


def test_compose_fewer_than_minimum_makes_one_small_group():
    with translation.override("en"):
        proposal = compose(sample_candidates(5), min_size=20, max_size=25)

    assert proposal.sizes == [5]
    assert proposal.explanation == (
        "5 people cannot make groups of 20–25: 1 group needs at least 20."
    )


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (57, [19, 19, 19]),  # two groups of 25 leave 7 over; three groups of 20 are 3 short
        (52, [26, 26]),  # two groups of 25 leave 2 over; three groups of 20 are 8 short
    ],
)
def test_compose_gap_prefers_fewest_people_outside_bounds(count, sizes):
    with translation.override("en"):
        proposal = compose(sample_candidates(count), min_size=20, max_size=25)

    assert proposal.sizes == sizes
    assert proposal.explanation == (
        f"{count} people cannot make groups of 20–25: "
        "2 groups hold at most 50 and 3 groups need at least 60."
    )


def test_compose_oversized_kept_group_stays_whole_and_is_explained():
    candidates = sample_candidates(80)
    keep = [c.id for c in candidates[:30]]

    with translation.override("en"):
        proposal = compose(candidates, min_size=20, max_size=25, keep_together=keep)

    assert proposal.groups[0] == sorted(keep)
    assert proposal.sizes == [30, 25, 25]
    assert proposal.feasible is False
    assert proposal.explanation == (
        "The group kept together has 30 people, more than the largest size 25."
    )


def test_compose_undersized_kept_group_and_impossible_rest_are_both_explained():
    candidates = sample_candidates(50)
    keep = [c.id for c in candidates[:12]]

    with translation.override("en"):
        proposal = compose(candidates, min_size=20, max_size=25, keep_together=keep)

    assert proposal.sizes == [12, 19, 19]
    assert proposal.explanation == (
        "The group kept together has 12 people, fewer than the smallest size 20. "
        "The other 38 people cannot make groups of 20–25: "
        "1 group holds at most 25 and 2 groups need at least 40."
    )


@pytest.mark.parametrize(
    ("count", "n_groups", "expected"),
    [
        (100, 3, "100 people in 3 groups: groups of 33–34, not 20–25. 4 to 5 groups would fit."),
        (44, 1, "44 people in 1 group: groups of 44, not 20–25. 2 groups would fit."),
        (
            38,
            1,
            "38 people in 1 group: groups of 38, not 20–25. 38 people cannot make groups of "
            "20–25: 1 group holds at most 25 and 2 groups need at least 40.",
        ),
    ],
)
def test_compose_explicit_group_count_outside_bounds_is_explained(count, n_groups, expected):
    with translation.override("en"):
        proposal = compose(sample_candidates(count), min_size=20, max_size=25, n_groups=n_groups)

    assert proposal.feasible is False
    assert proposal.explanation == expected


def test_compose_explicit_group_count_counts_the_kept_group():
    candidates = sample_candidates(120)
    keep = [c.id for c in candidates[:20]]

    with translation.override("en"):
        proposal = compose(candidates, min_size=20, max_size=25, keep_together=keep, n_groups=3)

    assert proposal.sizes == [20, 50, 50]
    assert proposal.explanation == (
        "100 people in 2 groups: groups of 50, not 20–25. 5 to 6 groups would fit."
    )


def test_compose_empty_pool_is_feasible_with_no_groups():
    proposal = compose([], min_size=20, max_size=25)

    assert proposal == Proposal(
        groups=[],
        sizes=[],
        department_mix=[],
        level_mix=[],
        feasible=True,
        explanation=None,
        first_group_kept=False,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_size": 0},
        {"min_size": 25, "max_size": 20},
        {"keep_together": [999]},
        {"n_groups": 0},
        {"n_groups": 11},
    ],
)
def test_compose_rejects_programming_errors(kwargs):
    with pytest.raises(ValueError):
        compose(sample_candidates(10), **{"min_size": 20, "max_size": 25, **kwargs})


def test_compose_rejects_duplicate_ids():
    with pytest.raises(ValueError):
        compose(
            [Candidate(1, 1, "enhetschef"), Candidate(1, 2, "enhetschef")], min_size=20, max_size=25
        )


# --- The demo-sized round ---------------------------------------------------------------


def test_compose_480_demo_like_managers_fit_the_bounds():
    candidates = sample_candidates(480, departments=12)

    proposal = compose(candidates, min_size=20, max_size=25)

    assert 20 <= len(proposal.groups) <= 24
    assert proposal.sizes == [23] * 18 + [22] * 3
    assert proposal.feasible is True
    assert proposal.explanation is None
    assert warnings_for(proposal.groups, candidates, 20, 25) == [[]] * 21


def test_compose_480_demo_like_spreads_departments_better_than_round_robin():
    candidates = sample_candidates(480, departments=12)

    proposal = compose(candidates, min_size=20, max_size=25)

    baseline = round_robin(candidates, 21, [])
    assert spread_score(proposal.groups, candidates) == optimal_spread(candidates, 21)
    assert spread_score(proposal.groups, candidates) < spread_score(baseline, candidates)
    for department, total in Counter(c.department for c in candidates).items():
        counts = {mix[department] for mix in proposal.department_mix}
        assert counts <= {total // 21, total // 21 + 1}


def test_compose_480_demo_like_mixes_levels():
    candidates = sample_candidates(480, departments=12)
    totals = Counter(c.level for c in candidates)

    proposal = compose(candidates, min_size=20, max_size=25)

    most_common = totals.most_common(1)[0][0]
    for level, total in totals.items():
        counts = [mix[level] for mix in proposal.level_mix]
        # Group sizes differ by one, so the level that fills the rest may differ by two.
        assert max(counts) - min(counts) <= (2 if level == most_common else 1)
        assert sum(counts) == total


def test_compose_480_with_top_management_first():
    candidates = sample_candidates(480, departments=12)
    top = [c.id for c in candidates if c.level in {"kommunledning", "forvaltningschef"}]

    proposal = compose(candidates, min_size=20, max_size=25, keep_together=top)

    assert len(top) == 23
    assert proposal.groups[0] == sorted(top)
    assert proposal.sizes == [23] + [23] * 17 + [22] * 3
    assert proposal.feasible is True
    assert warnings_for(proposal.groups, candidates, 20, 25, keep_together=top) == [[]] * 21


def test_composing_2000_places_everyone_within_bounds():
    proposal = compose(sample_candidates(2000, departments=10), min_size=20, max_size=25)

    assert sum(proposal.sizes) == 2000
    assert len({i for g in proposal.groups for i in g}) == 2000
    assert proposal.feasible is True
    assert Counter(proposal.sizes) == Counter({22: 47, 23: 42})


# --- Warnings after manual moves --------------------------------------------------------

NAMES = {1: "Skola", 2: "Vård och omsorg", 3: "Teknik"}


def test_warnings_for_oversized_and_undersized_groups():
    candidates = pool({1: 15, 2: 15, 3: 15})
    # Interleave the departments so that only the sizes are wrong.
    by_department = (candidates[i : i + 15] for i in (0, 15, 30))
    ids = [c.id for trio in zip(*by_department, strict=True) for c in trio]
    groups = [ids[:27], ids[27:]]

    with translation.override("en"):
        warnings = warnings_for(groups, candidates, 20, 25)

    assert [len(g) for g in groups] == [27, 18]
    assert warnings == [
        ["Too large: 27 people, at most 25."],
        ["Too small: 18 people, at least 20."],
    ]


def test_warnings_for_department_over_its_share():
    # 30 Skola, 15 Vård, 15 Teknik in 3 groups: Skola's share is ceil(30 / 3) + 1 = 11.
    candidates = pool({1: 30, 2: 15, 3: 15})
    skola, vard, teknik = candidates[:30], candidates[30:45], candidates[45:]
    groups = [
        [c.id for c in skola[:12] + vard[:4] + teknik[:4]],
        [c.id for c in skola[12:21] + vard[4:10] + teknik[4:9]],
        [c.id for c in skola[21:] + vard[10:] + teknik[9:]],
    ]

    with translation.override("en"):
        warnings = warnings_for(groups, candidates, 20, 25, department_names=NAMES)

    assert [len(g) for g in groups] == [20, 20, 20]
    assert warnings == [["Skola: 12 people, more than its share of 11."], [], []]


def test_warnings_for_department_at_its_share_is_quiet():
    candidates = pool({1: 30, 2: 15, 3: 15})
    skola, vard, teknik = candidates[:30], candidates[30:45], candidates[45:]
    groups = [
        [c.id for c in skola[:11] + vard[:5] + teknik[:4]],
        [c.id for c in skola[11:21] + vard[5:10] + teknik[4:9]],
        [c.id for c in skola[21:] + vard[10:] + teknik[9:]],
    ]

    assert warnings_for(groups, candidates, 20, 25, department_names=NAMES) == [[], [], []]


def test_warnings_for_names_department_by_key_without_names():
    candidates = pool({1: 30, 2: 15, 3: 15})
    skola, vard, teknik = candidates[:30], candidates[30:45], candidates[45:]
    groups = [
        [c.id for c in skola[:14] + vard[:3] + teknik[:3]],
        [c.id for c in skola[14:22] + vard[3:9] + teknik[3:9]],
        [c.id for c in skola[22:] + vard[9:] + teknik[9:]],
    ]

    with translation.override("en"):
        warnings = warnings_for(groups, candidates, 20, 25)

    assert warnings == [["1: 14 people, more than its share of 11."], [], []]


def test_warnings_for_kept_group_is_not_held_to_department_shares():
    # The kept group is all Skola; shares come from the other groups only.
    kept = pool({1: 20})
    others = pool({1: 10, 2: 20, 3: 10}, start=21)
    candidates = kept + others
    groups = [
        [c.id for c in kept],
        [c.id for c in others[0:5] + others[10:20] + others[30:35]],
        [c.id for c in others[5:10] + others[20:30] + others[35:40]],
    ]

    warnings = warnings_for(groups, candidates, 20, 25, keep_together=[c.id for c in kept])

    assert warnings == [[], [], []]


def test_warnings_for_without_keep_together_flags_a_one_department_group():
    kept = pool({1: 20})
    others = pool({1: 10, 2: 20, 3: 10}, start=21)
    candidates = kept + others
    groups = [
        [c.id for c in kept],
        [c.id for c in others[0:5] + others[10:20] + others[30:35]],
        [c.id for c in others[5:10] + others[20:30] + others[35:40]],
    ]

    with translation.override("en"):
        warnings = warnings_for(groups, candidates, 20, 25, department_names=NAMES)

    assert warnings == [
        ["Skola: 20 people, more than its share of 11."],
        ["Vård och omsorg: 10 people, more than its share of 8."],
        ["Vård och omsorg: 10 people, more than its share of 8."],
    ]


# --- The metric ---------------------------------------------------------------------------


def test_spread_score_sums_squared_department_counts():
    candidates = pool({1: 4, 2: 2})

    even = spread_score([[1, 2, 5], [3, 4, 6]], candidates)
    lopsided = spread_score([[1, 2, 3], [4, 5, 6]], candidates)

    assert even == 2 * 2 + 1 * 1 + 2 * 2 + 1 * 1
    assert lopsided == 3 * 3 + 1 * 1 + 2 * 2
