"""A/B sessions against real Go modules: both sides built once, runs alternated package
by package with the leading side swapped every round, each side's results apart and
carrying its commit, a package on one side only, cancellation."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from benchlens.runner import BenchmarkStarted, BuildStarted, PackagesListed, PackageStarted
from benchlens.runner.ab import ABSession, Side
from benchlens.runner.events import RunEvent
from benchlens.runner.session import RunRequest
from tests.runner_helpers import copy_module, go_path, wait_no_processes_in

pytestmark = pytest.mark.go

A, B = "example.com/pid/a", "example.com/pid/b"


def sides(tmp_path: Path) -> tuple[Side, Side]:
    base = copy_module("pid", tmp_path / "base")
    head = copy_module("pid", tmp_path / "head")
    return Side("base", base, "1111111"), Side("head", head, "2222222 (modified)")


def request(root: Path, **kw: object) -> RunRequest:
    settings: dict[str, object] = {"root": root, "benchtime": "1x", "count": 3, "go": go_path()}
    settings.update(kw)
    return RunRequest(**settings)  # type: ignore[arg-type]


def test_runs_alternate_package_by_package_and_swap_the_leader(tmp_path: Path) -> None:
    base, head = sides(tmp_path)
    events: list[RunEvent] = []
    outcome = ABSession(request(head.root), base, head).run(events.append)
    assert outcome.ok, outcome.failures

    listed = next(e for e in events if isinstance(e, PackagesListed))
    assert [p.import_path for p in listed.packages] == [A, B]
    assert listed.sides == (("base", (A, B)), ("head", (A, B)))
    assert (listed.side_names, listed.binary_count, listed.runs) == (("base", "head"), 4, 3)
    # Each side's binaries are built once, from its own tree.
    assert [(e.side, e.package) for e in events if isinstance(e, BuildStarted)] == [
        ("base", A),
        ("base", B),
        ("head", A),
        ("head", B),
    ]
    started = [(e.run, e.package, e.side) for e in events if isinstance(e, PackageStarted)]
    assert started == [
        (1, A, "base"),
        (1, A, "head"),
        (1, B, "base"),
        (1, B, "head"),
        (2, A, "head"),
        (2, A, "base"),
        (2, B, "head"),
        (2, B, "base"),
        (3, A, "base"),
        (3, A, "head"),
        (3, B, "base"),
        (3, B, "head"),
    ]
    assert {e.side for e in events if isinstance(e, BenchmarkStarted)} == {"base", "head"}

    for side, run in ((base, outcome.base), (head, outcome.head)):
        assert {k.package for k in run.keys} == {A, B}
        assert all(len(b.iterations) == 3 for b in run.results)
        assert {b.config["commit"] for b in run.results} == {side.commit}
        # Every sample is its own process, and it ran in the side's own tree.
        pids = [v for b in run.results for v in b.samples["pid"]]
        assert len(set(pids)) == 6
        assert {p.dir.parent for p in run.packages} == {side.root}
    # Samples of the two sides interleave in time.
    starts = sorted(
        (t, name)
        for name, run in (("base", outcome.base), ("head", outcome.head))
        for b in run.results
        if b.key.package == A
        for t in b.samples["start-us"]
    )
    assert [name for _, name in starts] == ["base", "head", "head", "base", "base", "head"]


def test_a_package_on_one_side_only_runs_there(tmp_path: Path) -> None:
    base, head = sides(tmp_path)
    shutil.rmtree(base.root / "b")
    events: list[RunEvent] = []
    outcome = ABSession(request(head.root, count=2), base, head).run(events.append)
    assert outcome.ok, outcome.failures
    listed = next(e for e in events if isinstance(e, PackagesListed))
    assert [p.import_path for p in listed.packages] == [A, B]
    assert listed.sides == (("base", (A,)), ("head", (A, B)))
    assert listed.binary_count == 3
    assert {k.package for k in outcome.base.keys} == {A}
    assert {k.package for k in outcome.head.keys} == {A, B}


def test_no_commit_clears_the_key(tmp_path: Path) -> None:
    base, head = sides(tmp_path)
    outcome = ABSession(
        request(head.root, count=1, packages=("./a",)), base, Side("head", head.root)
    ).run()
    assert {b.config.get("commit") for b in outcome.base.results} == {"1111111"}
    assert {b.config.get("commit") for b in outcome.head.results} == {None}


def test_cancel_stops_both_sides(tmp_path: Path) -> None:
    base, head = sides(tmp_path)
    session = ABSession(request(head.root, benchtime="30s", count=2), base, head)
    started = threading.Event()

    def on_event(event: RunEvent) -> None:
        if isinstance(event, BenchmarkStarted):
            started.set()

    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(session.run(on_event)))
    worker.start()
    assert started.wait(120), "no benchmark started"
    session.cancel()
    worker.join(60)
    assert not worker.is_alive()
    [outcome] = result
    assert getattr(outcome, "cancelled", False)
    assert not wait_no_processes_in(base.root)
    assert not wait_no_processes_in(head.root)
