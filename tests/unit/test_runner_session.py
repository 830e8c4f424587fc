"""Benchmark sessions against real Go modules: events, independent round-robin
samples, failures with Go's error text, fast-count, cancellation."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest

from benchlens.runner import (
    BenchmarkFinished,
    BenchmarkSession,
    BenchmarkStarted,
    BuildStarted,
    PackageFailed,
    PackageFinished,
    PackagesListed,
    PackageStarted,
    RunEvent,
    RunFinished,
    RunProgress,
    RunRequest,
)
from benchlens.runner.gotool import GoNotFound, resolve_go
from tests.runner_helpers import GOMODS, copy_module, go_path, wait_no_processes_in

pytestmark = pytest.mark.go


def request(root: Path, **kw: object) -> RunRequest:
    base: dict[str, object] = {"root": root, "benchtime": "10x", "count": 1, "go": go_path()}
    base.update(kw)
    return RunRequest(**base)  # type: ignore[arg-type]


def collect(req: RunRequest) -> tuple[list[RunEvent], BenchmarkSession]:
    events: list[RunEvent] = []
    session = BenchmarkSession(req)
    session.run(events.append)
    return events, session


def test_events_results_and_skipped_packages() -> None:
    events, _ = collect(request(GOMODS / "basic", count=2))
    listed = next(e for e in events if isinstance(e, PackagesListed))
    assert [p.import_path for p in listed.packages] == [
        "example.com/basic/fast",
        "example.com/basic/slow",
    ]
    # No test files, or tests without benchmarks: never built.
    assert set(listed.skipped) == {"example.com/basic/notests", "example.com/basic/onlytests"}
    assert [e.package for e in events if isinstance(e, BuildStarted)] == [
        "example.com/basic/fast",
        "example.com/basic/slow",
    ]
    started = [(e.package, e.run) for e in events if isinstance(e, PackageStarted)]
    assert started == [
        ("example.com/basic/fast", 1),
        ("example.com/basic/slow", 1),
        ("example.com/basic/fast", 2),
        ("example.com/basic/slow", 2),
    ]
    bench_started = [e.name for e in events if isinstance(e, BenchmarkStarted)]
    assert bench_started[:3] == ["BenchmarkAdd", "BenchmarkSum/size=8", "BenchmarkSum/size=64"]
    finished = [e for e in events if isinstance(e, BenchmarkFinished)]
    assert len(finished) == 8
    # Each result follows the start of its own benchmark.
    first = events.index(next(e for e in events if isinstance(e, BenchmarkStarted)))
    assert events.index(finished[0]) > first
    outcome = events[-1]
    assert isinstance(outcome, RunFinished)
    result = outcome.outcome
    assert result.ok and not result.cancelled
    assert {k.package for k in result.keys} == {"example.com/basic/fast", "example.com/basic/slow"}
    assert {len(b.iterations) for b in result.results} == {2}
    assert all(b.config["pkg"] == b.key.package for b in result.results)
    assert {"goos", "goarch", "cpu"} <= set(next(iter(result.results)).config)


def test_progress_events_carry_elapsed_and_eta(tmp_path: Path) -> None:
    """Before any package ran, previous results give the estimate; the last progress
    event says everything is done. Timing is not asserted: only what is known when."""
    previous = tmp_path / "current.txt"
    previous.write_text(
        "pkg: example.com/basic/fast\nBenchmarkAdd\t10\t5 ns/op\n"
        "pkg: example.com/basic/slow\nBenchmarkWork\t10\t5 ns/op\n"
    )
    events, _ = collect(request(GOMODS / "basic", count=2, previous=(previous,)))
    progress = [e for e in events if isinstance(e, RunProgress)]
    listed = events.index(next(e for e in events if isinstance(e, PackagesListed)))
    assert isinstance(events[listed + 1], RunProgress)
    # Builds are still unmeasured right after the listing; after them the history guesses.
    first_run = next(e for e in events if isinstance(e, PackageStarted))
    after_start = events[events.index(first_run) + 1]
    assert isinstance(after_start, RunProgress) and after_start.remaining is not None
    running = [p for p in progress if p.benchmark is not None]
    assert running and running[0].package == "example.com/basic/fast"
    assert all(a.elapsed <= b.elapsed for a, b in itertools.pairwise(progress))
    last = progress[-1]
    assert last.remaining == 0.0 and last.fraction == 1.0
    assert last.samples == 8 and last.expected_samples == 8


def test_samples_are_independent_processes_round_robin() -> None:
    events, _ = collect(request(GOMODS / "pid", count=3))
    results = [e.result for e in events if isinstance(e, BenchmarkFinished)]
    assert [r.key.package for r in results] == ["example.com/pid/a", "example.com/pid/b"] * 3
    pids = [next(v.value for v in r.values if v.unit == "pid") for r in results]
    assert len(set(pids)) == 6, "each sample must come from its own process"
    starts = [next(v.value for v in r.values if v.unit == "start-us") for r in results]
    assert starts == sorted(starts), "runs go a, b, a, b, ... in time"


def test_fast_count_uses_one_process() -> None:
    events, _ = collect(request(GOMODS / "pid", count=3, fast_count=True, packages=("./a",)))
    results = [e.result for e in events if isinstance(e, BenchmarkFinished)]
    assert len(results) == 3
    assert len({next(v.value for v in r.values if v.unit == "pid") for r in results}) == 1
    assert all(r.key.package == "example.com/pid/a" for r in results)


def test_failures_carry_package_and_go_error_text() -> None:
    events, _ = collect(request(GOMODS / "broken", count=2))
    outcome = next(e for e in events if isinstance(e, RunFinished)).outcome
    failures = {f.package: f for f in outcome.failures}
    assert set(failures) == {"example.com/broken/nocompile", "example.com/broken/fails"}
    build = failures["example.com/broken/nocompile"]
    assert build.stage == "build"
    assert "nocompile_test.go:6" in build.message
    assert "cannot use" in build.message
    test = failures["example.com/broken/fails"]
    assert test.stage == "test" and test.run == 1
    assert "--- FAIL: BenchmarkFails" in test.message
    assert "deliberate failure" in test.message
    # The failed package is not run again; the good one runs both times; what
    # completed before the failure is kept.
    names = {k.name: len(b.iterations) for k, b in outcome.results.benchmarks.items()}
    assert names == {"BenchmarkPasses": 1, "BenchmarkGood": 2}
    assert not outcome.ok
    assert sum(isinstance(e, PackageFailed) for e in events) == 2
    # A failed benchmark's line is error text, not a malformed result.
    assert not outcome.results.issues


def test_fast_count_reports_build_failures() -> None:
    events, _ = collect(request(GOMODS / "broken", fast_count=True))
    outcome = next(e for e in events if isinstance(e, RunFinished)).outcome
    failures = {f.package: f for f in outcome.failures}
    assert failures["example.com/broken/nocompile"].stage == "build"
    assert "cannot use" in failures["example.com/broken/nocompile"].message
    assert "BenchmarkGood" in {k.name for k in outcome.keys}


def test_names_select_exact_benchmarks_and_packages() -> None:
    events, _ = collect(request(GOMODS / "basic", names=("BenchmarkSum/size=8",)))
    listed = next(e for e in events if isinstance(e, PackagesListed))
    assert [p.import_path for p in listed.packages] == ["example.com/basic/fast"]
    outcome = next(e for e in events if isinstance(e, RunFinished)).outcome
    assert [k.name for k in outcome.keys] == ["BenchmarkSum/size=8"]


def test_list_failure_is_reported() -> None:
    events, _ = collect(request(GOMODS / "basic", packages=("./nosuchdir",)))
    outcome = next(e for e in events if isinstance(e, RunFinished)).outcome
    assert outcome.failures and outcome.failures[0].stage == "list"
    assert "nosuchdir" in outcome.failures[0].message


def test_cancel_from_another_thread(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    session = BenchmarkSession(request(root, benchtime="30s", names=("BenchmarkWork",)))
    started = threading.Event()
    events: list[RunEvent] = []

    def on_event(event: RunEvent) -> None:
        events.append(event)
        if isinstance(event, BenchmarkStarted):
            started.set()

    worker = threading.Thread(target=lambda: session.run(on_event))
    worker.start()
    assert started.wait(60), "the benchmark never started"
    t0 = time.monotonic()
    session.cancel()
    worker.join(15)
    assert not worker.is_alive()
    assert time.monotonic() - t0 < 10
    outcome = next(e for e in events if isinstance(e, RunFinished)).outcome
    assert outcome.cancelled and not outcome.ok and not outcome.failures
    assert not wait_no_processes_in(root)
    assert not any(isinstance(e, PackageFinished) for e in events)


def test_events_iterator_closed_early_cancels(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    session = BenchmarkSession(request(root, benchtime="30s", names=("BenchmarkWork",)))
    for event in session.events():
        if isinstance(event, BenchmarkStarted):
            break
    assert session.cancelled
    assert not wait_no_processes_in(root)


def test_resolve_go() -> None:
    assert Path(resolve_go(go_path())).name == "go"
    with pytest.raises(GoNotFound):
        resolve_go("/nonexistent/go")
    with pytest.raises(GoNotFound):
        resolve_go("no-such-go-binary-xyz")


def test_each_benchmark_is_announced_once_however_its_line_arrives() -> None:
    """Name then numbers (two reads), or the whole line in one read (a loaded machine)."""
    from benchlens.runner.session import _StartWatcher

    seen: list[tuple[str, int]] = []
    watcher = _StartWatcher(lambda name, procs: seen.append((name, procs)))
    # Two reads: the name alone first, then the complete line.
    watcher.partial("BenchmarkAdd-2   \t")
    watcher.partial("BenchmarkAdd-2   \t")  # a read that added nothing to this line
    watcher.complete("BenchmarkAdd-2   \t 100\t 12.5 ns/op")
    # One read: only the complete line.
    watcher.complete("BenchmarkSum/size=8-2 \t 100\t 3 ns/op")
    # The same benchmark again (`-count=N` in one process): announced again.
    watcher.partial("BenchmarkAdd-2   \t")
    watcher.complete("BenchmarkAdd-2   \t 100\t 12.7 ns/op")
    # Output that is not a result announces nothing.
    watcher.complete("--- BENCH: BenchmarkAdd-2")
    watcher.complete("PASS")
    assert seen == [("BenchmarkAdd", 2), ("BenchmarkSum/size=8", 2), ("BenchmarkAdd", 2)]
