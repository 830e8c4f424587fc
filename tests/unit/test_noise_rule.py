"""The noise floor of a verdict: a change must be larger than twice the noisier side's
noise between runs (a robust coefficient of variation), on top of the threshold and
the U test. Why: `make bench-signal` (README: "How often it cries wolf")."""

from __future__ import annotations

import random

import pytest

from benchlens import stats
from benchlens.compare import NOISE_MULTIPLE, MetricDelta, Status, compare_metric
from benchlens.units import unit_info

NS = unit_info("ns/op", None, {})
NOISY = [100.0, 80.0, 120.0, 90.0, 140.0, 70.0]  # noise ≈ 31 %
QUIET = [100.0, 101.0, 99.0, 100.0, 102.0, 98.0]  # noise ≈ 1.5 %


def decide(base: list[float], cur: list[float]) -> MetricDelta:
    return compare_metric(NS, base, cur, threshold_pct=20, improvement_pct=10, alpha=0.05)


def scaled(values: list[float], factor: float) -> list[float]:
    return [v * factor for v in values]


def test_noise_is_a_robust_coefficient_of_variation() -> None:
    assert stats.noise(QUIET) == pytest.approx(stats.MAD_TO_SD * 1.0 / 100.0)
    assert stats.noise(NOISY) == pytest.approx(stats.MAD_TO_SD * 20.0 / 95.0)
    # One far outlier in six moves it little: the median and the MAD ignore it.
    assert stats.noise([*QUIET[:5], 1000.0]) < 2 * stats.noise(QUIET)
    assert stats.noise([5.0, 5.0, 5.0]) == 0.0  # constant (allocs/op)
    assert stats.noise([0.0, 0.0, 3.0]) == 0.0  # a zero median has no relative noise
    assert stats.noise([7.0]) == 0.0


def test_a_significant_change_within_the_noise_is_not_called_one() -> None:
    slower = decide(NOISY, [150.0, 130.0, 170.0, 120.0, 200.0, 110.0])
    assert slower.p_value is not None and slower.p_value < 0.05
    assert slower.change_pct is not None and slower.change_pct > 20
    assert slower.noise_pct == pytest.approx(100 * NOISE_MULTIPLE * stats.noise(NOISY))
    assert slower.status is Status.OK
    assert any(w.startswith("the change is within twice the noise") for w in slower.warnings)
    faster = decide([150, 130, 170, 120, 200, 110], NOISY)
    assert faster.status is Status.OK  # improvements alike


def test_changes_beyond_the_noise_are_called_as_before() -> None:
    assert decide(QUIET, scaled(QUIET, 1.25)).status is Status.REGRESSION
    assert decide(QUIET, scaled(QUIET, 0.8)).status is Status.IMPROVEMENT
    assert decide(NOISY, scaled(NOISY, 3.0)).status is Status.REGRESSION
    # An outlier on each side does not hide a clear 25 % regression.
    with_outliers = decide([*QUIET[:5], 300.0], [*scaled(QUIET[:5], 1.25), 400.0])
    assert with_outliers.status is Status.REGRESSION


def test_no_noise_floor_without_a_test() -> None:
    certain = decide([3.0] * 6, [4.0] * 6)  # allocs/op: every sample equal
    assert certain.certain and certain.noise_pct is None
    assert certain.status is Status.REGRESSION
    few = decide([100.0, 140.0], [180.0, 250.0])  # too few for the test: threshold only
    assert few.low_confidence and few.noise_pct is None
    assert few.status is Status.REGRESSION


def test_never_more_flags_than_threshold_and_mann_whitney() -> None:
    """benchstat's rule (threshold + U test) flags a superset of what benchlens flags."""
    rng = random.Random(13)
    flagged = by_rule = 0
    for _ in range(400):
        cv, factor = rng.choice((0.02, 0.1, 0.3)), rng.choice((1.0, 1.1, 1.25, 1.6))
        base = [rng.lognormvariate(0, cv) for _ in range(6)]
        cur = [factor * rng.lognormvariate(0, cv) for _ in range(6)]
        delta = decide(base, cur)
        worse, p = delta.worse_pct, delta.p_value
        rule = worse is not None and p is not None and worse > 20 and p < 0.05
        assert not (delta.status is Status.REGRESSION and not rule)
        flagged += delta.status is Status.REGRESSION
        by_rule += rule
    assert 0 < flagged < by_rule  # the floor is active, and it only ever removes flags


MBS = unit_info("MB/s", None, {})
VERY_NOISY = [100.0, 40.0, 160.0, 60.0, 150.0, 100.0]  # noise ≈ 67 %: twice that is 133 %


def test_the_noise_floor_does_not_hide_a_collapse_of_throughput_or_of_time() -> None:
    """A change is held against the noise as a ratio: throughput falling to a thousandth
    is the same event as time growing a thousandfold, and neither is "within the noise"
    because a percent decrease cannot pass 100 % (seen on a loaded machine: MB/s −99.6 %
    shown as OK while the same benchmark's ns/op was ×246)."""
    assert 100 * NOISE_MULTIPLE * stats.noise(VERY_NOISY) > 100
    collapse = scaled(VERY_NOISY, 0.001)
    slower = compare_metric(
        MBS, VERY_NOISY, collapse, threshold_pct=10, improvement_pct=10, alpha=0.05
    )
    assert slower.p_value is not None and slower.p_value < 0.05
    assert slower.status is Status.REGRESSION
    assert not any(w.startswith("the change is within twice") for w in slower.warnings)
    assert decide(VERY_NOISY, collapse).status is Status.IMPROVEMENT  # ns/op 1000× faster
    assert decide(VERY_NOISY, scaled(VERY_NOISY, 1000)).status is Status.REGRESSION
    # Within the noise either way round: ×1.5 and ÷1.5 are the same size of change.
    assert decide(VERY_NOISY, scaled(VERY_NOISY, 1.5)).status is Status.OK
    assert decide(VERY_NOISY, scaled(VERY_NOISY, 1 / 1.5)).status is Status.OK


def test_a_rate_and_its_time_get_the_same_verdict() -> None:
    """MB/s is bytes over ns/op: the same runs, one the reciprocal of the other. Their
    noise is measured the same way round (as a cost), so that with equal thresholds
    neither is called a regression while the other is "within the noise" (seen with
    `benchlens ab` on valyala/fastjson: ns/op +72.8 % OK, MB/s −42.2 % a regression).
    Seven samples a side: the median of an odd count is a sample, so the two medians
    are exact reciprocals (of an even count, the mean of the middle two is not quite)."""
    rng = random.Random(7)
    for _ in range(300):
        cv, factor = rng.choice((0.05, 0.3, 0.6)), rng.choice((1.0, 1.3, 1.8, 3.0))
        base = [rng.lognormvariate(0, cv) for _ in range(7)]
        cur = [factor * rng.lognormvariate(0, cv) for _ in range(7)]
        time_delta = compare_metric(NS, base, cur, threshold_pct=20, improvement_pct=20, alpha=0.05)
        rate = compare_metric(
            MBS,
            [1000 / t for t in base],
            [1000 / t for t in cur],
            threshold_pct=100 * (1 - 1 / 1.2),  # the same sizes of change: ÷1.2
            improvement_pct=100 * (1 / 0.8 - 1),  # and ×1.25
            alpha=0.05,
        )
        assert time_delta.status is rate.status, (base, cur)
