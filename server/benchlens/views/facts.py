"""Phrases that several views share, written once: a metric's change, a diagnostic message.

Every view — diagnostic, lens, hover, markdown, HTML, JSON, `check` lines —
says the same thing about a metric in the same words, so the words live here.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable

from benchlens.compare import BenchmarkComparison, Comparison, ConfigDifference, MetricDelta, Status
from benchlens.stats import Summary, go_float
from benchlens.units import Better, Metric, format_change, format_value

SAVE_BASELINE_HINT = "no baseline yet: run `benchlens save-baseline` to keep these results as one"


def short_name(bench: BenchmarkComparison) -> str:
    """The name without the `Benchmark` prefix, procs suffix included when > 1."""
    name = bench.key.display_name
    return name[len("Benchmark") :] if name.startswith("Benchmark") else name


def value_or_dash(m: MetricDelta, side: str) -> str:
    summary = m.baseline if side == "baseline" else m.current
    return format_value(summary.center, m.unit) if summary is not None else "—"


#: `with_spread` texts by (unit, centre, bounds, sign of the centre): the constant
#: metrics (0 allocs/op on both sides of most benchmarks) are formatted once.
_SPREAD_TEXTS: dict[tuple[str, float, float, float, float], str] = {}


def with_spread(summary: Summary | None, unit: str) -> str:
    """`354ns ± 2%`: the median and the spread of its confidence interval, as benchstat
    prints them (`± ∞` when the sample is too small for an interval)."""
    if summary is None:
        return "—"
    center = summary.center
    key = (unit, center, summary.lo, summary.hi, math.copysign(1.0, center))
    text = _SPREAD_TEXTS.get(key)
    if text is None:
        text = f"{format_value(center, unit)} ± {summary.spread_str}"
        if len(_SPREAD_TEXTS) >= 4096:
            _SPREAD_TEXTS.clear()
        _SPREAD_TEXTS[key] = text
    return text


def value_and_spread(m: MetricDelta, side: str) -> str:
    return with_spread(m.baseline if side == "baseline" else m.current, m.unit)


def threshold_text(m: MetricDelta) -> str:
    """The threshold the change was held against, with its sign: `+20%` or `−10%`."""
    if m.better is None:
        return "no direction"
    pct = m.threshold_pct if m.status is not Status.IMPROVEMENT else m.improvement_pct
    worse_sign = "+" if m.better is Better.LOWER else "−"
    better_sign = "−" if m.better is Better.LOWER else "+"
    sign = better_sign if m.status is Status.IMPROVEMENT else worse_sign
    return f"{sign}{pct:g}%"


def p_text(m: MetricDelta) -> str:
    """`p=0.002 n=6+6`, as benchstat prints it, plus what makes the test moot."""
    if m.p_value is None:
        return f"n={m.n_baseline}+{m.n_current}"
    text = f"p={m.p_value:.3f} n={m.n_baseline}+{m.n_current}"
    if m.certain and m.change_pct:
        text += ", no variance"  # each side constant: the change is certain
    return text


def low_confidence_text(m: MetricDelta) -> str | None:
    if not m.low_confidence:
        return None
    return f"low confidence: run with -count={m.runs_needed or 6} or more"


def deciding_warnings(m: MetricDelta) -> list[str]:
    """The statistics' warnings that decided this metric's verdict: too few samples for
    the test (the threshold alone decided), or a change the noise swallowed."""
    if m.low_confidence:
        return [w for w in m.warnings if w.startswith("need >=") and "detect" in w]
    if m.status is Status.OK:
        return [w for w in m.warnings if w.startswith(("the spread", "the change"))]
    return []


def metric_change(m: MetricDelta) -> str:
    """`ns/op +27.3%` — the compact form used in lenses and summaries."""
    return f"{m.unit} {format_change(m.change_pct)}"


def metric_message(m: MetricDelta) -> str:
    """One metric, fully: `ns/op: 1.20µs → 1.53µs (+27.3%, threshold +20%, p=0.002 n=6+6)`."""
    base, cur = value_or_dash(m, "baseline"), value_or_dash(m, "current")
    parts = [format_change(m.change_pct)]
    if m.status in (Status.REGRESSION, Status.IMPROVEMENT):
        parts.append(f"threshold {threshold_text(m)}")
    parts.append(p_text(m))
    parts += deciding_warnings(m)
    low = low_confidence_text(m)
    if low:
        parts.append(low)
    return f"{m.unit}: {base} → {cur} ({', '.join(parts)})"


def benchmark_message(bench: BenchmarkComparison) -> str:
    """The diagnostic / `check` message of one benchmark."""
    name = short_name(bench)
    if bench.status is Status.MISSING:
        return f"{name}: missing from the current results (in baseline only)"
    if bench.status is Status.NEW:
        return f"{name}: new benchmark (no baseline)"
    notable = bench.notable_metrics or bench.metrics
    detail = "; ".join(metric_message(m) for m in notable)
    text = f"{name} {bench.status.label.lower()}: {detail}"
    if bench.procs_note:
        text += f" [{bench.procs_note}]"
    return text


def status_summary(bench: BenchmarkComparison) -> str:
    """The lens title: `🔴 ns/op +27% · MB/s −8%`."""
    if bench.status in (Status.MISSING, Status.NEW):
        return bench.status.badge
    shown = [m for m in bench.metrics if m.change_pct is not None]
    parts = [f"{m.unit} {format_change(m.change_pct)}" for m in shown]
    text = f"{bench.status.icon} " + " · ".join(parts) if parts else bench.status.badge
    if bench.low_confidence:
        text += " (low confidence)"
    return text


_COUNT_WORDS = {
    Status.REGRESSION: ("regression", "regressions"),
    Status.IMPROVEMENT: ("improvement", "improvements"),
    Status.OK: ("ok", "ok"),
    Status.MISSING: ("missing", "missing"),
    Status.NEW: ("new", "new"),
}


def _counts(benches: Iterable[BenchmarkComparison], keep_zero: bool) -> str:
    counts = Counter(b.status for b in benches)
    parts = []
    for status, (one, many) in _COUNT_WORDS.items():
        n = counts.get(status, 0)
        if n or keep_zero:
            parts.append(f"{status.icon} {n} {one if n == 1 else many}")
    return " · ".join(parts)


def table_sections(
    comparison: Comparison,
) -> tuple[list[BenchmarkComparison], list[BenchmarkComparison]]:
    """(notable, unchanged): what a report table shows first — regressions, improvements,
    missing, new, in that order — and the OK benchmarks it folds away."""
    order = {s: i for i, s in enumerate(Status)}
    notable = sorted(
        (b for b in comparison.benchmarks if b.status is not Status.OK),
        key=lambda b: order[b.status],
    )
    unchanged = [b for b in comparison.benchmarks if b.status is Status.OK]
    return notable, unchanged


def metric_notes(m: MetricDelta, alpha: float) -> tuple[str, ...]:
    """A table row's footnotes: the statistics' warnings, and how a low-confidence
    verdict was reached."""
    notes = list(m.warnings)
    if m.low_confidence:
        notes.append(low_confidence_footnote(m, alpha))
    return tuple(notes)


def low_confidence_footnote(m: MetricDelta, alpha: float) -> str:
    """`too few samples to test at α=0.05; decided by the threshold alone (low
    confidence: run with -count=4 or more)`."""
    return _low_confidence_footnote(low_confidence_text(m), alpha)


@functools.lru_cache(maxsize=64)
def _low_confidence_footnote(low: str | None, alpha: float) -> str:
    return f"too few samples to test at α={go_float(alpha)}; decided by the threshold alone ({low})"


def difference_text(diff: ConfigDifference) -> str:
    """`cpu differs: baseline Intel Xeon, current AMD EPYC`."""
    return f"{diff.key} differs: baseline {diff.baseline}, current {diff.current}"


def difference_notes(comparison: Comparison) -> list[str]:
    """One note per machine setting that differs between the sides (benchstat would not
    even compare such results), saying how many benchmarks it concerns."""
    paired = comparison.paired_count
    notes = []
    for diff, count in comparison.differences.items():
        scope = "" if count == paired else f" ({count} of {paired} benchmarks)"
        notes.append(f"{difference_text(diff)}{scope}: the results may not be comparable")
    return notes


def overlap_problem(comparison: Comparison) -> str | None:
    """Why the comparison compares nothing (no benchmark on both sides), or None.

    Two files with nothing in common usually mean the wrong files or a renamed
    package; a gate that silently passes them is worse than useless."""
    if not comparison.has_baseline or comparison.paired_count:
        return None
    counts = comparison.summary
    return (
        "no benchmark is in both the baseline and the current results "
        f"({counts['missing']} only in {comparison.baseline_source}, "
        f"{counts['new']} only in {comparison.current_source}): nothing to compare"
    )


def coverage_warning(comparison: Comparison) -> str | None:
    """A warning when most of the baseline's benchmarks are missing from the current
    results (some were compared, but most of the baseline was not)."""
    if not comparison.has_baseline:
        return None
    missing = comparison.summary["missing"]
    in_baseline = missing + comparison.paired_count
    if comparison.paired_count == 0 or missing * 2 <= in_baseline:
        return None
    return (
        f"{missing} of the {in_baseline} benchmarks in the baseline are missing from the "
        "current results: only part of the baseline was compared"
    )


_METRIC_ORDER = (
    Metric.LATENCY,
    Metric.THROUGHPUT,
    Metric.ALLOCATIONS,
    Metric.MEMORY,
    Metric.CUSTOM,
)


def thresholds_text(comparison: Comparison) -> str:
    """`latency +20% · throughput −10% · ... · improvement 10%` (and the overrides)."""
    t = comparison.thresholds
    worse = {Metric.THROUGHPUT: "−"}
    parts = [
        f"{metric.value} {worse.get(metric, '+')}{t.regression_pct(metric):g}%"
        for metric in _METRIC_ORDER
    ]
    parts.append(f"improvement {t.improvement:g}%")
    text = " · ".join(parts)
    if comparison.overrides:
        n = len(comparison.overrides)
        globs = ", ".join(o.pattern for o in comparison.overrides[:3])
        text += f" (+{n} per-benchmark override{'s' if n != 1 else ''}: {globs}"
        text += ", …)" if n > 3 else ")"
    return text


def _count_range(counts: Iterable[int]) -> str:
    values = sorted(set(counts))
    if not values:
        return "0"
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def samples_text(comparison: Comparison) -> str:
    """Samples per benchmark on each side: `6+6`, or ranges `1–6+6`."""
    metrics = [m for b in comparison.benchmarks for m in b.metrics]
    base = _count_range(m.n_baseline for m in metrics if m.n_baseline)
    cur = _count_range(m.n_current for m in metrics if m.n_current)
    return f"{base}+{cur}" if comparison.has_baseline else cur


_FULL_HASH = re.compile(r"\b([0-9a-f]{12})[0-9a-f]{28}\b")


def short_commit(commit: str) -> str:
    """A full 40-hex commit shortened to 12 characters (what follows it is kept:
    `abc123def456 (modified)`)."""
    return _FULL_HASH.sub(r"\1", commit)


def side_text(info: dict[str, str] | None, source: str | None) -> str:
    """One side's provenance: `baseline.txt · commit abc1234 · 2026-01-02T03:04:05Z`."""
    if source is None:
        return "(no baseline)"
    parts = [source]
    info = info or {}
    parts.append(
        f"commit {short_commit(info['commit'])}" if info.get("commit") else "commit not recorded"
    )
    for key in ("date", "goversion", "benchlens"):
        if info.get(key):
            parts.append(f"{key} {info[key]}" if key != "date" else info[key])
    return " · ".join(parts)


def report_facts(comparison: Comparison) -> list[tuple[str, str]]:
    """What every report states about how it decided, label → text: both sides (file,
    commit, date), the thresholds, alpha and the sample counts."""
    base_info = dict(comparison.baseline_info)
    cur_info = dict(comparison.current_info)
    return [
        ("baseline", side_text(base_info, comparison.baseline_source)),
        ("current", side_text(cur_info, comparison.current_source)),
        ("thresholds", thresholds_text(comparison)),
        (
            "test",
            f"Mann-Whitney U, α = {go_float(comparison.alpha)}; samples n = "
            f"{samples_text(comparison)} (baseline+current)",
        ),
    ]


def summary_line(comparison: Comparison) -> str:
    """`🔴 2 regressions · 🟢 1 improvement · ✅ 9 ok · ⚠️ 0 missing · 🆕 0 new`."""
    return _counts(comparison.benchmarks, keep_zero=True)


def group_summary(benches: Iterable[BenchmarkComparison]) -> str:
    """A function's sub-benchmarks at a glance: `🔴 2 regressions · ✅ 3 ok`."""
    return _counts(benches, keep_zero=False)
