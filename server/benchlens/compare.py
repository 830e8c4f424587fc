"""Baseline vs current: the one comparison model that every view renders.

`compare()` pairs benchmarks by (package, full name, procs), summarizes each
metric's samples (median, 95 % CI), tests the difference (Mann-Whitney U) and
decides a status per metric and per benchmark. Views (diagnostics, lenses,
hovers, markdown, JSON, HTML, `check` lines) only format these facts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from benchlens import stats
from benchlens.config import Config, ThresholdOverride, Thresholds
from benchlens.results.model import BenchmarkKey, BenchmarkSamples, ResultSet, SyntaxIssue
from benchlens.units import Better, Metric, UnitInfo, unit_info

#: Configuration keys whose values must agree between the sides for their numbers to be
#: comparable (GOMAXPROCS is the key's procs). `goversion`: the toolchain, as `benchlens
#: run` records it.
MACHINE_KEYS = ("goos", "goarch", "cpu", "goversion")


class Status(StrEnum):
    """Statuses in the order of precedence: a benchmark takes its most notable metric's."""

    REGRESSION = "regression"
    IMPROVEMENT = "improvement"
    OK = "ok"
    MISSING = "missing"
    NEW = "new"

    @property
    def icon(self) -> str:
        return _ICONS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize() if self is not Status.OK else "OK"

    @property
    def badge(self) -> str:
        """Icon and label as users know them: `🔴 Regression`."""
        return _BADGES[self]


_ICONS = {
    Status.REGRESSION: "🔴",
    Status.IMPROVEMENT: "🟢",
    Status.OK: "✅",
    Status.MISSING: "⚠️",
    Status.NEW: "🆕",
}
_BADGES = {s: f"{s.icon} {s.label}" for s in Status}  # a table shows one per row
_PRECEDENCE = {Status.REGRESSION: 0, Status.IMPROVEMENT: 1, Status.OK: 2}


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True)
class MetricDelta:
    """One unit of one benchmark, baseline vs current, and what it means."""

    unit: str
    metric: Metric
    better: Better | None
    baseline: stats.Summary | None
    current: stats.Summary | None
    baseline_samples: tuple[float, ...]
    current_samples: tuple[float, ...]
    change_pct: float | None
    p_value: float | None
    threshold_pct: float
    improvement_pct: float
    status: Status
    #: Every sample on each side is the same value, so the change is certain (allocs/op).
    certain: bool = False
    #: Too few samples to test at alpha: decided by the threshold alone.
    low_confidence: bool = False
    #: Samples per side that a test at alpha would need (`-count`), when low confidence.
    runs_needed: int | None = None
    #: What the statistics warn about, as benchstat words it: too few samples for an
    #: interval or a test, all samples equal, outliers, a spread wider than the change.
    warnings: tuple[str, ...] = ()
    #: The smallest change the test's verdict is trusted for, in percent (NOISE_MULTIPLE
    #: times the noisier side's `stats.noise`); None when no test decided.
    noise_pct: float | None = None

    @property
    def n_baseline(self) -> int:
        return len(self.baseline_samples)

    @property
    def n_current(self) -> int:
        return len(self.current_samples)

    @property
    def worse_pct(self) -> float | None:
        """The change in the bad direction (positive = worse), None when direction unknown."""
        if self.change_pct is None or self.better is None:
            return None
        return self.change_pct if self.better is Better.LOWER else -self.change_pct


@dataclass(frozen=True, order=True)
class ConfigDifference:
    """A machine setting that differs between the sides (`cpu`: Intel → AMD)."""

    key: str
    baseline: str
    current: str


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True)
class BenchmarkComparison:
    """One benchmark across both sides. `key` is the current key (baseline's when missing)."""

    key: BenchmarkKey
    status: Status
    metrics: tuple[MetricDelta, ...]
    baseline_key: BenchmarkKey | None = None
    baseline_config: Mapping[str, str] = field(default_factory=dict)
    current_config: Mapping[str, str] = field(default_factory=dict)
    #: Set when sides with different GOMAXPROCS were matched (CI has 4 cores, the laptop 8).
    procs_note: str | None = None
    #: Machine settings that differ between the sides (GOMAXPROCS included).
    differences: tuple[ConfigDifference, ...] = ()

    @property
    def name(self) -> str:
        return self.key.name

    @property
    def package(self) -> str:
        return self.key.package

    def metric(self, unit: str) -> MetricDelta | None:
        return next((m for m in self.metrics if m.unit == unit), None)

    @property
    def notable_metrics(self) -> tuple[MetricDelta, ...]:
        """The metrics that carry the benchmark's status (regressed or improved ones)."""
        return tuple(m for m in self.metrics if m.status is self.status)

    @property
    def low_confidence(self) -> bool:
        return any(m.low_confidence for m in self.metrics)

    @property
    def paired(self) -> bool:
        """Both sides have results (not missing, not new)."""
        return self.status not in (Status.MISSING, Status.NEW)


@dataclass(frozen=True)
class Comparison:
    """A whole comparison: every benchmark of both sides, and every problem met reading them.

    `thresholds`, `overrides` and `alpha` are the rules the verdicts were decided by;
    `baseline_info`/`current_info` each side's file-level configuration (commit, date,
    goos, cpu...), so that every report can say what it compared.
    """

    baseline_source: str | None
    current_source: str
    benchmarks: tuple[BenchmarkComparison, ...]
    issues: tuple[SyntaxIssue, ...] = ()
    alpha: float = 0.05
    thresholds: Thresholds = field(default_factory=Thresholds)
    overrides: tuple[ThresholdOverride, ...] = ()
    baseline_info: Mapping[str, str] = field(default_factory=dict)
    current_info: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_source is not None

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(b.status for b in self.benchmarks)
        return {s.value: counts.get(s, 0) for s in Status}

    @property
    def regressions(self) -> list[BenchmarkComparison]:
        return [b for b in self.benchmarks if b.status is Status.REGRESSION]

    def by_key(self) -> dict[BenchmarkKey, BenchmarkComparison]:
        return {b.key: b for b in self.benchmarks}

    @property
    def paired_count(self) -> int:
        """How many benchmarks have results on both sides: what was really compared."""
        return sum(1 for b in self.benchmarks if b.paired)

    @property
    def differences(self) -> dict[ConfigDifference, int]:
        """Every machine setting that differs between the sides, with how many paired
        benchmarks it concerns, in a stable order."""
        counts = Counter(d for b in self.benchmarks for d in b.differences)
        return dict(sorted(counts.items()))

    def filtered(self, keep: Callable[[BenchmarkComparison], bool]) -> Comparison:
        """The same comparison restricted to the benchmarks `keep` accepts."""
        return replace(self, benchmarks=tuple(b for b in self.benchmarks if keep(b)))


def _change_pct(base: float, cur: float) -> float | None:
    if base == 0:
        return 0.0 if cur == 0 else (math.inf if cur > 0 else -math.inf)
    return (cur - base) / abs(base) * 100.0


#: A regression or an improvement must be larger than this many times the noisier
#: side's noise between runs (`stats.noise`, a robust coefficient of variation), on top
#: of its threshold and the U test. On a quiet machine (noise of a few percent) this
#: changes nothing; on a loaded one, where samples vary by 20 % and more, the U test
#: alone calls about 1 unchanged benchmark in 35 a regression, and this halves that.
#: Measured with `make bench-signal` (README: "How often it cries wolf").
NOISE_MULTIPLE = 2.0


def _within_noise(base: float, cur: float, change_pct: float, noise_pct: float) -> bool:
    """Whether a change is no larger than the noise, held as a ratio: ×(1 + noise) up
    or ÷(1 + noise) down. A percent decrease never passes 100 %, so in percent a
    throughput that falls to a thousandth would hide under any noise above 50 % while
    the same benchmark's time, ×1000, would not; the ratio treats both alike."""
    if base > 0 and cur > 0:
        return abs(math.log(cur / base)) <= math.log1p(noise_pct / 100)
    return abs(change_pct) <= noise_pct


def compare_metric(
    info: UnitInfo,
    base: Sequence[float],
    cur: Sequence[float],
    *,
    threshold_pct: float,
    improvement_pct: float,
    alpha: float,
) -> MetricDelta:
    """Decide one metric: regression/improvement need the threshold *and* significance.

    Significance is the U test's, or certainty when each side has at least two samples
    and all of them are equal (allocs/op). With too few samples for the test to reach
    alpha - one sample per side included, which shows no variance only because it has
    none to show - the threshold alone decides and the verdict is low confidence.
    """
    base, cur = tuple(base), tuple(cur)
    if not base or not cur:
        return MetricDelta(
            info.unit,
            info.metric,
            info.better,
            stats.summarize(base, assume_exact=info.assume_exact) if base else None,
            stats.summarize(cur, assume_exact=info.assume_exact) if cur else None,
            base,
            cur,
            None,
            None,
            threshold_pct,
            improvement_pct,
            Status.OK,
        )

    # A rate's noise is that of its reciprocal, what a run costs: MB/s and the ns/op of
    # the same runs then get the same verdict (the noise of 1/x is not that of x).
    facts = stats.pair_statistics(
        base, cur, alpha, info.assume_exact, reciprocal_noise=info.better is Better.HIGHER
    )
    base_summary, cur_summary, test = facts.baseline, facts.current, facts.test
    change = _change_pct(base_summary.center, cur_summary.center)
    # Each side has two samples or more, all equal (test.identical: each side constant).
    certain = test.identical and len(base) >= 2 and len(cur) >= 2
    low_confidence = test.too_few and not certain
    significant = certain or low_confidence or test.significant
    noise_pct = None
    if not certain and not low_confidence and not info.assume_exact:
        noise_pct = 100 * NOISE_MULTIPLE * max(facts.baseline_noise, facts.current_noise)
    status = Status.OK
    worse = None
    within_noise = False
    if change is not None and info.better is not None:
        worse = change if info.better is Better.LOWER else -change
        within_noise = noise_pct is not None and _within_noise(
            base_summary.center, cur_summary.center, change, noise_pct
        )
        if significant and not within_noise and worse > threshold_pct:
            status = Status.REGRESSION
        elif significant and not within_noise and -worse > improvement_pct:
            status = Status.IMPROVEMENT
    beyond = worse is not None and (worse > threshold_pct or -worse > improvement_pct)
    warnings = _warnings(
        facts,
        change,
        noise_decided=beyond and not significant,
        within_noise=beyond and significant and within_noise,
    )
    return MetricDelta(
        info.unit,
        info.metric,
        info.better,
        base_summary,
        cur_summary,
        base,
        cur,
        change,
        test.p_value,
        threshold_pct,
        improvement_pct,
        status,
        certain,
        low_confidence,
        test.needed if low_confidence else None,
        warnings,
        noise_pct,
    )


def _warnings(
    facts: stats.PairStatistics,
    change: float | None,
    *,
    noise_decided: bool,
    within_noise: bool = False,
) -> tuple[str, ...]:
    """benchstat's warnings for one metric (its words), then ours: outliers per side, and
    a change beyond its threshold that the spread swallows."""
    summaries = (facts.baseline, facts.current)
    test = facts.test
    found: list[str] = [s.warning for s in summaries if s.warning]
    if test.warning:
        found.append(test.warning)
    for side, has_outliers in (
        ("baseline", facts.baseline_outliers),
        ("current", facts.current_outliers),
    ):
        if has_outliers:
            found.append(f"outliers in the {side} (beyond 3×IQR): a noisy run, or a noisy machine")
    if noise_decided and change is not None:
        # Generic words (the row shows the numbers), so one footnote serves every such row.
        alpha = stats.go_float(test.alpha)
        spreads = [100 * s.spread for s in summaries]
        if all(math.isfinite(x) for x in spreads) and max(spreads) >= abs(change):
            found.append(f"the spread is wider than the change: not significant at α={alpha}")
        else:
            found.append(f"the change is beyond its threshold but not significant at α={alpha}")
    if within_noise:
        found.append(
            "the change is within twice the noise between runs, so not called one"
            " (run with a higher -count, or on a quieter machine)"
        )
    if not found:
        return ()
    return tuple(dict.fromkeys(found))


def _pair_keys(
    baseline: Mapping[BenchmarkKey, BenchmarkSamples],
    current: Mapping[BenchmarkKey, BenchmarkSamples],
) -> dict[BenchmarkKey, BenchmarkKey]:
    """current key → baseline key. Exact matches first; then a benchmark with exactly one
    procs value on each side is matched across different procs."""
    pairs = {k: k for k in current if k in baseline}
    if len(pairs) == len(current):
        return pairs  # the usual case: every current benchmark has its exact match
    base_by_ident: dict[tuple[str, str], list[BenchmarkKey]] = {}
    for k in baseline:
        base_by_ident.setdefault((k.package, k.name), []).append(k)
    cur_by_ident: dict[tuple[str, str], list[BenchmarkKey]] = {}
    for k in current:
        cur_by_ident.setdefault((k.package, k.name), []).append(k)
    for ident, cur_keys in cur_by_ident.items():
        base_keys = base_by_ident.get(ident, [])
        # One procs value on each side, and they differ: the same benchmark on another machine.
        if len(cur_keys) == 1 and len(base_keys) == 1 and cur_keys[0] not in pairs:
            pairs[cur_keys[0]] = base_keys[0]
    return pairs


class _Decider:
    """The verdicts of one comparison: each unit's meaning and each metric's thresholds
    looked up once, and metrics with the same samples on both sides (allocs/op of 0
    against 0, everywhere) decided once."""

    def __init__(self, config: Config, unit_metadata: Mapping[str, Mapping[str, str]]) -> None:
        self.config = config
        self.unit_metadata = unit_metadata
        self.infos: dict[str, UnitInfo] = {}
        #: metric -> (regression, improvement) threshold, when no override applies by name.
        self.thresholds: dict[Metric, tuple[float, float]] | None = None if config.overrides else {}
        self.decided: dict[tuple[object, ...], MetricDelta] = {}

    def info(self, unit: str) -> UnitInfo:
        info = self.infos.get(unit)
        if info is None:
            info = self.infos[unit] = unit_info(
                unit, self.unit_metadata.get(unit), self.config.units
            )
        return info

    def metric(
        self, name: str, unit: str, base: Sequence[float], cur: Sequence[float]
    ) -> MetricDelta:
        info = self.info(unit)
        config = self.config
        if self.thresholds is None:
            limits = (config.threshold(name, info.metric), config.improvement_threshold(name))
        else:
            found = self.thresholds.get(info.metric)
            if found is None:
                found = self.thresholds[info.metric] = (
                    config.threshold(name, info.metric),
                    config.improvement_threshold(name),
                )
            limits = found
        base, cur = tuple(base), tuple(cur)
        key = (unit, base, cur, limits)
        delta = self.decided.get(key)
        if delta is None:
            delta = self.decided[key] = compare_metric(
                info,
                base,
                cur,
                threshold_pct=limits[0],
                improvement_pct=limits[1],
                alpha=config.alpha,
            )
        return delta


def compare_benchmark(
    base: BenchmarkSamples | None,
    cur: BenchmarkSamples | None,
    config: Config,
    unit_metadata: Mapping[str, Mapping[str, str]],
    decider: _Decider | None = None,
) -> BenchmarkComparison:
    """Compare one benchmark; either side may be absent (missing / new)."""
    side = cur if cur is not None else base
    assert side is not None
    decide = (decider or _Decider(config, unit_metadata)).metric
    name = side.key.name
    if cur is None or base is None:
        status = Status.MISSING if cur is None else Status.NEW
        metrics = [
            replace(decide(name, unit, values, ()), status=status)
            if cur is None
            else replace(decide(name, unit, (), values), status=status)
            for unit, values in side.samples.items()
        ]
    else:
        base_samples, cur_samples = base.samples, cur.samples
        metrics = [
            decide(name, unit, base_samples.get(unit, ()), values)
            for unit, values in cur_samples.items()
        ]
        if base_samples.keys() != cur_samples.keys():
            metrics += [
                decide(name, unit, values, ())
                for unit, values in base_samples.items()
                if unit not in cur_samples
            ]
        status = min((m.status for m in metrics), key=_PRECEDENCE.__getitem__, default=Status.OK)
    procs_note = None
    differences: list[ConfigDifference] = []
    if base is not None and cur is not None:
        if base.key.procs != cur.key.procs:
            procs_note = (
                f"GOMAXPROCS differs: baseline {base.key.procs}, current {cur.key.procs} "
                "(matched as the only run on each side)"
            )
            differences.append(
                ConfigDifference("GOMAXPROCS", str(base.key.procs), str(cur.key.procs))
            )
        for key in MACHINE_KEYS:
            old, new = base.config.get(key), cur.config.get(key)
            if old and new and old != new:
                differences.append(ConfigDifference(key, old, new))
    return BenchmarkComparison(
        key=side.key,
        status=status,
        metrics=tuple(metrics),
        baseline_key=base.key if base else None,
        baseline_config=base.config if base else {},
        current_config=cur.config if cur else {},
        procs_note=procs_note,
        differences=tuple(differences),
    )


def compare(baseline: ResultSet | None, current: ResultSet, config: Config) -> Comparison:
    """Compare two result sets. No baseline: every benchmark is new."""
    return comparison_of(baseline, current, config, tuple(compare_each(baseline, current, config)))


def compare_each(
    baseline: ResultSet | None, current: ResultSet, config: Config
) -> Iterator[BenchmarkComparison]:
    """The benchmarks of `compare`, one at a time and in its order (current ones, then
    those only in the baseline), for a view that shows them as they come."""
    base_benchmarks = baseline.benchmarks if baseline is not None else {}
    metadata: dict[str, dict[str, str]] = {}
    for rs in (baseline, current):
        if rs is not None:
            for unit, meta in rs.unit_metadata.items():
                metadata.setdefault(unit, {}).update(meta)
    pairs = _pair_keys(base_benchmarks, current.benchmarks)
    decider = _Decider(config, metadata)
    for key, cur in current.benchmarks.items():
        base_key = pairs.get(key)
        base = base_benchmarks.get(base_key) if base_key is not None else None
        yield compare_benchmark(base, cur, config, metadata, decider)
    matched = set(pairs.values())
    for key, base in base_benchmarks.items():
        if key not in matched:
            yield compare_benchmark(base, None, config, metadata, decider)


def comparison_of(
    baseline: ResultSet | None,
    current: ResultSet,
    config: Config,
    out: tuple[BenchmarkComparison, ...],
) -> Comparison:
    """The comparison of two result sets whose benchmarks (`compare_each`) are `out`."""
    issues = tuple(baseline.issues if baseline else ()) + tuple(current.issues)
    return Comparison(
        baseline_source=baseline.source if baseline is not None else None,
        current_source=current.source,
        benchmarks=out,
        issues=issues,
        alpha=config.alpha,
        thresholds=config.thresholds,
        overrides=config.overrides,
        baseline_info=dict(baseline.config) if baseline is not None else {},
        current_info=dict(current.config),
    )
