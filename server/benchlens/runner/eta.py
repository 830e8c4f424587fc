"""How far a run is and how long it has left: `RunProgress` events from the run's own events.

A run is a grid of (package, run) units — each package's test binary run `count`
times, round-robin — preceded by one build per package (an A/B run has one
binary per package and side: its units are (side, package, run)). Once a package has run
once, its measured time is the best estimate of each of its remaining runs (it
includes the set-up outside the timer and the process start). Before that, the
previous results of the workspace (current results, baseline) say which of its
benchmarks will run and how long each takes at this benchtime; packages without
either get the mean of those measured so far. With no estimate at all the
remaining time is unknown (None), and the fraction done counts units instead.

Plain code, no clock of its own: the session passes `time.monotonic`, tests a fake.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence

from benchlens.results.model import ResultSet
from benchlens.runner.events import (
    BenchmarkFinished,
    BenchmarkStarted,
    BuildFinished,
    PackageFinished,
    PackagesListed,
    PackageStarted,
    RunEvent,
    RunProgress,
)

#: Wall time of one benchmark at a duration benchtime, as a multiple of it: Go ramps
#: the iteration count up in a few shorter runs before the one that counts.
RAMP_FACTOR = 1.3

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _split_top(pattern: str, sep: str) -> list[str]:
    """`pattern` split on `sep` outside brackets and parentheses, not after a backslash."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def bench_selector(pattern: str) -> Callable[[str], bool] | None:
    """A predicate telling whether `go test -bench=pattern` runs a benchmark of that name
    (top-level `|` alternatives, one element per `/` level, each an unanchored search,
    as Go matches). None when the pattern is not a regexp Python reads the same way."""
    try:
        alternatives = [
            [re.compile(level) for level in _split_top(alt, "/")]
            for alt in _split_top(pattern, "|")
        ]
    except re.error:
        return None

    def selected(name: str) -> bool:
        parts = name.split("/")
        return any(
            all(level.search(part) for level, part in zip(levels, parts, strict=False))
            for levels in alternatives
        )

    return selected


def sample_seconds(ns_per_op: float | None, benchtime: str) -> float | None:
    """Wall time of one sample of a benchmark that takes `ns_per_op`, at `benchtime`."""
    op = ns_per_op * 1e-9 if ns_per_op is not None else None
    if benchtime.endswith("x") and benchtime[:-1].isdigit():
        return None if op is None else op * (int(benchtime[:-1]) + 1)
    m = _DURATION.match(benchtime)
    if m is None:
        return None
    goal = float(m.group(1)) * _SECONDS[m.group(2)] * RAMP_FACTOR
    return goal if op is None else max(goal, op)


def _ns_per_op(samples: Mapping[str, Sequence[float]]) -> float | None:
    if samples.get("ns/op"):
        return statistics.median(samples["ns/op"])
    if samples.get("sec/op"):
        return statistics.median(samples["sec/op"]) * 1e9
    return None


def prior_seconds(previous: Iterable[ResultSet], pattern: str, benchtime: str) -> dict[str, float]:
    """Seconds per run of each package, from earlier results of the same benchmarks:
    the benchmarks `pattern` selects, each at `benchtime`. The first result set that
    has a package wins (pass the most recent first)."""
    selected = bench_selector(pattern)
    per_package: dict[str, float] = {}
    for results in previous:
        found: dict[str, float] = {}
        unknown: set[str] = set()
        for bench in results:
            package = bench.key.package
            if package in per_package or (selected is not None and not selected(bench.key.name)):
                continue
            seconds = sample_seconds(_ns_per_op(bench.samples), benchtime)
            if seconds is None:
                unknown.add(package)
            else:
                found[package] = found.get(package, 0.0) + seconds
        for package, seconds in found.items():
            if package not in unknown:
                per_package[package] = seconds
    return per_package


class EtaTracker:
    """Follows a run's events and says where it stands (`progress()`), in seconds."""

    def __init__(
        self,
        clock: Callable[[], float],
        prior: Mapping[str, float] | None = None,
        *,
        builds: bool = True,
        per_process: int = 1,
    ) -> None:
        """`prior`: seconds per run of a package (see `prior_seconds`); `builds`: whether a
        build step precedes the runs; `per_process`: samples per process (`-count=N` in
        one process multiplies a package's run time)."""
        self._clock = clock
        self._started = clock()
        self._prior = dict(prior or {})
        self._builds_expected = builds
        self._per_process = per_process
        self._pending: list[tuple[str, str, int]] = []  # (side, package, run)
        self._builds_left = 0
        self._build_times: list[float] = []
        self._measured: dict[str, list[float]] = {}
        self._current: tuple[str, int, float] | None = None
        self._units = 0
        self._units_done = 0
        self._runs = 1
        self._samples = 0
        self._binaries: list[tuple[str, str]] = []  # (side, package)
        self._benchmarks: dict[tuple[str, str], int] = {}  # per binary, in its first run
        self._first_run_done: set[tuple[str, str]] = set()
        self._benchmark: str | None = None
        self._listed = False

    def update(self, event: RunEvent) -> RunProgress | None:
        """Take one event in; a `RunProgress` when the event moved the run on."""
        now = self._clock()
        if isinstance(event, PackagesListed):
            self._listed = True
            self._runs = event.runs
            self._binaries = event.units()
            self._pending = [(s, p, r) for r in range(1, event.runs + 1) for s, p in self._binaries]
            self._units = len(self._pending)
            self._builds_left = len(self._binaries) if self._builds_expected else 0
        elif isinstance(event, BuildFinished):
            self._builds_left = max(0, self._builds_left - 1)
            self._build_times.append(event.elapsed)
        elif isinstance(event, PackageStarted):
            unit = (event.side, event.package, event.run)
            if unit in self._pending:
                self._pending.remove(unit)
            self._current = (event.package, event.run, now)
            self._benchmark = None
        elif isinstance(event, BenchmarkStarted):
            self._benchmark = event.name
        elif isinstance(event, BenchmarkFinished):
            self._samples += 1
            if event.run == 1:
                binary = (event.side, event.package)
                self._benchmarks[binary] = self._benchmarks.get(binary, 0) + 1
        elif isinstance(event, PackageFinished):
            if event.ok:
                self._measured.setdefault(event.package, []).append(event.elapsed)
            else:  # a failed package runs no more: its remaining runs are not work left
                self._pending = [u for u in self._pending if u[:2] != (event.side, event.package)]
            if event.run == 1:
                self._first_run_done.add((event.side, event.package))
            self._units_done += 1
            self._current = None
            self._benchmark = None
        else:
            return None
        return self.progress(now)

    def _estimate(self, package: str) -> float | None:
        measured = self._measured.get(package)
        if measured:
            return statistics.fmean(measured)
        if package in self._prior:
            return self._prior[package] * self._per_process
        every = [statistics.fmean(v) for v in self._measured.values() if v]
        return statistics.fmean(every) if every else None

    def remaining(self, now: float) -> float | None:
        """Estimated seconds left at `now`, or None when nothing allows a guess yet."""
        if not self._listed:
            return None
        total = 0.0
        if self._builds_left:
            if not self._build_times:
                return None
            total += self._builds_left * statistics.fmean(self._build_times)
        if self._current is not None:
            package, _run, since = self._current
            estimate = self._estimate(package)
            if estimate is None:
                return None
            total += max(0.0, estimate - (now - since))
        for _side, package, _run in self._pending:
            estimate = self._estimate(package)
            if estimate is None:
                return None
            total += estimate
        return total

    def progress(self, now: float | None = None) -> RunProgress:
        now = self._clock() if now is None else now
        elapsed = now - self._started
        remaining = self.remaining(now)
        if remaining is not None and elapsed + remaining > 0:
            fraction = elapsed / (elapsed + remaining)
        else:
            fraction = self._units_done / self._units if self._units else 0.0
        expected = None
        if self._binaries and self._first_run_done.issuperset(self._binaries):
            per_run = sum(self._benchmarks.get(b, 0) for b in self._binaries)
            expected = per_run * self._runs
        current = self._current[0] if self._current else ""
        return RunProgress(
            elapsed=elapsed,
            remaining=remaining,
            fraction=min(1.0, fraction),
            samples=self._samples,
            expected_samples=expected,
            package=current,
            benchmark=self._benchmark,
            at=now,
        )

    def wrap(self, on_event: Callable[[RunEvent], None]) -> Callable[[RunEvent], None]:
        """`on_event`, called with each event and then with the progress it makes."""

        def emit(event: RunEvent) -> None:
            on_event(event)
            progress = self.update(event)
            if progress is not None:
                on_event(progress)

        return emit


def format_duration(seconds: float) -> str:
    """`42s`, `3m05s`, `1h02m`: short, for a progress line."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def timing_text(progress: RunProgress | None, now: float) -> str:
    """`12s, ETA 1m05s` (or `12s` while the remaining time is unknown), as of `now`
    (`time.monotonic()`): the CLI's progress lines and the editor's `$/progress`."""
    if progress is None:
        return ""
    elapsed = progress.elapsed + max(0.0, now - progress.at)
    text = format_duration(elapsed)
    remaining = progress.remaining_at(now)
    return text if remaining is None else f"{text}, ETA {format_duration(remaining)}"
