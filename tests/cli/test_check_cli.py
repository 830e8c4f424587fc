"""`benchlens check`: findings at their benchmark lines, as text and as GitHub annotations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.test_compare_cli import benchlens
from tests.conftest import EXAMPLES


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_check_prints_regressions_at_their_b_run_lines() -> None:
    proc = benchlens("check", EXAMPLES, cwd=EXAMPLES.parent)
    assert proc.returncode == 0, proc.stderr
    handler = EXAMPLES / "kafka" / "handler" / "handler_test.go"
    small = line_of(handler, 'b.Run("small"')
    large = line_of(handler, 'b.Run("large"')
    lines = proc.stdout.splitlines()
    assert any(
        ln.startswith(f"examples/kafka/handler/handler_test.go:{small}:") and ": warning: " in ln
        for ln in lines
    ), lines
    assert any(ln.startswith(f"examples/kafka/handler/handler_test.go:{large}:") for ln in lines)
    segment = EXAMPLES / "storage" / "log" / "segment_test.go"
    sprintf = line_of(segment, 'fmt.Sprintf("size=%d"')
    improved = [ln for ln in lines if ": information: " in ln]
    assert improved and all(
        ln.startswith(f"examples/storage/log/segment_test.go:{sprintf}:") for ln in improved
    )
    assert "🔴 2 regressions" in proc.stderr


def test_check_github_format_and_gate() -> None:
    proc = benchlens(
        "check", EXAMPLES, "--format", "github", "--fail-on-regression", cwd=EXAMPLES.parent
    )
    assert proc.returncode == 1
    warnings = [ln for ln in proc.stdout.splitlines() if ln.startswith("::warning ")]
    assert len(warnings) == 2
    assert all("file=examples/kafka/handler/handler_test.go,line=" in w for w in warnings)
    assert all("%25" in w and "title=benchlens%3A 🔴 Regression::" in w for w in warnings)


def test_unplaceable_results_are_reported_not_dropped(example_copy: Path) -> None:
    results = example_copy / "benchmark_results"
    gone = "BenchmarkDeletedLongAgo-2 100 5 ns/op\n"
    base = results / "baseline.txt"
    base.write_text(base.read_text() + "pkg: example.com/eventpipe/throttle\n" + gone * 4)
    proc = benchlens("check", example_copy, cwd=example_copy)
    assert proc.returncode == 0, proc.stderr
    (missing,) = [ln for ln in proc.stdout.splitlines() if "DeletedLongAgo" in ln]
    assert missing.startswith("benchmark_results/current.txt: hint: ")
    assert "not found in the source: no function BenchmarkDeletedLongAgo" in missing


def test_check_without_results_or_baseline(tmp_path: Path) -> None:
    proc = benchlens("check", tmp_path)
    assert proc.returncode == 2
    assert "current.txt: no such results file" in proc.stderr
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    (ws / "benchmark_results" / "baseline.txt").unlink()
    proc = benchlens("check", ws, "--fail-on-regression")
    assert proc.returncode == 0
    assert "save-baseline" in proc.stderr
    assert proc.stdout == ""  # every benchmark is new; `new` is off by default


NESTED_TEST = """package nested

import "testing"

func BenchmarkNames(b *testing.B) {
	b.Run("a", func(b *testing.B) {
		b.Run("c", func(b *testing.B) {})
	})
}
"""


def nested_workspace(tmp_path: Path, base_ns: float, cur_ns: float, name: str) -> Path:
    ws = tmp_path / "ws"
    (ws / "nested").mkdir(parents=True)
    (ws / "go.mod").write_text("module example.com/ws\n\ngo 1.22\n")
    (ws / "nested" / "nested_test.go").write_text(NESTED_TEST)
    results = ws / "benchmark_results"
    results.mkdir()
    head = "pkg: example.com/ws/nested\n"
    for file, value in (("baseline.txt", base_ns), ("current.txt", cur_ns)):
        lines = "".join(f"{name} 1000 {value + i} ns/op\n" for i in range(6))
        (results / file).write_text(head + lines)
    return ws


def test_a_note_names_the_b_run_line_it_is_shown_on(tmp_path: Path) -> None:
    ws = nested_workspace(tmp_path, 100, 300, "BenchmarkNames/a/b-2")
    proc = benchlens("check", ws, cwd=ws)
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    source = ws / "nested" / "nested_test.go"
    run_a = line_of(source, 'b.Run("a"')
    assert line.startswith(f"nested/nested_test.go:{run_a}:")
    assert "(shown on BenchmarkNames/a: no b.Run call in BenchmarkNames/a matches 'b')" in line
    # A name whose first level already fails stays on the function, and says so.
    ws2 = nested_workspace(tmp_path / "2", 100, 300, "BenchmarkNames/z-2")
    (line,) = benchlens("check", ws2, cwd=ws2).stdout.splitlines()
    assert line.startswith(f"nested/nested_test.go:{line_of(source, 'func BenchmarkNames')}:")
    assert "(shown on BenchmarkNames: no b.Run call in BenchmarkNames matches 'z')" in line


def test_check_output_shows_control_characters_escaped(tmp_path: Path) -> None:
    hostile = "BenchmarkNames/a/\x1b[31mRED\x1b]0;pwned\x07-2"
    ws = nested_workspace(tmp_path, 100, 300, hostile)
    for fmt in ("text", "github"):
        proc = benchlens("check", ws, "--format", fmt, cwd=ws)
        assert proc.returncode == 0, proc.stderr
        assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout
        assert "\\x1b[31mRED\\x1b]0;pwned\\x07" in proc.stdout


def test_check_with_nothing_in_common_exits_2(tmp_path: Path) -> None:
    ws = nested_workspace(tmp_path, 100, 100, "BenchmarkNames/a-2")
    (ws / "benchmark_results" / "current.txt").write_text(
        "pkg: example.com/other\nBenchmarkElse 10 5 ns/op\n"
    )
    proc = benchlens("check", ws, "--fail-on-regression", cwd=ws)
    assert proc.returncode == 2
    assert "no benchmark is in both the baseline and the current results" in proc.stderr


def test_github_annotations_are_relative_to_the_repository_top(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a workflow the step runs in the module's directory, but GitHub places an
    annotation by its path from the repository's top (GITHUB_WORKSPACE)."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(EXAMPLES.parent))
    proc = benchlens("check", ".", "--format", "github", cwd=EXAMPLES)
    warnings = [ln for ln in proc.stdout.splitlines() if ln.startswith("::warning ")]
    assert warnings
    assert all("file=examples/kafka/handler/handler_test.go,line=" in w for w in warnings)
    monkeypatch.delenv("GITHUB_WORKSPACE")
    proc = benchlens("check", ".", "--format", "github", cwd=EXAMPLES)
    assert "file=kafka/handler/handler_test.go,line=" in proc.stdout
