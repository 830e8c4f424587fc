"""Statistics that agree with benchstat.

Go developers read benchmark changes through benchstat (golang.org/x/perf), so our
medians, confidence intervals and p-values must be the numbers benchstat would print
for the same samples. This module reimplements, in pure Python, the semantics of
`benchmath` (the AssumeNothing and AssumeExact assumptions) and of the Mann-Whitney U
test of `github.com/aclements/go-moremath/stats`:

* AssumeNothing: the centre is the sample median; its confidence interval is a pair
  of order statistics chosen from the binomial distribution (a normal approximation
  above 30 samples); samples are compared with the two-sided Mann-Whitney U test.
* AssumeExact (units declared `Unit x assume=exact`): the value is exact, the centre
  is the mode, the "interval" is the sample range, and any change is certain (p = 0).

The U test uses the exact distribution while both samples have at most 50 values and
there are no ties, or at most 25 values with ties; otherwise the normal approximation
with tie and continuity correction - the same choice go-moremath makes. Exact
probabilities are computed with integer counts, so they are exact rather than
accumulated in floating point.

Where we differ from benchstat, on purpose:

* Exact test with ties: go-moremath doubles the lower tail of the *first* sample's U
  distribution at the smaller of the two U values, even when that value belongs to the
  second sample. With ties that distribution is not symmetric, so it can print p=0 for
  one sample against three ([5] vs [1, 1, 2]), p > 1, or a p that changes when the
  samples are swapped. We double the lower tail of the sample the smaller U belongs to
  (capped at 1): identical to go-moremath whenever that is the first sample, and
  symmetric. Every row of benchstat's test corpus agrees.
* `too_few` and its warning also cover unbalanced sizes that cannot reach alpha
  (2 and 5 samples at 0.05); benchmath warns only when both sides are small.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import ne, sub
from typing import Any, TypeAlias

__all__ = [
    "EXACT_LIMIT",
    "MEDIAN_CI_BINOMIAL_LIMIT",
    "TIES_EXACT_LIMIT",
    "PairStatistics",
    "SampleTest",
    "Summary",
    "compare_samples",
    "go_float",
    "mann_whitney_u_pvalue",
    "median",
    "min_samples_for_ci",
    "min_samples_to_detect",
    "noise",
    "outliers",
    "pair_statistics",
    "summarize",
]

#: Largest sample size (each side) for the exact U distribution when there are no ties.
EXACT_LIMIT = 50
#: Largest sample size (each side) for the exact U distribution when there are ties.
TIES_EXACT_LIMIT = 25
#: Largest sample size whose median CI uses the binomial distribution itself.
MEDIAN_CI_BINOMIAL_LIMIT = 30
#: benchmath reports "need > 50 samples" rather than searching further.
_CI_SEARCH_LIMIT = 50

# The exact test with ties counts rankings exactly; beyond 2**64 of them it refuses.
_DIGIT_BITS = 64

_SAMPLES_EQUAL = "all samples are equal"
_SAMPLE_TOO_SMALL = "sample is too small"


# ---------------------------------------------------------------------------
# Summaries


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True)
class Summary:
    """The centre of a sample and the confidence interval around it.

    `lo`/`hi` are -inf/+inf when the sample is too small for the requested confidence
    (benchstat prints "± ∞"). `confidence` is the level asked for; `actual_confidence`
    is what the chosen order statistics really give (>= `confidence`, 1 for exact).
    """

    center: float
    lo: float
    hi: float
    n: int
    confidence: float
    warning: str | None
    actual_confidence: float = math.nan
    assume_exact: bool = False

    @property
    def spread(self) -> float:
        """Half-width of the interval relative to the centre, as a fraction.

        This is benchstat's "± x%" before formatting: the larger of the distances
        from the centre to each bound. `inf` for an unbounded interval, `nan` when a
        bound has a different sign than the centre (no meaningful percentage), 0 when
        everything is 0.
        """
        lo, hi, center = self.lo, self.hi, self.center
        if math.isinf(lo) or math.isinf(hi):
            return math.inf
        sign = (center > 0) - (center < 0)
        if sign != (lo > 0) - (lo < 0) or sign != (hi > 0) - (hi < 0):
            return math.nan
        if center == 0:
            return 0.0
        return max(hi / center - 1, 1 - lo / center)

    @property
    def spread_str(self) -> str:
        """The spread as benchstat prints it after "±": "3%", "∞" or "?"."""
        spread = self.spread
        if math.isinf(spread):
            return "∞"
        if math.isnan(spread):
            return "?"
        return f"{100 * spread:.0f}%"


def summarize(
    values: Sequence[float], confidence: float = 0.95, assume_exact: bool = False
) -> Summary:
    """Summarise one sample as benchstat does (median and its CI, or the exact value)."""
    return _summarize(tuple(values), confidence, assume_exact)


# Summaries and tests are pure functions of the samples, and many metrics share theirs
# (allocs/op and B/op are often the same constant across benchmarks): each distinct
# input is computed once.
_MEMO = 8192


@lru_cache(maxsize=_MEMO)
def _summarize(values: tuple[float, ...], confidence: float, assume_exact: bool) -> Summary:
    return _summarize_sorted(_sorted_values(values, "values"), confidence, assume_exact)


def _summarize_sorted(xs: list[float], confidence: float, assume_exact: bool) -> Summary:
    if not xs:
        raise ValueError("cannot summarize an empty sample")
    _check_confidence(confidence)
    if assume_exact:
        return _summarize_exact(xs, confidence)

    n = len(xs)
    lo_order, hi_order, actual = _median_ci_orders(n, confidence)
    lo = xs[lo_order - 1] if lo_order >= 1 else -math.inf
    hi = xs[hi_order - 1] if hi_order <= n else math.inf
    warning = None
    if math.isinf(lo) or math.isinf(hi):
        warning = _ci_warning(confidence)
    mid = n // 2
    center = float(xs[mid]) if n % 2 else (xs[mid - 1] + xs[mid]) / 2
    return Summary(center, lo, hi, n, confidence, warning, actual)


@lru_cache(maxsize=64)
def _ci_warning(confidence: float) -> str:
    need = min_samples_for_ci(confidence)
    op, need = (">=", need) if need <= _CI_SEARCH_LIMIT else (">", _CI_SEARCH_LIMIT)
    return f"need {op} {need} samples for confidence interval at level {go_float(confidence)}"


def _summarize_exact(xs: list[float], confidence: float) -> Summary:
    """AssumeExact: the mode is the value; a spread means the assumption is wrong."""
    # The first longest run of equal values in sorted order, as benchmath picks it.
    mode, best, run = xs[0], 0, 0
    for i, x in enumerate(xs):
        run = run + 1 if i and x == xs[i - 1] else 1
        if run > best:
            mode, best = x, run
    warning = None
    if best != len(xs):
        warning = (
            "exact distribution expected, but values range from "
            f"{go_float(xs[0])} to {go_float(xs[-1])}"
        )
    return Summary(
        center=mode,
        lo=xs[0],
        hi=xs[-1],
        n=len(xs),
        confidence=confidence,
        warning=warning,
        actual_confidence=1.0,
        assume_exact=True,
    )


#: Tukey's outer fences: a value further than this many interquartile ranges outside
#: the quartiles is "far out". (benchstat v1 dropped values beyond 1.5 IQR; with the 6 to
#: 10 samples of a benchmark run that flags every other metric, so only the far ones
#: are worth a footnote.)
OUTLIER_IQR = 3.0
#: Fewer samples than this have no quartiles worth the name: no outliers are reported.
OUTLIER_MIN_SAMPLES = 4


def outliers(values: Sequence[float]) -> tuple[float, ...]:
    """The values beyond Tukey's outer fences (3 IQR outside the quartiles), sorted.

    benchstat stopped dropping outliers because medians and the U test are robust to
    them; we keep every sample too, but say when a sample has some: one slow run in
    six moves the confidence interval and is worth a re-run. Quartiles interpolate
    linearly between order statistics (R-7, numpy's default).
    """
    return _outliers(tuple(values))


@lru_cache(maxsize=_MEMO)
def _outliers(values: tuple[float, ...]) -> tuple[float, ...]:
    return _outliers_sorted(sorted(values))


def _outliers_sorted(xs: list[float]) -> tuple[float, ...]:
    n = len(xs)
    if n < OUTLIER_MIN_SAMPLES:
        return ()
    if xs[0] == xs[-1]:
        return ()  # constant (allocs/op): the common case, and nothing to say
    h1, h3 = (n - 1) * 0.25, (n - 1) * 0.75
    i1, i3 = int(h1), int(h3)
    q1 = xs[i1] + (h1 - i1) * (xs[min(i1 + 1, n - 1)] - xs[i1])
    q3 = xs[i3] + (h3 - i3) * (xs[min(i3 + 1, n - 1)] - xs[i3])
    reach = OUTLIER_IQR * (q3 - q1)
    lo, hi = q1 - reach, q3 + reach
    if xs[0] >= lo and xs[-1] <= hi:
        return ()
    return tuple(x for x in xs if x < lo or x > hi)


#: Scales a median absolute deviation to a standard deviation (for normal data).
MAD_TO_SD = 1.4826


def noise(values: Sequence[float]) -> float:
    """How much a sample varies between runs, as a fraction of its median: 1.4826 × the
    median absolute deviation / |median| — a coefficient of variation that one or two
    outliers in six do not move (benchstat's ± is the median's confidence interval,
    whose ends at six samples are the extremes themselves). 0 for fewer than two
    values, a constant sample or a zero median."""
    return _noise(tuple(values))


@lru_cache(maxsize=_MEMO)
def _noise(values: tuple[float, ...]) -> float:
    xs = sorted(values)
    return _noise_sorted(xs, _median_sorted(xs)) if xs else 0.0


def _noise_sorted(xs: list[float], centre: float) -> float:
    """`noise` of the sorted, non-empty `xs` whose median is `centre`."""
    if len(xs) < 2 or centre == 0 or xs[0] == xs[-1]:
        return 0.0
    mad = _median_sorted(sorted(map(abs, map(sub, xs, repeat(centre)))))
    return MAD_TO_SD * mad / abs(centre)


def median(values: Sequence[float]) -> float:
    """The sample median (mean of the two middle values for an even count)."""
    xs = sorted(values)
    if not xs:
        raise ValueError("median of an empty sample")
    return _median_sorted(xs)


def _median_sorted(xs: Sequence[float]) -> float:
    mid = len(xs) // 2
    if len(xs) % 2:
        return float(xs[mid])
    return (xs[mid - 1] + xs[mid]) / 2


@lru_cache(maxsize=64)
def min_samples_for_ci(confidence: float) -> int:
    """Fewest samples for which the median CI at `confidence` has finite bounds (6 at 0.95).

    benchmath stops searching at 50 samples; this keeps going so callers can tell
    users the real number.
    """
    _check_confidence(confidence)
    n = 2  # an interval needs two samples
    while True:
        lo_order, hi_order, _ = _median_ci_orders(n, confidence)
        if lo_order > 0 and hi_order <= n:
            return n
        n += 1


@lru_cache(maxsize=1024)
def _median_ci_orders(n: int, confidence: float) -> tuple[int, int, float]:
    """1-based order statistics (lo, hi) bounding the median's CI, and its confidence.

    The number of samples below the population median is Binomial(n, 1/2). Starting at
    its (lower) mode, the more probable neighbour is added until the mass reaches the
    confidence, preferring the left on ties - benchmath's left-biased interval. An order
    of 0 or n+1 means that bound is infinite. Above 30 samples the binomial is replaced
    by its normal approximation with continuity correction, as in go-moremath.
    """
    if n <= MEDIAN_CI_BINOMIAL_LIMIT:
        # PMF(k) = C(n, k) / 2^n exactly; integer sums keep the comparisons exact
        # (Go's float64 sums are exact here too, as every term is a dyadic rational).
        scale = 1 << n

        def weight(k: int) -> int:
            return math.comb(n, k) if 0 <= k <= n else 0

        x = math.ceil((n + 1) / 2) - 1
        accum = weight(x)
        left, right = x, x + 1  # the summed band is [left, right)
        lp, rp = weight(left - 1), weight(right)
        while accum / scale < confidence and (lp > 0 or rp > 0):
            if lp >= rp:
                accum += lp
                left -= 1
                lp = weight(left - 1)
            else:
                accum += rp
                right += 1
                rp = weight(right)
        actual = accum / scale
    else:
        from statistics import NormalDist  # rarely needed: imported on first use

        norm = NormalDist(n / 2, math.sqrt(n / 4))
        lo1 = norm.inv_cdf((1 - confidence) / 2)
        hi1 = 2 * norm.mean - lo1
        # Round out to the k +- 0.5 bands of the discrete distribution.
        left = math.floor(lo1 - 0.5) + 1
        right = math.ceil(hi1 - 0.5) + 1

        def mass(lo_k: int, hi_k: int) -> float:
            return norm.cdf(hi_k - 0.5) - norm.cdf(lo_k - 0.5)

        actual = mass(left, right)
        biased = mass(left, right - 1)
        if confidence <= biased < actual:
            actual, right = biased, right - 1
        if left <= 0 and right >= n + 1:
            actual = 1.0
    return max(left, 0), min(right, n + 1), actual


# ---------------------------------------------------------------------------
# Comparisons


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True)
class SampleTest:
    """Whether two samples differ, as benchstat decides it.

    `significant` follows benchstat's display rule: a change is shown unless p > alpha
    (so p == alpha counts as significant). `identical` means each side is constant
    (every baseline sample equal, every current sample equal): the change between them
    - zero or not - is then certain whatever p says, which is the usual case for
    allocs/op and B/op. `too_few` means no outcome of the test at these sample sizes
    could reach alpha; `needed` is then the samples per side that would.
    """

    p_value: float
    n_a: int
    n_b: int
    alpha: float
    significant: bool
    identical: bool
    too_few: bool
    warning: str | None
    method: str = "exact"  # "exact", "exact-ties", "normal", "assume-exact", "none"
    needed: int = 0

    @property
    def p_n_str(self) -> str:
        """benchstat's "p=0.008 n=5" note; without "p=" for exact units, "n=4+5" if unequal."""
        p = "" if self.p_value == 0 else f"p={self.p_value:.3f} "
        n = f"n={self.n_a}" if self.n_a == self.n_b else f"n={self.n_a}+{self.n_b}"
        return p + n

    def delta_str(self, old: float, new: float) -> str:
        """benchstat's "vs base" cell for centres old -> new: "~", "0.00%", "?" or "+x.xx%"."""
        if not self.significant:
            return "~"
        if old == new:
            return "0.00%"
        if old == 0:
            return "?"
        return f"{(new / old - 1) * 100:+.2f}%"


def compare_samples(
    a: Sequence[float], b: Sequence[float], alpha: float = 0.05, assume_exact: bool = False
) -> SampleTest:
    """Test baseline `a` against current `b` as benchstat does (U test, or exact units)."""
    return _compare_samples(tuple(a), tuple(b), alpha, assume_exact)


@lru_cache(maxsize=_MEMO)
def _compare_samples(
    a: tuple[float, ...], b: tuple[float, ...], alpha: float, assume_exact: bool
) -> SampleTest:
    return _compare_sorted(_sorted_values(a, "a"), _sorted_values(b, "b"), alpha, assume_exact)


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True)
class PairStatistics:
    """Everything a comparison asks of two samples, each sorted once: both summaries
    (95 % intervals), the test, whether each side has outliers, and each side's noise
    (of the reciprocals when asked and both sides are positive: see `pair_statistics`)."""

    baseline: Summary
    current: Summary
    test: SampleTest
    baseline_outliers: bool
    current_outliers: bool
    baseline_noise: float
    current_noise: float


def pair_statistics(
    a: Sequence[float],
    b: Sequence[float],
    alpha: float = 0.05,
    assume_exact: bool = False,
    reciprocal_noise: bool = False,
) -> PairStatistics:
    """`summarize`, `outliers` and `noise` of each side and `compare_samples(a, b)`,
    computed together (both sides non-empty). With `reciprocal_noise` (a rate such as
    MB/s) and both sides positive, the noise is that of 1/x, what a run costs, so the
    rate and the ns/op of the same runs are held against the same noise."""
    xs = _sorted_values(a, "values")
    ys = _sorted_values(b, "values")
    base = _summarize_sorted(xs, 0.95, assume_exact)
    cur = _summarize_sorted(ys, 0.95, assume_exact)
    if reciprocal_noise and xs[0] > 0 and ys[0] > 0:
        base_noise, cur_noise = _reciprocal_noise_sorted(xs), _reciprocal_noise_sorted(ys)
    else:
        # The centre of a summary is the median, except for exact units (the mode).
        base_noise = _noise_sorted(xs, _median_sorted(xs) if assume_exact else base.center)
        cur_noise = _noise_sorted(ys, _median_sorted(ys) if assume_exact else cur.center)
    return PairStatistics(
        base,
        cur,
        _compare_sorted(xs, ys, alpha, assume_exact),
        bool(_outliers_sorted(xs)),
        bool(_outliers_sorted(ys)),
        base_noise,
        cur_noise,
    )


def _reciprocal_noise_sorted(xs: list[float]) -> float:
    """`noise` of 1/x for the sorted, positive `xs`: 1/x reverses their order, so the
    reciprocals come sorted without another sort."""
    inverse = [1 / x for x in reversed(xs)]
    return _noise_sorted(inverse, _median_sorted(inverse))


def _compare_sorted(
    xs: list[float], ys: list[float], alpha: float, assume_exact: bool
) -> SampleTest:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    n_a, n_b = len(xs), len(ys)
    identical = bool(xs and ys) and xs[0] == xs[-1] and ys[0] == ys[-1]
    needed = min_samples_to_detect(alpha)

    if assume_exact and n_a and n_b:
        # Exact values have no distribution: any difference is real (benchmath: P = 0).
        return SampleTest(
            p_value=0.0,
            n_a=n_a,
            n_b=n_b,
            alpha=alpha,
            significant=True,
            identical=identical,
            too_few=False,
            warning=None,
            method="assume-exact",
            needed=needed,
        )

    too_few = _min_pvalue(n_a, n_b) > alpha
    if n_a == 0 or n_b == 0 or (xs[0] == xs[-1] == ys[0] == ys[-1]):
        # go-moremath refuses these; benchmath reports p = 1 with the reason.
        return SampleTest(
            p_value=1.0,
            n_a=n_a,
            n_b=n_b,
            alpha=alpha,
            significant=False,
            identical=identical,
            too_few=too_few,
            warning=_SAMPLE_TOO_SMALL if n_a == 0 or n_b == 0 else _SAMPLES_EQUAL,
            method="none",
            needed=needed,
        )

    p, method = _utest(xs, ys)
    # The normal approximation with heavy ties can beat the no-ties minimum; a result
    # that does reach alpha is never "too few".
    too_few = too_few and p > alpha
    warning = None
    if too_few:
        # benchmath warns only when both sides are below `needed`; we also warn when an
        # unbalanced pair of sizes cannot reach alpha either (e.g. 2 and 5 at 0.05).
        warning = (
            f"need >= {needed} samples to detect a difference at alpha level {go_float(alpha)}"
        )
    return SampleTest(
        p_value=p,
        n_a=n_a,
        n_b=n_b,
        alpha=alpha,
        significant=not p > alpha,
        identical=identical,
        too_few=too_few,
        warning=warning,
        method=method,
        needed=needed,
    )


def mann_whitney_u_pvalue(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided Mann-Whitney U p-value, as go-moremath computes it.

    Returns 1 when every value of both samples is equal (go-moremath reports an error
    there and benchstat prints p=1.000). Raises ValueError for an empty sample.
    """
    xs = _sorted_values(a, "a")
    ys = _sorted_values(b, "b")
    if not xs or not ys:
        raise ValueError("the U test needs at least one value on each side")
    if xs[0] == xs[-1] == ys[0] == ys[-1]:
        return 1.0
    return _utest(xs, ys)[0]


@lru_cache(maxsize=64)
def min_samples_to_detect(alpha: float) -> int:
    """Fewest samples per side (equal sizes) for which the U test can reach `alpha`.

    With n per side and no overlap, the exact two-sided p is 2 / C(2n, n): 4 samples
    at alpha 0.05 (p = 0.029), 3 at 0.1. The same rule as benchmath's table, which
    stops at 9.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    n = 1
    while _min_pvalue(n, n) > alpha:
        n += 1
    return n


@lru_cache(maxsize=1024)
def _min_pvalue(n_a: int, n_b: int) -> float:
    """Smallest p-value the U test can give for these sizes (completely separated samples)."""
    if n_a == 0 or n_b == 0:
        return 1.0
    if n_a <= EXACT_LIMIT and n_b <= EXACT_LIMIT:
        return min(1.0, 2 / math.comb(n_a + n_b, n_a))
    return _normal_pvalue(0.0, n_a, n_b, 0)


def _utest(xs: list[float], ys: list[float]) -> tuple[float, str]:
    """p-value and method of the two-sided U test for sorted samples (not all equal)."""
    n_a, n_b = len(xs), len(ys)
    # Twice the U statistic of `a`: each pair with x > y counts 2, each tie 1.
    two_u_a = sum(map(bisect_left, repeat(ys, n_a), xs)) + sum(
        map(bisect_right, repeat(ys, n_a), xs)
    )
    two_u_b = 2 * n_a * n_b - two_u_a
    merged = sorted(xs + ys)
    has_ties = len(set(merged)) < n_a + n_b
    ties = _tie_groups(merged) if has_ties else []

    if (not has_ties and n_a <= EXACT_LIMIT and n_b <= EXACT_LIMIT) or (
        has_ties and n_a <= TIES_EXACT_LIMIT and n_b <= TIES_EXACT_LIMIT
    ):
        if two_u_a == two_u_b:
            # The observation sits at the centre: the whole distribution is as extreme.
            return 1.0, "exact-ties" if has_ties else "exact"
        if not has_ties:
            u_small = min(two_u_a, two_u_b) // 2
            cdf = _no_ties_cdf(min(n_a, n_b), max(n_a, n_b))
            return min(1.0, 2 * cdf[u_small] / cdf[-1]), "exact"
        # With ties the U distribution need not be symmetric, so take the lower tail
        # of whichever sample has the smaller U (see "Where we differ" above).
        if two_u_a < two_u_b:
            hits, total = _ties_lower_tail(tuple(ties), n_a, two_u_a)
        else:
            hits, total = _ties_lower_tail(tuple(ties), n_b, two_u_b)
        return min(1.0, 2 * hits / total), "exact-ties"

    tie_term = sum(t**3 - t for t in ties)
    return _normal_pvalue(two_u_a / 2, n_a, n_b, tie_term), "normal"


def _tie_groups(merged: list[float]) -> list[int]:
    """The sizes of the runs of equal values of a sorted list, in order."""
    n = len(merged)
    # Where a new value starts: after each position whose next value differs.
    starts = [0, *compress(range(1, n), map(ne, merged, islice(merged, 1, None))), n]
    return list(map(sub, islice(starts, 1, None), starts))


def _normal_pvalue(u: float, n_a: int, n_b: int, tie_term: int) -> float:
    """Normal approximation of the two-sided U test with tie and continuity correction."""
    n = n_a + n_b
    mu = n_a * n_b / 2
    sigma = math.sqrt(n_a * n_b * ((n + 1) - tie_term / (n * (n - 1))) / 12)
    if sigma == 0:
        return 1.0
    # Continuity correction towards the mean, then both tails: 2 * Phi(-|z|). This is
    # go-moremath's 2 * min(Phi(z), 1 - Phi(z)) without the cancellation in 1 - Phi(z),
    # so p(a, b) == p(b, a) to the last bit.
    numer = abs(u - mu) - 0.5 if u != mu else 0.0
    return min(1.0, math.erfc(numer / sigma / math.sqrt(2)))


#: An integer that may grow past 64 bits (rankings of 100 values, U distributions as
#: digits of one number). Typed Any so that mypyc (setup.py) computes it with Python's
#: own operations: its fast int path takes any failure of a big-int operation for out
#: of memory and aborts the process, and CPython's big-int multiply and divide fail
#: when Ctrl-C is pending (they check for signals): Ctrl-C must stay an interrupt.
BigInt: TypeAlias = Any


@lru_cache(maxsize=256)
def _no_ties_cdf(m: int, n: int) -> tuple[BigInt, ...]:
    """Cumulative counts of U over the C(m+n, m) equally likely rankings (no ties).

    The counts are the coefficients of the Gaussian binomial [m+n choose m]_q, built
    as the product of (1 - q^(n+i)) / (1 - q^i) for i = 1..m with exact integers.
    """
    poly: list[BigInt] = [1]
    for i in range(1, m + 1):
        # multiply by (1 - q^(n+i)), then divide by (1 - q^i)
        grown: list[BigInt] = [*poly, *([0] * n)]
        for k in range(len(grown) - 1, n + i - 1, -1):
            grown[k] -= grown[k - n - i]
        for k in range(i, len(grown)):
            grown[k] += grown[k - i]
        poly = grown[: i * n + 1]
    cumulative: list[BigInt] = []
    total: BigInt = 0
    for c in poly:
        total += c
        cumulative.append(total)
    return tuple(cumulative)


def _ties_lower_tail(groups: tuple[int, ...], n_pick: int, two_u_obs: int) -> tuple[BigInt, BigInt]:
    """P(2U <= two_u_obs) for a sample of `n_pick` of the ranked values with these tie
    groups (sizes in rank order), as (rankings in the tail, all rankings); the tail is
    below the centre (the caller takes the sample with the smaller U).

    The counts of 2U are the digits of one big integer (`_ties_u_counts`, cached by
    tie pattern); the tail is the sum of its low digits, which is that part of the
    integer modulo (base - 1), as the digit sum stays below the base.
    """
    total = sum(groups)
    rankings: BigInt = math.comb(total, n_pick)
    if rankings >= 1 << _DIGIT_BITS:
        raise ValueError("sample too large for the exact U distribution with ties")
    if two_u_obs < 0:
        return 0, rankings
    counts, bits = _ties_u_counts(groups, n_pick)
    tail: BigInt = counts & ((1 << ((two_u_obs + 1) * bits)) - 1)
    return tail % ((1 << bits) - 1), rankings


@lru_cache(maxsize=4096)
def _ties_u_counts(groups: tuple[int, ...], n_pick: int) -> tuple[BigInt, int]:
    """The number of rankings per value of 2U below the centre, as the `bits`-bit digits
    of one integer: digit d counts the rankings with 2U = d.

    Every choice of which n_pick positions form the sample is equally likely; within
    a tie group of size t only the count r taken matters (C(t, r) ways), and each
    value taken adds the group's doubled mid-rank to 2R. Polynomials in 2R, one per
    number j of values taken so far, are convolved group by group with big-integer
    shifts and additions (in C). Polynomial j is kept shifted down by j(j + 1), the
    least 2R of j values, so that at the end digit d is 2U = 2R - n(n + 1) itself;
    digits from the centre n_a n_b up are never asked for and are dropped.
    """
    total = sum(groups)
    bits = math.comb(total, min(n_pick, total // 2)).bit_length() + 1
    two_bits = 2 * bits
    mask: BigInt = (1 << (n_pick * (total - n_pick) * bits)) - 1
    polys: list[BigInt] = [1] + [0] * n_pick
    start = 0
    for size in groups:
        # Only counts j that the values after this group can still bring to n_pick matter.
        need = n_pick - (total - start - size)
        if size == 1:
            # One value: j -> j + 1, in place from the top down (each j read before it grows).
            for j in range(min(start, n_pick - 1), max(need - 1, 0) - 1, -1):
                poly = polys[j]
                if poly:
                    polys[j + 1] += (poly << ((start - j) * two_bits)) & mask
        else:
            nxt = polys.copy()  # r = 0: nothing taken from this group
            for j in range(max(need - size, 0), min(start, n_pick) + 1):
                poly = polys[j]
                if not poly:
                    continue
                free = 2 * (start - j) + size
                for r in range(max(need - j, 1), min(size, n_pick - j) + 1):
                    term = poly * math.comb(size, r) if r < size else poly
                    nxt[j + r] += (term << (r * (free - r) * bits)) & mask
            polys = nxt
        start += size
    return polys[n_pick], bits


# ---------------------------------------------------------------------------
# Helpers


def go_float(x: float) -> str:
    """Format a float as Go's fmt %v does: shortest digits, e-notation below 1e-4 or from 1e+06.

    benchstat's warnings embed values with %v; matching it keeps our messages identical.
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    if x == 0:
        return "-0" if math.copysign(1, x) < 0 else "0"
    from decimal import Decimal  # for warnings only: imported on first use

    sign, digits, exponent = Decimal(repr(x)).normalize().as_tuple()
    assert isinstance(exponent, int)
    mant = "".join(map(str, digits))
    exp10 = len(mant) + exponent - 1  # exponent of the leading digit
    prefix = "-" if sign else ""
    if exp10 < -4 or exp10 >= 6:
        frac = f".{mant[1:]}" if len(mant) > 1 else ""
        return f"{prefix}{mant[0]}{frac}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exponent >= 0:
        return prefix + mant + "0" * exponent
    point = len(mant) + exponent
    if point > 0:
        return f"{prefix}{mant[:point]}.{mant[point:]}"
    return f"{prefix}0.{'0' * -point}{mant}"


def _sorted_values(values: Sequence[float], name: str) -> list[float]:
    xs = sorted(map(float, values))
    total = sum(xs)  # NaN if a value is NaN (or +Inf meets -Inf): then look closer
    if total != total and any(math.isnan(x) for x in xs):
        raise ValueError(f"{name} contains NaN")
    return xs


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
