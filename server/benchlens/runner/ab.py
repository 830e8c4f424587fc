"""Two versions of the same code measured against each other: an A/B run.

Why alternate instead of two runs one after the other: a machine's speed drifts
(another job starts, the CPU heats up and throttles, a neighbour on a shared CI
runner gets busy). Measured one side after the other, a drift of 20 % during
the second run looks exactly like a 20 % regression, and no statistical test
can tell the two apart — both sides' samples are clean, they were just taken in
different weather. Alternating the two sides' runs, package by package
(base, head, head, base, base, head, ...), puts each pair of samples minutes
apart at most, so drift hits both sides alike and cancels out of the
comparison. The side that goes first swaps every round, so neither side always
runs on the heels of the other (a CPU that has just ramped up, warm caches).

Each side's test binaries are built once (`go test -c`) from its own directory
and every run is an independent process with `-test.count=1`, as in a plain run.
`ABRun` is the whole thing as `benchlens ab` and the editor's `benchlens.abCompare`
do it: the base side is another commit, checked out in a temporary git worktree
for the run and always removed; the head side is the working tree.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchlens.config import Config
from benchlens.history import tree_commit
from benchlens.results.model import Result, ResultSet
from benchlens.results.reader import read_lines
from benchlens.runner.events import (
    BenchmarkFinished,
    GoPackage,
    PackageFailure,
    PackagesListed,
    RunOutcome,
)
from benchlens.runner.gotool import resolve_go
from benchlens.runner.process import Cancelled
from benchlens.runner.session import BinaryRuns, EventCallback, RunRequest, shard_of
from benchlens.worktree import ResolvedRef, temporary_worktree

BASE = "base"
HEAD = "head"


@dataclass(frozen=True)
class Side:
    """One side of an A/B run: the module directory of its code and where it comes
    from (`commit:` of its results; `abc123 (modified)` for a changed working tree)."""

    name: str
    root: Path
    commit: str | None = None


@dataclass
class ABOutcome:
    """Both sides' outcomes. Results of a failed or cancelled run are partial."""

    base: RunOutcome
    head: RunOutcome
    elapsed: float = 0.0
    failures: list[PackageFailure] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.base.cancelled or self.head.cancelled

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled

    def sides(self) -> Iterator[tuple[str, RunOutcome]]:
        yield BASE, self.base
        yield HEAD, self.head


@dataclass
class _Listed:
    side: Side
    packages: list[GoPackage]
    binaries: dict[str, tuple[GoPackage, Path]] = field(default_factory=dict)


class ABSession(BinaryRuns):
    """Runs `request` (packages, benchmarks, benchtime, count) on both sides,
    alternating. Not reusable; `cancel()` may be called from any thread, and
    `run()` then returns with `cancelled=True`."""

    def __init__(self, request: RunRequest, base: Side, head: Side) -> None:
        super().__init__(request)
        self.base = base
        self.head = head
        self._order: list[str] = []  # import paths, the order packages run in each round

    def run(self, on_event: EventCallback | None = None) -> ABOutcome:
        """Run everything, calling `on_event` for each event in order (in this thread).
        Only a missing Go toolchain raises (`GoNotFound`)."""
        self._emit = self._tracked(on_event)
        go = resolve_go(self.request.go)
        started = time.monotonic()
        results = {side.name: ResultSet(f"{side.name} (go test)") for side in self._sides}
        listed: list[_Listed] = []
        try:
            with tempfile.TemporaryDirectory(prefix="benchlens-ab-") as bindir:
                listed = self._list_and_build(go, Path(bindir))
                self._alternate(listed, results)
        except Cancelled:
            pass
        elapsed = time.monotonic() - started
        packages = {entry.side.name: tuple(entry.packages) for entry in listed}

        def outcome(side: Side) -> RunOutcome:
            return RunOutcome(
                results=results[side.name],
                failures=[f for f in self._failures if f.side == side.name],
                cancelled=self.cancelled,
                elapsed=elapsed,
                packages=packages.get(side.name, ()),
            )

        return ABOutcome(outcome(self.base), outcome(self.head), elapsed, list(self._failures))

    @property
    def _sides(self) -> tuple[Side, Side]:
        return self.base, self.head

    def _list_and_build(self, go: str, bindir: Path) -> list[_Listed]:
        listed: list[_Listed] = []
        skipped: dict[str, None] = {}
        for side in self._sides:
            self._state.side = side.name
            packages, side_skipped = self._list(go, side.root)
            listed.append(_Listed(side, packages))
            skipped.update(dict.fromkeys(side_skipped))
        union = _union([entry.packages for entry in reversed(listed)])  # head's order first
        if self.request.shard is not None:
            # Shard the union, not each side: a package's two sides stay on one runner.
            union = shard_of(union, self.request.shard, self.request.shard_results)
            mine = {pkg.import_path for pkg in union}
            for entry in listed:
                entry.packages = [pkg for pkg in entry.packages if pkg.import_path in mine]
        self._order = [pkg.import_path for pkg in union]
        skipped_everywhere = tuple(p for p in skipped if p not in self._order)
        sides = tuple((e.side.name, tuple(p.import_path for p in e.packages)) for e in listed)
        self._emit(PackagesListed(union, skipped_everywhere, self.request.count, sides))
        for entry in listed:
            self._state.side = entry.side.name
            where = bindir / entry.side.name
            where.mkdir()
            built = self._build(go, entry.packages, where, entry.side.root)
            entry.binaries = {pkg.import_path: (pkg, binary) for pkg, binary in built}
        return listed

    def _alternate(self, listed: Sequence[_Listed], results: dict[str, ResultSet]) -> None:
        """Round after round, package by package, one run of each side's binary; the
        side that goes first swaps every round."""
        args = self._binary_args()
        failed: set[tuple[str, str]] = set()
        for run in range(1, self.request.count + 1):
            sides = listed if run % 2 == 1 else list(reversed(listed))
            for path in self._order:
                for entry in sides:
                    name = entry.side.name
                    found = entry.binaries.get(path)
                    if found is None or (name, path) in failed:
                        continue
                    if not self._run_side(entry.side, *found, args, run, results[name]):
                        failed.add((name, path))

    def _run_side(
        self,
        side: Side,
        pkg: GoPackage,
        binary: Path,
        args: Sequence[str],
        run: int,
        results: ResultSet,
    ) -> bool:
        """One run of one side's binary, its results added to that side's set, each
        carrying the side's commit."""
        self._state.side = side.name
        ok = False

        def lines() -> Generator[str, None, None]:
            nonlocal ok
            yield f"commit: {side.commit or ''}"  # an empty value clears the key
            ok = yield from self._run_binary(pkg, binary, args, run)

        stream = lines()
        try:
            for record in read_lines(stream, results.source):
                results.add(record)
                if isinstance(record, Result):
                    self._emit(BenchmarkFinished(record.key.package, record, run, side.name))
        finally:
            stream.close()  # a failing callback must not leave a child running
        return ok


def _union(lists: Sequence[Sequence[GoPackage]]) -> tuple[GoPackage, ...]:
    """Packages by import path, first occurrence wins, in order."""
    seen: dict[str, GoPackage] = {}
    for packages in lists:
        for pkg in packages:
            seen.setdefault(pkg.import_path, pkg)
    return tuple(seen.values())


def ab_paths(config: Config) -> tuple[Path, Path]:
    """Where the two sides' results go: `ab/base.txt`, `ab/head.txt` beside the current results."""
    directory = config.current.parent / "ab"
    return directory / f"{BASE}.txt", directory / f"{HEAD}.txt"


class ABRun:
    """The working tree (head) against the commit `base`, alternated: the commit checked out
    in a temporary worktree, an `ABSession` over both, the worktree removed again — after
    a failure, a cancel or an interrupt too. `cancel()` may come from any thread at any
    time, also before the session exists (while git checks the commit out)."""

    def __init__(self, config: Config, request: RunRequest, base: ResolvedRef) -> None:
        # The last A/B run's files are the best guess of how long this one takes.
        self.request = replace(request, previous=(*ab_paths(config), *request.previous))
        self.base = base
        self.head = Side(HEAD, request.root, tree_commit(request.root))
        self._lock = threading.Lock()
        self._session: ABSession | None = None
        self._cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            session = self._session
        if session is not None:
            session.cancel()

    def run(self, on_event: EventCallback | None = None) -> ABOutcome:
        """Raises WorktreeError when git cannot check the commit out, GoNotFound without Go."""
        with temporary_worktree(self.request.root, self.base.commit) as where:
            session = ABSession(self.request, Side(BASE, where, self.base.commit), self.head)
            with self._lock:
                self._session = session
                cancelled = self._cancelled
            if cancelled:
                session.cancel()
            return session.run(on_event)
