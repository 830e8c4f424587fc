"""`benchlens save-baseline`: baseline written with commit/date lines, and a history
entry per save that never overwrites an earlier one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.history import list_history
from benchlens.results.reader import load_results
from tests.runner_helpers import PREVIOUS, write_text


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_save_twice_archives_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "first")
    sha = git(tmp_path, "rev-parse", "HEAD")
    results = tmp_path / "benchmark_results"
    write_text(results / "current.txt", PREVIOUS)

    assert main(["save-baseline", "-C", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"commit {sha[:7]}" in out
    baseline = (results / "baseline.txt").read_text()
    assert baseline.startswith(f"commit: {sha}\ndate: ")
    loaded = load_results(results / "baseline.txt")
    assert loaded.config["commit"] == sha
    assert {k.name for k in loaded.benchmarks} == {"BenchmarkOld", "BenchmarkAdd"}

    write_text(results / "current.txt", PREVIOUS.replace("999 ns/op", "5 ns/op"))
    assert main(["save-baseline", "-C", str(tmp_path), "--note", "second try"]) == 0
    entries = list_history(results / "history")
    assert len(entries) == 2
    assert {e.commit for e in entries} == {sha[:7]}
    first, second = (e.path.read_text() for e in entries)
    assert "999 ns/op" in first and "5 ns/op" in second
    assert "note: second try\n" in (results / "baseline.txt").read_text()


def test_without_git_or_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["save-baseline", "-C", str(tmp_path)]) == 2
    assert "run `benchlens run` first" in capsys.readouterr().err
    write_text(tmp_path / "benchmark_results" / "current.txt", "goos: linux\n")
    assert main(["save-baseline", "-C", str(tmp_path)]) == 2
    assert "no benchmark results" in capsys.readouterr().err
    write_text(tmp_path / "benchmark_results" / "current.txt", PREVIOUS)
    assert main(["save-baseline", "-C", str(tmp_path)]) == 0
    baseline = tmp_path / "benchmark_results" / "baseline.txt"
    assert baseline.read_text().startswith("commit: unknown\n")
    [entry] = list_history(tmp_path / "benchmark_results" / "history")
    assert entry.commit == "nocommit"
