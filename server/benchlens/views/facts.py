"""Phrases that several views share, written once: a metric's change, a diagnostic message.

Every view — diagnostic, lens, hover, markdown, HTML, JSON, `check` lines —
says the same thing about a metric in the same words, so the words live here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from benchlens.compare import BenchmarkComparison, Comparison, MetricDelta, Status
from benchlens.units import Better, format_change, format_value

SAVE_BASELINE_HINT = "no baseline yet: run `benchlens save-baseline` to keep these results as one"


def short_name(bench: BenchmarkComparison) -> str:
    """The name without the `Benchmark` prefix, procs suffix included when > 1."""
    name = bench.key.display_name
    return name[len("Benchmark") :] if name.startswith("Benchmark") else name


def value_or_dash(m: MetricDelta, side: str) -> str:
    summary = m.baseline if side == "baseline" else m.current
    return format_value(summary.center, m.unit) if summary is not None else "—"


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
    if m.certain:
        text += ", no variance"  # each side constant: the change is certain
    return text


def low_confidence_text(m: MetricDelta) -> str | None:
    if not m.low_confidence:
        return None
    return f"low confidence: run with -count={m.runs_needed or 6} or more"


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


def low_confidence_footnote(comparison: Comparison) -> str | None:
    """The footnote of a table with low-confidence rows, or None when it has none:
    `too few samples to test at α=0.05; decided by the threshold alone (low confidence: ...)`."""
    low = next(
        (t for b in comparison.benchmarks for m in b.metrics if (t := low_confidence_text(m))),
        None,
    )
    if low is None:
        return None
    alpha = f"α={comparison.alpha:g}"
    return f"too few samples to test at {alpha}; decided by the threshold alone ({low})"


def summary_line(comparison: Comparison) -> str:
    """`🔴 2 regressions · 🟢 1 improvement · ✅ 9 ok · ⚠️ 0 missing · 🆕 0 new`."""
    return _counts(comparison.benchmarks, keep_zero=True)


def group_summary(benches: Iterable[BenchmarkComparison]) -> str:
    """A function's sub-benchmarks at a glance: `🔴 2 regressions · ✅ 3 ok`."""
    return _counts(benches, keep_zero=False)
