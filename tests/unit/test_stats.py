"""benchlens.stats: medians, confidence intervals and the Mann-Whitney U test.

The figures benchstat prints are checked row by row in
test_stats_benchstat_corpus.py; here the statistics are checked against brute-force
enumeration, hand-worked values and general properties (with hypothesis, derandomised
so every run is the same).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchlens import stats

PROPERTY = settings(derandomize=True, max_examples=150, deadline=None, database=None)

# Small integer values give plenty of ties; floats give (almost) none.
tied_sample = st.lists(st.integers(0, 6).map(float), min_size=1, max_size=30)
float_sample = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=60
)
any_sample = tied_sample | float_sample


def brute_force_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided U-test p by enumerating every split of the pooled values.

    Mid-ranks for ties; the tail is the lower tail of the sample whose U is smaller,
    doubled and capped at 1; p = 1 when both U are equal.
    """
    pooled = sorted([*a, *b])
    ranks = {v: (pooled.index(v) + 1 + len(pooled) - pooled[::-1].index(v)) / 2 for v in pooled}
    n_a, n_b = len(a), len(b)

    def u_of(sample: Sequence[float]) -> float:
        n = len(sample)
        return sum(ranks[v] for v in sample) - n * (n + 1) / 2

    u_a, u_b = u_of(a), u_of(b)
    if u_a == u_b:
        return 1.0
    small, obs = (n_a, u_a) if u_a < u_b else (n_b, u_b)
    splits = list(itertools.combinations(range(len(pooled)), small))
    hits = sum(1 for idx in splits if u_of([pooled[i] for i in idx]) <= obs)
    return min(1.0, float(2 * Fraction(hits, len(splits))))


# ---------------------------------------------------------------------------
# Mann-Whitney U test


@PROPERTY
@given(any_sample, any_sample)
def test_p_value_is_a_probability(a: list[float], b: list[float]) -> None:
    p = stats.mann_whitney_u_pvalue(a, b)
    assert 0 <= p <= 1


@PROPERTY
@given(any_sample, any_sample)
def test_p_value_is_symmetric(a: list[float], b: list[float]) -> None:
    assert stats.mann_whitney_u_pvalue(a, b) == stats.mann_whitney_u_pvalue(b, a)


@PROPERTY
@given(
    st.lists(st.integers(0, 4).map(float), min_size=1, max_size=6),
    st.lists(st.integers(0, 4).map(float), min_size=1, max_size=6),
)
def test_exact_p_matches_enumeration_with_ties(a: list[float], b: list[float]) -> None:
    if len(set(a) | set(b)) == 1:
        return  # all equal: no test (p = 1 by convention, checked elsewhere)
    assert stats.mann_whitney_u_pvalue(a, b) == pytest.approx(brute_force_p(a, b), abs=1e-12)


@PROPERTY
@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=12, unique=True), st.data())
def test_exact_p_matches_enumeration_without_ties(values: list[int], data: st.DataObject) -> None:
    cut = data.draw(st.integers(1, len(values) - 1))
    a, b = [float(v) for v in values[:cut]], [float(v) for v in values[cut:]]
    assert stats.mann_whitney_u_pvalue(a, b) == pytest.approx(brute_force_p(a, b), abs=1e-12)


def _u_counts_by_table(groups: Sequence[int], n_pick: int) -> list[int]:
    """The rankings per value of 2U for n_pick values drawn from tie groups, counted with
    a plain table over (values taken, 2R): the slow, obvious way."""
    table: dict[tuple[int, int], int] = {(0, 0): 1}
    start = 0
    for size in groups:
        doubled_mid_rank = 2 * start + size + 1
        grown: dict[tuple[int, int], int] = {}
        for (taken, two_r), ways in table.items():
            for r in range(min(size, n_pick - taken) + 1):
                key = (taken + r, two_r + r * doubled_mid_rank)
                grown[key] = grown.get(key, 0) + ways * math.comb(size, r)
        table = grown
        start += size
    counts = [0] * (2 * n_pick * (start - n_pick) + 1)
    for (taken, two_r), ways in table.items():
        if taken == n_pick:
            counts[two_r - n_pick * (n_pick + 1)] += ways
    return counts


@PROPERTY
@given(
    st.lists(st.integers(1, 6), min_size=2, max_size=18).filter(lambda g: sum(g) <= 40),
    st.data(),
)
def test_tie_distribution_matches_a_plain_table(groups: list[int], data: st.DataObject) -> None:
    """The packed, pruned distribution of 2U with ties (below the centre) counts what a
    plain table counts, for every tie pattern and sample size."""
    total = sum(groups)
    n_pick = data.draw(st.integers(max(1, total - 25), min(25, total - 1)))
    packed, bits = stats._ties_u_counts(tuple(groups), n_pick)
    digits = [(packed >> (d * bits)) & ((1 << bits) - 1) for d in range(n_pick * (total - n_pick))]
    assert digits == _u_counts_by_table(groups, n_pick)[: len(digits)]


@PROPERTY
@given(
    st.lists(st.integers(0, 50).map(float), min_size=4, max_size=60),
    st.lists(st.integers(0, 50).map(float), min_size=4, max_size=60),
)
def test_samples_shifted_far_apart_are_significant(a: list[float], b: list[float]) -> None:
    shifted = [x + 1000 for x in b]
    p = stats.mann_whitney_u_pvalue(a, shifted)
    assert p <= 0.05
    test = stats.compare_samples(a, shifted)
    assert test.significant and not test.too_few and test.warning is None


@PROPERTY
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 3).map(float), st.integers(0, 3))
def test_constant_sides_are_identical(n_a: int, n_b: int, x: float, dy: int) -> None:
    test = stats.compare_samples([x] * n_a, [x + dy] * n_b)
    assert test.identical
    if dy == 0:
        assert (test.p_value, test.significant) == (1.0, False)
        assert test.warning == "all samples are equal"


def test_varying_side_is_not_identical() -> None:
    assert not stats.compare_samples([5, 5, 6], [5, 5, 5]).identical
    assert not stats.compare_samples([], [5]).identical


def test_known_exact_values() -> None:
    # Completely separated samples: p = 2 / C(n_a + n_b, n_a).
    assert stats.mann_whitney_u_pvalue([1, 2, 3, 4], [5, 6, 7, 8]) == pytest.approx(2 / 70)
    assert stats.mann_whitney_u_pvalue([1, 2, 3, 4, 5], [6, 7, 8]) == pytest.approx(2 / 56)
    # issue19634: ties on one side, exact tie-aware distribution: 2 / 252.
    before, after = [115, 114, 115, 115, 115], [78.8] * 5
    assert stats.mann_whitney_u_pvalue(before, after) == pytest.approx(2 / 252)
    # One value each: the only possible p.
    assert stats.mann_whitney_u_pvalue([100], [101]) == 1.0
    # All equal: go-moremath refuses, benchstat prints p=1.000.
    assert stats.mann_whitney_u_pvalue([3, 3], [3, 3, 3]) == 1.0


def test_normal_approximation_above_the_exact_limits() -> None:
    """51 values without ties (or 26 with ties) use the normal approximation with tie
    and continuity correction; computed here independently from the textbook formula."""
    a = [float(i) for i in range(51)]
    b = [float(i) + 20.5 for i in range(51)]
    u = sum(1.0 for x in a for y in b if x > y)
    n, mu = 102, 51 * 51 / 2
    sigma = math.sqrt(51 * 51 * (n + 1) / 12)
    z = (u - mu + 0.5) / sigma
    expected = 2 * (0.5 * math.erfc(-z / math.sqrt(2)))
    assert stats.mann_whitney_u_pvalue(a, b) == pytest.approx(expected, rel=1e-12)
    assert stats.compare_samples(a, b).method == "normal"

    ties_a = [float(i // 2) for i in range(26)]
    ties_b = [float(i // 2) + 3 for i in range(26)]
    pooled = sorted(ties_a + ties_b)
    t = sum(pooled.count(v) ** 3 - pooled.count(v) for v in set(pooled))
    u = sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in ties_a for y in ties_b)
    n, mu = 52, 26 * 26 / 2
    sigma = math.sqrt(26 * 26 * ((n + 1) - t / (n * (n - 1))) / 12)
    z = (u - mu + 0.5) / sigma
    expected = 2 * (0.5 * math.erfc(-z / math.sqrt(2)))
    assert stats.mann_whitney_u_pvalue(ties_a, ties_b) == pytest.approx(expected, rel=1e-12)
    assert stats.compare_samples(ties_a, ties_b).method == "normal"
    assert stats.compare_samples(ties_a[:25], ties_b[:25]).method == "exact-ties"


def test_deviations_from_go_moremath_with_ties() -> None:
    """go-moremath evaluates the first sample's tie distribution at the smaller U even
    when that U belongs to the second sample; with ties that distribution is not
    symmetric, so it can print p=0 for one sample against three, or p > 1. We take the
    tail of the sample the small U belongs to, which agrees with go-moremath whenever
    that is the first sample (and is then symmetric)."""
    assert stats.mann_whitney_u_pvalue([5], [1, 1, 2]) == pytest.approx(0.5)  # Go: 0
    assert stats.mann_whitney_u_pvalue([1, 1, 2], [5]) == pytest.approx(0.5)  # Go: 0.5
    assert stats.mann_whitney_u_pvalue([0, 3, 3], [3, 3]) == 1.0  # Go: 1.2


def test_empty_sample() -> None:
    with pytest.raises(ValueError):
        stats.mann_whitney_u_pvalue([], [1.0])
    test = stats.compare_samples([1.0, 2.0], [])
    assert (test.p_value, test.significant, test.too_few) == (1.0, False, True)
    assert test.warning == "sample is too small"


def test_nan_is_rejected() -> None:
    with pytest.raises(ValueError):
        stats.compare_samples([1.0, math.nan], [1.0])
    with pytest.raises(ValueError):
        stats.summarize([math.nan])


# ---------------------------------------------------------------------------
# Sample sizes


def test_min_samples_to_detect() -> None:
    assert stats.min_samples_to_detect(0.05) == 4
    assert stats.min_samples_to_detect(0.1) == 3
    assert stats.min_samples_to_detect(0.01) == 5
    assert stats.min_samples_to_detect(0.001) == 7
    with pytest.raises(ValueError):
        stats.min_samples_to_detect(0)


@pytest.mark.parametrize(
    ("n", "min_p"),
    [
        (1, 1),
        (2, 0.3333333333333333),
        (3, 0.1),
        (4, 0.02857142857142857),
        (5, 0.007936507936507936),
        (6, 0.0021645021645021645),
        (7, 0.0005827505827505828),
        (8, 0.0001554001554001554),
        (9, 4.113533525298231e-05),
    ],
)
def test_smallest_p_per_sample_size_matches_benchmath(n: int, min_p: float) -> None:
    """benchmath's uTestMinP table: the p of n values against n larger ones."""
    p = stats.mann_whitney_u_pvalue(range(n), range(n, 2 * n))
    assert p == pytest.approx(min_p, rel=1e-12)


@pytest.mark.parametrize(
    ("n_a", "n_b", "too_few"),
    [(1, 1, True), (3, 3, True), (4, 4, False), (3, 4, True), (2, 5, True), (3, 10, False)],
)
def test_too_few_means_alpha_is_out_of_reach(n_a: int, n_b: int, too_few: bool) -> None:
    # The most extreme outcome possible: all of a below all of b.
    test = stats.compare_samples(range(n_a), range(100, 100 + n_b))
    assert test.too_few is too_few
    assert test.significant is not too_few
    assert test.needed == 4
    if too_few:
        assert test.warning == "need >= 4 samples to detect a difference at alpha level 0.05"
    else:
        assert test.warning is None


def test_min_samples_for_ci() -> None:
    assert stats.min_samples_for_ci(0.95) == 6
    for confidence in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
        need = stats.min_samples_for_ci(confidence)
        below = stats.summarize(range(need - 1), confidence) if need > 1 else None
        at = stats.summarize(range(need), confidence)
        assert below is None or math.isinf(below.spread)
        assert math.isfinite(at.lo) and math.isfinite(at.hi)
        assert at.warning is None
    with pytest.raises(ValueError):
        stats.min_samples_for_ci(1.0)


# ---------------------------------------------------------------------------
# Summaries


@PROPERTY
@given(st.lists(st.integers(-1000, 1000).map(float), min_size=1, max_size=80))
def test_ci_contains_the_median(values: list[float]) -> None:
    s = stats.summarize(values)
    assert s.lo <= s.center <= s.hi
    assert s.n == len(values)
    assert s.actual_confidence >= 0.95
    if len(values) >= 6:
        assert math.isfinite(s.lo) and math.isfinite(s.hi) and s.warning is None
        assert min(values) <= s.lo and s.hi <= max(values)
    else:
        assert s.warning == "need >= 6 samples for confidence interval at level 0.95"
        assert s.spread_str == "∞"


def test_median_and_ci_order_statistics() -> None:
    # old.txt, format=json: benchstat prints 1.718µ ± 1% (CI = 2nd and 9th values).
    values = [1726, 1723, 1707, 1707, 1713, 1729, 1736, 1707, 1705, 1774]
    s = stats.summarize(values)
    assert (s.center, s.lo, s.hi) == (1718, 1707, 1736)
    assert s.actual_confidence == 1002 / 1024
    assert s.spread == pytest.approx(max(1736 / 1718 - 1, 1 - 1707 / 1718))
    assert s.spread_str == "1%"
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([4, 1, 2, 3]) == 2.5


def test_summary_of_one_value() -> None:
    s = stats.summarize([100e-9])
    assert (s.center, s.lo, s.hi) == (100e-9, -math.inf, math.inf)
    assert s.spread_str == "∞"


def test_spread_when_signs_differ_or_zero() -> None:
    assert stats.summarize([-3, -1, 1, 2, 3, 4, 5]).spread_str == "?"
    assert stats.summarize([0.0] * 8).spread_str == "0%"


def test_assume_exact_summary() -> None:
    s = stats.summarize([105], assume_exact=True)
    assert (s.center, s.lo, s.hi, s.warning, s.spread_str) == (105, 105, 105, None, "0%")
    s = stats.summarize([101, 100, 101], assume_exact=True)
    assert (s.center, s.lo, s.hi) == (101, 100, 101)
    assert s.spread_str == "1%"
    assert s.warning == "exact distribution expected, but values range from 100 to 101"
    # The first of equally common values wins, as in benchmath.
    assert stats.summarize([2, 1], assume_exact=True).center == 1
    big = stats.summarize([1234567890, 1234567891], assume_exact=True)
    assert big.warning == (
        "exact distribution expected, but values range from 1.23456789e+09 to 1.234567891e+09"
    )


def test_assume_exact_comparison_is_certain() -> None:
    test = stats.compare_samples([100], [105], assume_exact=True)
    assert (test.p_value, test.significant, test.too_few, test.warning) == (0, True, False, None)
    assert test.identical
    assert test.p_n_str == "n=1"
    assert test.delta_str(100, 105) == "+5.00%"
    assert test.delta_str(101, 101) == "0.00%"
    assert test.delta_str(0, 100) == "?"


def test_benchstat_notes() -> None:
    test = stats.compare_samples([1, 2, 3, 4], [5, 6, 7, 8, 9])
    assert test.p_n_str == f"p={2 / 126:.3f} n=4+5"
    assert test.delta_str(2.5, 7) == "+180.00%"
    not_significant = stats.compare_samples([1, 3, 5, 7], [2, 4, 6, 8])
    assert not_significant.delta_str(4, 5) == "~"


def test_p_equal_to_alpha_counts_as_significant_like_benchstat() -> None:
    """benchstat shows a delta unless p > alpha; 3 vs 3 separated values give p = 0.1."""
    test = stats.compare_samples([1, 2, 3], [4, 5, 6], alpha=0.1)
    assert test.p_value == pytest.approx(0.1)
    assert test.significant and not test.too_few


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.95, "0.95"),
        (0.05, "0.05"),
        (100.0, "100"),
        (101.5, "101.5"),
        (123456.0, "123456"),
        (1e6, "1e+06"),
        (1234567890.0, "1.23456789e+09"),
        (0.0001, "0.0001"),
        (0.00001234, "1.234e-05"),
        (-2.5e-9, "-2.5e-09"),
        (0.0, "0"),
        (math.inf, "+Inf"),
    ],
)
def test_go_float_formatting(value: float, text: str) -> None:
    assert stats.go_float(value) == text


def test_outliers_are_values_beyond_tukeys_outer_fences() -> None:
    from benchlens.stats import outliers

    assert outliers([100, 101, 99, 100, 102, 100, 101, 500]) == (500,)
    assert outliers([100, 101, 99, 100, 102, 100, 101, 104]) == ()  # ordinary noise
    assert outliers([1, 1, 1, 1, 1, 9]) == (9,)  # no spread at all: anything else is out
    assert outliers([5.0] * 10) == ()
    assert outliers([1, 100, 1000]) == ()  # too few samples for quartiles
    # R-7 quartiles of 1..8 are 2.75 and 6.25: the outer fences are -7.75 and 16.75.
    assert outliers([1, 2, 3, 4, 5, 6, 7, 8, 16.7]) == ()
    assert outliers([-20, 1, 2, 3, 4, 5, 6, 7, 8, 30]) == (-20, 30)  # fences -11.25, 20.25
