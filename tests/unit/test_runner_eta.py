"""The run's time estimate: from earlier results before a package has run, from its own
measured runs after, counted down between events (a fake clock: deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchlens.results.model import BenchmarkKey, Location, Result, Value
from benchlens.results.reader import load_text
from benchlens.runner.eta import (
    EtaTracker,
    bench_selector,
    format_duration,
    prior_seconds,
    sample_seconds,
)
from benchlens.runner.events import (
    BenchmarkFinished,
    BenchmarkStarted,
    BuildFinished,
    GoPackage,
    PackageFinished,
    PackagesListed,
    PackageStarted,
    RunEvent,
    RunProgress,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def listed(*packages: str, runs: int) -> PackagesListed:
    return PackagesListed(tuple(GoPackage(p, Path("/x")) for p in packages), (), runs)


def finished(package: str, name: str, run: int) -> BenchmarkFinished:
    result = Result(BenchmarkKey(package, name), 10, (Value(1.0, "ns/op"),), {}, Location("x", 1))
    return BenchmarkFinished(package, result, run)


def test_bench_selector_matches_like_go_test() -> None:
    every = bench_selector(".")
    assert every is not None and every("BenchmarkX/size=8")
    sub = bench_selector("^BenchmarkSum$/^size=8$")
    assert sub is not None
    assert sub("BenchmarkSum/size=8") and sub("BenchmarkSum")  # the parent runs too
    assert not sub("BenchmarkSum/size=64") and not sub("BenchmarkSumAll/size=8")
    either = bench_selector("^BenchmarkA$|^BenchmarkB$/x")
    assert either is not None
    assert either("BenchmarkA/y") and either("BenchmarkB/x1") and not either("BenchmarkB/y")
    assert bench_selector("(") is None


def test_sample_seconds_per_benchtime() -> None:
    assert sample_seconds(100.0, "1s") == pytest.approx(1.3)  # ramp-up included
    assert sample_seconds(None, "2s") == pytest.approx(2.6)
    assert sample_seconds(3e9, "1s") == pytest.approx(3.0)  # one op longer than benchtime
    assert sample_seconds(1000.0, "100x") == pytest.approx(101e-6)
    assert sample_seconds(None, "100x") is None
    assert sample_seconds(1.0, "soon") is None


def test_prior_seconds_from_previous_results() -> None:
    recent = load_text(
        "pkg: a\nBenchmarkX-2\t10\t100 ns/op\nBenchmarkY-2\t10\t100 ns/op\n"
        "pkg: c\nBenchmarkCustom\t10\t3 frames/op\n"
    )
    older = load_text("pkg: a\nBenchmarkX-2\t10\t1 ns/op\npkg: b\nBenchmarkZ\t5\t2e6 ns/op\n")
    prior = prior_seconds([recent, older], ".", "100x")
    # a from the most recent file (two benchmarks), b from the older one, c unknown.
    assert prior == pytest.approx({"a": 2 * 101 * 100e-9, "b": 101 * 2e-3})
    assert prior_seconds([recent], "^BenchmarkX$", "1s") == pytest.approx({"a": 1.3})


def test_estimate_from_measured_runs_counts_down() -> None:
    clock = Clock()
    eta = EtaTracker(clock)
    events: list[RunProgress] = []

    def step(event: RunEvent, advance: float = 0.0) -> None:
        clock.now += advance
        progress = eta.update(event)
        if progress is not None:
            events.append(progress)

    step(listed("a", "b", runs=3))
    assert events[-1].remaining is None and events[-1].fraction == 0.0
    step(BuildFinished("a", True, 2.0), 2.0)
    assert events[-1].remaining is None  # nothing says how long a run takes yet
    step(BuildFinished("b", True, 2.0), 2.0)
    step(PackageStarted("a", 1, 3))
    step(BenchmarkStarted("a", "BenchmarkX", 2, 1))
    assert events[-1].benchmark == "BenchmarkX" and events[-1].package == "a"
    step(finished("a", "BenchmarkX", 1), 10.0)
    step(PackageFinished("a", 1, True, 10.0))
    # b has not run: it is guessed at a's 10 s; 5 units of 10 s are left.
    assert events[-1].remaining == pytest.approx(50.0)
    assert events[-1].elapsed == pytest.approx(14.0)
    step(PackageStarted("b", 1, 3))
    step(finished("b", "BenchmarkY", 1), 4.0)
    step(PackageFinished("b", 1, True, 4.0))
    last = events[-1]
    assert last.remaining == pytest.approx(2 * 10.0 + 2 * 4.0)
    assert last.samples == 2 and last.expected_samples == 6
    assert last.fraction == pytest.approx(18.0 / (18.0 + 28.0))
    # Between events a display counts down from the last estimate.
    assert last.remaining_at(last.at + 5.0) == pytest.approx(23.0)
    assert last.remaining_at(last.at + 100.0) == 0.0
    step(PackageStarted("a", 2, 3), 0.0)
    clock.now += 3.0
    assert eta.progress().remaining == pytest.approx(7.0 + 4.0 + 10.0 + 4.0)


def test_prior_gives_an_estimate_before_the_first_run() -> None:
    clock = Clock()
    eta = EtaTracker(clock, {"a": 6.0}, builds=False)
    progress = eta.update(listed("a", runs=2))
    assert progress is not None and progress.remaining == pytest.approx(12.0)
    # A failed package runs no more: its other runs are no longer work left.
    eta.update(PackageStarted("a", 1, 2))
    clock.now += 1.0
    progress = eta.update(PackageFinished("a", 1, False, 1.0))
    assert progress is not None and progress.remaining == 0.0 and progress.fraction == 1.0


def test_fast_count_multiplies_the_prior() -> None:
    eta = EtaTracker(Clock(), {"a": 2.0}, builds=False, per_process=5)
    progress = eta.update(listed("a", runs=1))
    assert progress is not None and progress.remaining == pytest.approx(10.0)


def test_wrap_sends_progress_after_each_step_and_format() -> None:
    seen: list[RunEvent] = []
    emit = EtaTracker(Clock()).wrap(seen.append)
    emit(listed("a", runs=1))
    assert isinstance(seen[0], PackagesListed) and isinstance(seen[1], RunProgress)
    assert [format_duration(s) for s in (0.4, 42, 185, 3725)] == ["0s", "42s", "3m05s", "1h02m"]


def test_an_ab_run_counts_one_binary_per_package_and_side() -> None:
    clock = Clock()
    eta = EtaTracker(clock)
    sides = (("base", ("a",)), ("head", ("a", "b")))  # b is new on the head side
    ab = PackagesListed((GoPackage("a", Path("/x")), GoPackage("b", Path("/x"))), (), 2, sides)
    assert ab.units() == [("base", "a"), ("head", "a"), ("head", "b")]
    eta.update(ab)
    for side, package in ab.units():
        eta.update(BuildFinished(package, True, 1.0, side))
    for side, package in ab.units():
        eta.update(PackageStarted(package, 1, 2, side))
        eta.update(BenchmarkFinished(package, finished(package, "BenchmarkX", 1).result, 1, side))
        clock.now += 2.0
        progress = eta.update(PackageFinished(package, 1, True, 2.0, side))
    assert progress is not None
    # One round of three binaries is done, one is left: 3 runs of 2 s.
    assert progress.remaining == pytest.approx(6.0)
    assert (progress.samples, progress.expected_samples) == (3, 6)
    assert progress.fraction == pytest.approx(0.5)
