"""Atomic writes, the baseline header and the never-overwriting history archive."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchlens.history import (
    archive_name,
    atomic_write_text,
    atomic_writer,
    git_commit,
    list_history,
    save_baseline_text,
    with_header,
    write_new,
)

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "current.txt"
    atomic_write_text(target, "one\n")
    assert target.read_text() == "one\n"
    with pytest.raises(RuntimeError), atomic_writer(target) as f:
        f.write("half of two")
        raise RuntimeError("interrupted mid-write")
    assert target.read_text() == "one\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["current.txt"]


def test_atomic_write_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "current.txt"
    target.write_text("x")
    target.chmod(0o640)
    atomic_write_text(target, "y")
    assert target.stat().st_mode & 0o777 == 0o640


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    first = write_new(tmp_path, "stamp-abc", "1")
    second = write_new(tmp_path, "stamp-abc", "2")
    third = write_new(tmp_path, "stamp-abc", "3")
    assert [p.name for p in (first, second, third)] == [
        "stamp-abc.txt",
        "stamp-abc-2.txt",
        "stamp-abc-3.txt",
    ]
    assert [p.read_text() for p in (first, second, third)] == ["1", "2", "3"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_header_replaces_stale_header_lines() -> None:
    text = "commit: old\ndate: old\ngoos: linux\nBenchmarkX 1 1 ns/op\n"
    out = with_header(text, {"commit": "new", "date": "now"})
    assert out == "commit: new\ndate: now\n\ngoos: linux\nBenchmarkX 1 1 ns/op\n"


def test_save_baseline_and_list_history(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.txt"
    history = tmp_path / "history"
    sha = "0123456789abcdef0123456789abcdef01234567"
    a = save_baseline_text("BenchmarkX 1 1 ns/op\n", baseline, history, commit=sha, when=WHEN)
    b = save_baseline_text("BenchmarkX 1 2 ns/op\n", baseline, history, commit=sha, when=WHEN)
    c = save_baseline_text("BenchmarkX 1 3 ns/op\n", baseline, history, commit=None, when=WHEN)
    assert a.archived.name == "20250304T050607Z-0123456.txt"
    assert b.archived.name == "20250304T050607Z-0123456-2.txt"
    assert c.archived.name == "20250304T050607Z-nocommit.txt"
    assert baseline.read_text().startswith("commit: unknown\ndate: 2025-03-04T05:06:07Z\n")
    assert a.archived.read_text().startswith(f"commit: {sha}\n")
    entries = list_history(history)
    assert [(e.commit, e.sequence) for e in entries] == [
        ("0123456", 1),
        ("nocommit", 1),
        ("0123456", 2),
    ]
    assert all(e.when == WHEN for e in entries)
    assert archive_name(WHEN, None) == "20250304T050607Z-nocommit"
    assert list_history(tmp_path / "missing") == []


def test_git_commit(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None  # not a repository
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
        ).stdout.strip()

    git("init", "-q")
    assert git_commit(tmp_path) is None  # no commit yet
    git("-c", "user.name=t", "-c", "user.email=t@e.org", "commit", "-q", "--allow-empty", "-m", "x")
    assert git_commit(tmp_path) == git("rev-parse", "HEAD")
    assert git_commit(tmp_path, "no-such-ref") is None


def test_merge_into_file(tmp_path: Path) -> None:
    from benchlens.history import merge_into_file
    from benchlens.results.reader import load_results, load_text

    target = tmp_path / "current.txt"
    merge_into_file(target, load_text("pkg: p\nBenchmarkA 1 1 ns/op\nBenchmarkB 1 2 ns/op\n"))
    merge_into_file(target, load_text("pkg: p\nBenchmarkB 1 20 ns/op\nBenchmarkB 1 21 ns/op\n"))
    results = load_results(target)
    assert {k.name: b.samples["ns/op"] for k, b in results.benchmarks.items()} == {
        "BenchmarkA": [1.0],
        "BenchmarkB": [20.0, 21.0],
    }
