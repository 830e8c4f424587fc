"""Every command finds its workspace as git and go do: from a subdirectory it walks up
to the module root (or the directory of `.benchlens.toml`); with no module at all,
`run` says so plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_check_cli import line_of
from tests.runner_helpers import run_benchlens


def test_check_and_save_baseline_from_a_subdirectory(example_copy: Path) -> None:
    subdir = example_copy / "kafka" / "handler"
    proc = run_benchlens("check", cwd=subdir)
    assert proc.returncode == 0, proc.stderr
    small = line_of(subdir / "handler_test.go", 'b.Run("small"')
    # Paths are shown relative to where the user is, as the editor would resolve them.
    assert any(ln.startswith(f"handler_test.go:{small}:") for ln in proc.stdout.splitlines())
    assert "🔴 2 regressions" in proc.stderr

    proc = run_benchlens("save-baseline", cwd=subdir)
    assert proc.returncode == 0, proc.stderr
    assert not (subdir / "benchmark_results").exists()
    history = list((example_copy / "benchmark_results" / "history").glob("*.txt"))
    assert len(history) == 1


def test_a_config_file_marks_the_root_too(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "deep" / "er").mkdir(parents=True)
    (root / ".benchlens.toml").write_text('[paths]\ncurrent = "r/cur.txt"\n')
    (root / "r").mkdir()
    (root / "r" / "cur.txt").write_text("pkg: p\nBenchmarkA\t10\t5 ns/op\n")
    proc = run_benchlens("report", cwd=root / "deep" / "er")
    assert proc.returncode == 0, proc.stderr
    assert (root / "r" / "report.html").is_file()


@pytest.mark.go
def test_run_without_a_go_module_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    proc = run_benchlens("run", "--benchtime", "1x", cwd=empty)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"benchlens: no Go module here: no go.mod in {empty.resolve()} or any parent directory"
    ]
    assert not (empty / "benchmark_results").exists()
