"""Configuration: defaults, TOML layering, editor settings, and located validation errors."""

from __future__ import annotations

from pathlib import Path

from benchlens.config import load_config
from benchlens.units import Better, Metric


def test_defaults_follow_the_conventional_layout(tmp_path: Path) -> None:
    config, issues = load_config(tmp_path)
    assert issues == []
    root = tmp_path.resolve()
    assert config.baseline == root / "benchmark_results" / "baseline.txt"
    assert config.current == root / "benchmark_results" / "current.txt"
    assert config.history == root / "benchmark_results" / "history"
    assert config.packages == ("./...",)
    assert config.alpha == 0.05
    assert [
        config.threshold("X", m)
        for m in (Metric.LATENCY, Metric.THROUGHPUT, Metric.ALLOCATIONS, Metric.MEMORY)
    ] == [20, 10, 15, 15]
    assert config.improvement_threshold("X") == 10
    assert config.run.benchtime == {"quick": "1s", "default": "5s", "full": "10s"}


def test_toml_file_and_editor_settings_layer(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_text(
        """
packages = ["./storage/...", "./kafka/..."]
alpha = 0.01

[paths]
baseline = "perf/base.txt"

[thresholds]
latency = 25
improvement = 5

[thresholds.benchmarks."BenchmarkParse/*"]
latency = 40

[units]
"frames/op" = "higher"

[run]
count = 10
flags = ["-tags", "integration"]
benchtime = { quick = "100x" }

[severity]
missing = "off"
"""
    )
    config, issues = load_config(tmp_path, {"thresholds": {"latency": 30}, "trusted": False})
    assert issues == []
    assert config.packages == ("./storage/...", "./kafka/...")
    assert config.alpha == 0.01
    assert config.baseline == tmp_path.resolve() / "perf" / "base.txt"
    assert config.threshold("BenchmarkX", Metric.LATENCY) == 30  # editor beats file
    assert config.threshold("BenchmarkParse/json", Metric.LATENCY) == 40
    assert config.improvement_threshold("BenchmarkX") == 5
    assert config.units == {"frames/op": Better.HIGHER}
    assert config.run.count == 10 and config.run.flags == ("-tags", "integration")
    assert config.run.benchtime["quick"] == "100x" and config.run.benchtime["full"] == "10s"
    assert config.severity["missing"] == "off"
    assert config.trusted is False


def test_invalid_values_name_file_line_and_key_and_keep_defaults(tmp_path: Path) -> None:
    path = tmp_path / "benchlens.toml"
    path.write_text(
        'alpha = 2\n[thresholds]\nlatency = "high"\nbogus = 3\n[run]\ncount = 2.5\n'
        'benchtime = { full = "ten" }\n[severity]\nregression = "loud"\n'
    )
    config, issues = load_config(tmp_path)
    found = {(i.line, i.key) for i in issues}
    assert found == {
        (1, "alpha"),
        (3, "thresholds.latency"),
        (4, "thresholds.bogus"),
        (6, "run.count"),
        (7, "run.benchtime.full"),
        (9, "severity.regression"),
    }
    assert all(i.source == str(path) for i in issues)
    assert str(issues[0]).startswith(f"{path}:1: alpha: ")
    assert config.alpha == 0.05 and config.threshold("X", Metric.LATENCY) == 20
    assert config.run.count == 6 and config.severity["regression"] == "warning"


def test_broken_toml_gives_line_and_defaults(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_text("[thresholds]\nlatency = \n")
    config, issues = load_config(tmp_path)
    (issue,) = issues
    assert issue.line == 2
    assert "invalid TOML" in issue.message
    assert config.threshold("X", Metric.LATENCY) == 20


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_bytes(b"alpha = 0.1\n\xff\xfe\n")
    config, issues = load_config(tmp_path)
    assert len(issues) == 1 and "UTF-8" in issues[0].message
    assert config.alpha == 0.05
