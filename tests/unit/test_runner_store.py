"""Storing a finished run: replace, merge, partial file on failure, a library error
(not a command-line one) when the file cannot be merged into."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchlens.results.reader import load_results, load_text
from benchlens.runner.events import PackageFailure, RunOutcome
from benchlens.runner.store import StoreError, describe, partial_path, store_outcome

RESULTS = "pkg: p\nBenchmarkA 10 1 ns/op\nBenchmarkA 10 2 ns/op\nBenchmarkB 10 3 ns/op\n"


def test_partial_path() -> None:
    assert partial_path(Path("r/current.txt")) == Path("r/current.partial.txt")
    assert partial_path(Path("r/current")) == Path("r/current.partial.txt")


def test_store_replace_merge_and_partial(tmp_path: Path) -> None:
    target = tmp_path / "current.txt"
    fresh = RunOutcome(load_text(RESULTS))
    assert store_outcome(fresh, target, merge=False) == target
    assert describe(load_results(target)) == "2 benchmarks, 3 samples"

    one = RunOutcome(load_text("pkg: p\nBenchmarkB 10 30 ns/op\n"))
    assert store_outcome(one, target, merge=True) == target
    merged = {k.name: b.samples["ns/op"] for k, b in load_results(target).benchmarks.items()}
    assert merged == {"BenchmarkA": [1.0, 2.0], "BenchmarkB": [30.0]}

    before = target.read_text()
    failed = RunOutcome(one.results, failures=[PackageFailure("q", "build", "boom")])
    assert store_outcome(failed, target, merge=True) == partial_path(target)
    assert target.read_text() == before  # a failed run never touches the results
    assert describe(load_results(partial_path(target))) == "1 benchmark, 1 sample"

    assert store_outcome(RunOutcome(load_text("")), target, merge=False) is None


def test_merge_into_unreadable_file_is_a_store_error(tmp_path: Path) -> None:
    target = tmp_path / "current.txt"
    target.mkdir()
    with pytest.raises(StoreError, match="cannot merge into"):
        store_outcome(RunOutcome(load_text(RESULTS)), target, merge=True)
