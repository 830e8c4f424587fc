"""`benchlens regression`: a real slowdown of a fixture benchmark exits 1 and is in
the report; no baseline says how to create one and exits 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchlens.cli import main
from tests.runner_helpers import PREVIOUS, copy_module, write_text

pytestmark = pytest.mark.go

#: Enough iterations and runs for a significant test at alpha 0.05 (n >= 4 per side).
# A 40x slowdown (loops 2000 → 80000) stands out of even a heavily loaded machine's noise.
SETTINGS = ("--benchtime", "200x", "--count", "5", "--bench", "Work")


def test_slower_code_is_a_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_module("basic", tmp_path)
    report = root / "benchmark_results" / "regression_report.md"

    # First run: no baseline yet.
    assert main(["regression", "-C", str(root), *SETTINGS]) == 0
    out = capsys.readouterr().out
    assert "benchlens save-baseline" in out
    assert report.exists()

    assert main(["save-baseline", "-C", str(root)]) == 0
    assert main(["regression", "-C", str(root), "--no-run"]) == 0
    capsys.readouterr()

    # Make Work forty times slower.
    source = root / "slow" / "slow.go"
    text = source.read_text()
    assert "const loops = 2000" in text
    source.write_text(text.replace("const loops = 2000", "const loops = 80000"))

    assert main(["regression", "-C", str(root), *SETTINGS]) == 1
    captured = capsys.readouterr()
    assert "regressed" in captured.err
    assert "Regression" in captured.out
    md = report.read_text()
    assert "| Benchmark | Metric | Baseline | Current | Change | Status |" in md
    row = next(line for line in md.splitlines() if "Work" in line and "ns/op" in line)
    assert "🔴 Regression" in row

    # --no-run compares the results just written: still a regression.
    assert main(["regression", "-C", str(root), "--no-run"]) == 1


def test_no_run_without_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regression", "-C", str(tmp_path), "--no-run"]) == 2
    assert "benchlens run" in capsys.readouterr().err
    write_text(tmp_path / "benchmark_results" / "current.txt", PREVIOUS)
    assert main(["regression", "-C", str(tmp_path), "--no-run"]) == 0
    assert "benchlens save-baseline" in capsys.readouterr().out


def test_failed_run_exits_1(tmp_path: Path) -> None:
    root = copy_module("broken", tmp_path)
    write_text(root / "benchmark_results" / "baseline.txt", PREVIOUS)
    assert main(["regression", "-C", str(root), "--benchtime", "10x", "--count", "1"]) == 1
    assert not (root / "benchmark_results" / "regression_report.md").exists()
