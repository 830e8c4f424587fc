"""`benchlens compare` as a user runs it: a real subprocess on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES

BASE = EXAMPLES / "benchmark_results" / "baseline.txt"
CUR = EXAMPLES / "benchmark_results" / "current.txt"


def benchlens(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchlens", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_markdown_table_of_the_example() -> None:
    proc = benchlens("compare", BASE, CUR, "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "| Benchmark | Metric | Baseline | Current | Change | Status |" in out
    assert "🔴 Regression" in out
    assert "🟢 Improvement" in out
    assert "✅ OK" in out


def test_json_schema_matches_the_spec() -> None:
    proc = benchlens("compare", BASE, CUR, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"summary", "benchmarks"}
    assert set(data["summary"]) == {"regression", "improvement", "ok", "missing", "new"}
    assert data["summary"]["regression"] >= 1 and data["summary"]["improvement"] >= 1
    assert sum(data["summary"].values()) == len(data["benchmarks"])
    for bench in data["benchmarks"]:
        assert set(bench) == {"package", "name", "procs", "status", "metrics"}
        assert bench["name"].startswith("Benchmark")
        assert not bench["name"].endswith(f"-{bench['procs']}")
        assert bench["status"] in data["summary"]
        for m in bench["metrics"]:
            assert set(m) == {
                "unit",
                "metric",
                "baseline",
                "current",
                "change_pct",
                "p_value",
                "n_baseline",
                "n_current",
                "status",
            }
            assert m["metric"] in {"latency", "throughput", "allocations", "memory", "custom"}
            assert m["n_baseline"] == 6 and m["n_current"] == 6


def test_file_against_itself_has_no_changes() -> None:
    proc = benchlens("compare", CUR, CUR, "--format", "json", "--fail-on-regression")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)["summary"]
    assert summary["regression"] == 0 and summary["improvement"] == 0


def test_fail_on_regression_exits_1() -> None:
    proc = benchlens("compare", BASE, CUR, "--fail-on-regression")
    assert proc.returncode == 1
    assert "Regression" in proc.stdout


def test_unreadable_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    proc = benchlens("compare", tmp_path / "nope.txt", CUR)
    assert proc.returncode == 2
    assert "nope.txt: no such results file" in proc.stderr
    proc = benchlens("compare", tmp_path, CUR)
    assert proc.returncode == 2
    assert "is a directory" in proc.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("PASS\n")
    proc = benchlens("compare", empty, empty)
    assert proc.returncode == 2
    assert "no benchmark results" in proc.stderr


def test_malformed_lines_are_named_and_skipped(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(BASE.read_text() + "BenchmarkBroken-2 12 abc ns/op\n")
    proc = benchlens("compare", bad, BASE, "--format", "json")
    assert proc.returncode == 0
    lines = bad.read_text().count("\n")
    assert f"bad.txt:{lines}: BenchmarkBroken-2: parsing measurement 'abc'" in proc.stderr


def test_hostile_names_do_not_break_the_markdown_table(tmp_path: Path) -> None:
    name = "BenchmarkX/a|b`c<script>*_"
    base = tmp_path / "b.txt"
    base.write_text("".join(f"{name}-2 10 {v} ns/op\n" for v in (1, 1, 1, 1)))
    proc = benchlens("compare", base, base, "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    rows = [ln for ln in proc.stdout.splitlines() if ln.startswith("| X/")]
    assert rows and all(r.count(" | ") == 5 for r in rows), rows
    assert "<script>" not in proc.stdout
