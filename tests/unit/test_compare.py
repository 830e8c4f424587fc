"""The comparison engine: thresholds, significance, exact samples, low confidence, matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchlens.compare import Status, compare
from benchlens.config import Config, ThresholdOverride, default_config
from benchlens.results.model import BenchmarkKey
from benchlens.results.reader import load_results, load_text
from benchlens.units import Metric
from tests.conftest import EXAMPLES


def results(lines: dict[str, list[str]], pkg: str = "example.com/p", header: str = "") -> str:
    """Results text: each name with its list of value strings (one line per sample)."""
    out = [f"pkg: {pkg}", header]
    for name, samples in lines.items():
        out += [f"{name} 1000 {s}" for s in samples]
    return "\n".join(out) + "\n"


def ns(*values: float) -> list[str]:
    return [f"{v} ns/op" for v in values]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return default_config(tmp_path)


def run(base: str, cur: str, config: Config):  # type: ignore[no-untyped-def]
    return compare(load_text(base, "base.txt"), load_text(cur, "cur.txt"), config)


def test_self_comparison_of_the_example_has_no_changes(config: Config) -> None:
    base = load_results(EXAMPLES / "benchmark_results" / "baseline.txt")
    comparison = compare(base, base, config)
    assert comparison.summary["regression"] == 0
    assert comparison.summary["improvement"] == 0
    assert comparison.summary["ok"] == len(base) > 10
    assert all(m.change_pct == 0 for b in comparison.benchmarks for m in b.metrics)


def test_clear_regression_is_flagged(config: Config) -> None:
    base = results({"BenchmarkA-8": ns(100, 101, 99, 100, 102, 98)})
    cur = results({"BenchmarkA-8": ns(130, 131, 129, 130, 132, 128)})
    (bench,) = run(base, cur, config).benchmarks
    assert bench.status is Status.REGRESSION
    (m,) = bench.metrics
    assert m.metric is Metric.LATENCY
    assert m.change_pct == pytest.approx(30.0)
    assert m.p_value is not None and m.p_value < 0.05
    assert m.threshold_pct == 20
    assert not m.low_confidence


def test_change_within_threshold_is_ok_even_when_significant(config: Config) -> None:
    base = results({"BenchmarkA": ns(100, 101, 99, 100, 102, 98)})
    cur = results({"BenchmarkA": ns(115, 116, 114, 115, 117, 113)})
    (bench,) = run(base, cur, config).benchmarks
    assert bench.status is Status.OK
    assert bench.metrics[0].p_value is not None and bench.metrics[0].p_value < 0.05


def test_noisy_change_beyond_threshold_is_not_significant(config: Config) -> None:
    base = results({"BenchmarkA": ns(100, 200, 90, 210, 95, 205)})
    cur = results({"BenchmarkA": ns(140, 95, 220, 100, 230, 98)})
    (bench,) = run(base, cur, config).benchmarks
    m = bench.metrics[0]
    assert m.p_value is not None and m.p_value >= 0.05
    assert bench.status is Status.OK


def test_improvement_and_throughput_direction(config: Config) -> None:
    base = results(
        {"BenchmarkW": [f"{v} ns/op {1000 - v} MB/s" for v in (100, 101, 99, 100, 102, 98)]}
    )
    cur = results({"BenchmarkW": [f"{v} ns/op {600 + v} MB/s" for v in (80, 81, 79, 80, 82, 78)]})
    (bench,) = run(base, cur, config).benchmarks
    latency, throughput = bench.metrics
    assert latency.status is Status.IMPROVEMENT
    # MB/s fell from ~900 to ~680: worse by far more than 10 % (higher is better).
    assert throughput.status is Status.REGRESSION
    assert bench.status is Status.REGRESSION
    assert [m.unit for m in bench.notable_metrics] == ["MB/s"]


def test_exact_samples_are_certain_even_with_few_runs(config: Config) -> None:
    base = results({"BenchmarkM": ["10 ns/op 1 allocs/op", "10 ns/op 1 allocs/op"]})
    cur = results({"BenchmarkM": ["10 ns/op 2 allocs/op", "10 ns/op 2 allocs/op"]})
    (bench,) = run(base, cur, config).benchmarks
    allocs = bench.metric("allocs/op")
    assert allocs is not None
    assert allocs.certain and not allocs.low_confidence
    assert allocs.status is Status.REGRESSION
    assert bench.status is Status.REGRESSION


def test_too_few_samples_decide_by_threshold_with_low_confidence(config: Config) -> None:
    base = results({"BenchmarkX": ns(100, 104)})
    cur = results({"BenchmarkX": ns(150, 155)})
    (bench,) = run(base, cur, config).benchmarks
    m = bench.metrics[0]
    assert m.low_confidence
    assert m.runs_needed == 4
    assert m.status is Status.REGRESSION
    assert bench.low_confidence


def test_unknown_unit_is_never_a_regression_unless_directed(config: Config) -> None:
    base = results({"BenchmarkU": ["1 frames/op", "1.1 frames/op", "0.9 frames/op", "1 frames/op"]})
    cur = results({"BenchmarkU": ["5 frames/op", "5.1 frames/op", "4.9 frames/op", "5 frames/op"]})
    (bench,) = run(base, cur, config).benchmarks
    assert bench.status is Status.OK
    directed = run("Unit frames/op better=lower\n" + base, cur, config)
    assert directed.benchmarks[0].status is Status.REGRESSION


def test_per_benchmark_threshold_override(config: Config) -> None:
    from dataclasses import replace

    loose = replace(config, overrides=(ThresholdOverride("BenchmarkA*", {"latency": 50.0}),))
    base = results(
        {"BenchmarkA": ns(100, 101, 99, 100, 102, 98), "BenchmarkB": ns(100, 101, 99, 100, 102, 98)}
    )
    cur = results(
        {
            "BenchmarkA": ns(130, 131, 129, 130, 132, 128),
            "BenchmarkB": ns(130, 131, 129, 130, 132, 128),
        }
    )
    statuses = {b.name: b.status for b in run(base, cur, loose).benchmarks}
    assert statuses == {"BenchmarkA": Status.OK, "BenchmarkB": Status.REGRESSION}


def test_missing_new_and_procs_matching(config: Config) -> None:
    base = results({"BenchmarkGone": ns(1, 1, 1, 1), "BenchmarkP-8": ns(100, 100, 100, 100)})
    cur = results({"BenchmarkNew": ns(1, 1, 1, 1), "BenchmarkP-4": ns(100, 100, 100, 100)})
    comparison = run(base, cur, config)
    by_name = {b.name: b for b in comparison.benchmarks}
    assert by_name["BenchmarkGone"].status is Status.MISSING
    assert by_name["BenchmarkNew"].status is Status.NEW
    p = by_name["BenchmarkP"]
    assert p.status is Status.OK
    assert p.key.procs == 4 and p.baseline_key == BenchmarkKey("example.com/p", "BenchmarkP", 8)
    assert p.procs_note is not None and "8" in p.procs_note and "4" in p.procs_note
    assert comparison.summary == {
        "regression": 0,
        "improvement": 0,
        "ok": 1,
        "missing": 1,
        "new": 1,
    }


def test_several_procs_are_not_cross_matched(config: Config) -> None:
    base = results({"BenchmarkP-8": ns(100, 100, 100, 100), "BenchmarkP-4": ns(100, 100, 100, 100)})
    cur = results({"BenchmarkP-2": ns(100, 100, 100, 100)})
    statuses = sorted((b.key.procs, b.status.value) for b in run(base, cur, config).benchmarks)
    assert statuses == [(2, "new"), (4, "missing"), (8, "missing")]


def test_no_baseline_makes_everything_new(config: Config) -> None:
    cur = load_text(results({"BenchmarkA": ns(1, 2, 3)}))
    comparison = compare(None, cur, config)
    assert not comparison.has_baseline
    assert [b.status for b in comparison.benchmarks] == [Status.NEW]


def test_zero_baseline_change(config: Config) -> None:
    base = results({"BenchmarkZ": ["0 B/op"] * 4})
    cur = results({"BenchmarkZ": ["64 B/op"] * 4})
    (bench,) = run(base, cur, config).benchmarks
    assert bench.status is Status.REGRESSION
    assert bench.metrics[0].change_pct == float("inf")


def test_display_of_values_and_changes() -> None:
    from benchlens.units import format_change, format_value

    assert format_value(1234.0, "ns/op") == "1.23µs"
    assert format_value(0.714, "ns/op") == "0.714ns"
    assert format_value(2.5e-6, "sec/op") == "2.50µs"
    assert format_value(4896, "B/op") == "4.78KiB"
    assert format_value(12, "allocs/op") == "12"
    assert format_value(3319.5, "MB/s") == "3320 MB/s"
    assert format_change(27.34) == "+27.3%"
    assert format_change(-8.06) == "−8.1%"
    assert format_change(0.01) == "0%"
    assert format_change(768376.7) == "×7,685"
    assert format_change(float("inf")) == "+∞%"
    assert format_change(None) == "n/a"


# --- small samples: never certain from one sample (issue 9, item 1) --------------------


@pytest.mark.parametrize(
    ("base", "cur"),
    [
        ([245.0], [296.0]),  # 1+1: `go test -count 1` on both sides
        ([245.0], [296.0] * 6),  # 1+6: a single baseline run
        ([245.0] * 6, [296.0]),  # 6+1
        ([245.0, 246.0, 244.0], [296.0, 297.0, 295.0]),  # 3+3: too few to test
    ],
)
def test_one_or_few_samples_are_low_confidence_never_certain(
    config: Config, base: list[float], cur: list[float]
) -> None:
    text_base = results({"BenchmarkSeek-2": ns(*base)})
    text_cur = results({"BenchmarkSeek-2": ns(*cur)})
    (bench,) = run(text_base, text_cur, config).benchmarks
    (m,) = bench.metrics
    assert not m.certain  # one sample shows no variance only because it has none to show
    assert m.low_confidence and m.runs_needed == 4
    assert m.status is Status.REGRESSION  # +20.8 % > 20 %: the threshold alone decides
    assert any(w.startswith("need >= 4 samples to detect a difference") for w in m.warnings)


def test_constant_allocations_with_one_sample_are_not_certain_either(config: Config) -> None:
    base = results({"BenchmarkM": ["10 ns/op 1 allocs/op"]})
    cur = results({"BenchmarkM": ["10 ns/op 2 allocs/op"]})
    (bench,) = run(base, cur, config).benchmarks
    allocs = bench.metric("allocs/op")
    assert allocs is not None and not allocs.certain and allocs.low_confidence


def test_a_unit_with_no_samples_on_one_side_is_not_compared(config: Config) -> None:
    base = results({"BenchmarkM": ["10 ns/op"] * 4})
    cur = results({"BenchmarkM": ["10 ns/op 5 B/op"] * 4})
    (bench,) = run(base, cur, config).benchmarks
    memory = bench.metric("B/op")
    assert memory is not None and memory.n_baseline == 0
    assert memory.status is Status.OK and memory.change_pct is None
    assert not memory.low_confidence and not memory.certain


# --- warnings, as benchstat prints them (issue 13, item 2) -----------------------------


def test_three_samples_warn_like_benchstat(config: Config) -> None:
    (bench,) = run(
        results({"BenchmarkX": ns(100, 101, 102)}),
        results({"BenchmarkX": ns(150, 151, 152)}),
        config,
    ).benchmarks
    assert bench.metrics[0].warnings == (
        "need >= 6 samples for confidence interval at level 0.95",
        "need >= 4 samples to detect a difference at alpha level 0.05",
    )


def test_an_outlier_and_a_spread_wider_than_the_change_are_warned_about(config: Config) -> None:
    (bench,) = run(
        results({"BenchmarkX": ns(100, 101, 99, 100, 102, 100, 101, 500)}),
        results({"BenchmarkX": ns(100, 101, 99, 100, 102, 100, 101, 100)}),
        config,
    ).benchmarks
    assert "outliers in the baseline (beyond 3×IQR): a noisy run, or a noisy machine" in (
        bench.metrics[0].warnings
    )
    noisy = run(
        results({"BenchmarkN": ns(100, 200, 90, 210, 95, 205)}),
        results({"BenchmarkN": ns(140, 95, 220, 100, 230, 98)}),
        config,
    ).benchmarks[0]
    m = noisy.metrics[0]
    assert m.status is Status.OK  # +25 %, beyond the threshold, but noise
    assert "the spread is wider than the change: not significant at α=0.05" in m.warnings


# --- configuration differences (issue 9, item 3) ---------------------------------------


def test_cpu_goos_and_gomaxprocs_differences_are_recorded(config: Config) -> None:
    base = results({"BenchmarkA-2": ns(100, 100, 100, 100)}, header="cpu: Intel Xeon\ngoos: linux")
    cur = results({"BenchmarkA-4": ns(100, 100, 100, 100)}, header="cpu: AMD EPYC\ngoos: linux")
    comparison = run(base, cur, config)
    (bench,) = comparison.benchmarks
    assert [(d.key, d.baseline, d.current) for d in bench.differences] == [
        ("GOMAXPROCS", "2", "4"),
        ("cpu", "Intel Xeon", "AMD EPYC"),
    ]
    assert list(comparison.differences.values()) == [1, 1]


def test_the_comparison_keeps_the_rules_it_was_decided_by(config: Config) -> None:
    base = results({"BenchmarkA": ns(1, 1, 1, 1)}, header="commit: abc1234")
    comparison = run(base, results({"BenchmarkA": ns(1, 1, 1, 1)}), config)
    assert comparison.thresholds == config.thresholds and comparison.alpha == config.alpha
    assert comparison.baseline_info["commit"] == "abc1234"
    assert "commit" not in comparison.current_info
