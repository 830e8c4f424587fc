"""Where a benchmark's cost goes: one profile's samples summed per function and line,
then scaled to cost per benchmark iteration.

Per function, as pprof counts them: **flat** is what the function's own code
costs (it is the leaf of the stack), **cum** what it costs with everything it
calls. With grouping (the default), standard-library and runtime frames are
charged to their nearest caller in the workspace's own code: a sample whose
leaf is `runtime.memmove` called from `encodeRecord` counts as `encodeRecord`'s,
at the line of `encodeRecord` that made the call. That is the line a developer
can change. Samples with no workspace frame stay with their leaf function inside
the benchmark loop; outside it (background GC, the scheduler, the test binary's
start) they are kept apart, per goroutine entry function
(`runtime.gcBgMarkWorker`): work the benchmark causes on other threads, but no
line of the code under test. So is the main goroutine's work outside the loop
(`runtime.main`: package initialisation such as a test file's `var fixture =
load(...)`, TestMain), even in the workspace's code: it runs once, not per op; and
a parent benchmark's `b.Run` starting the sub-benchmark (its `runN` is not the
sub-benchmark's loop).

Per iteration: the benchmark's own goroutines are the stacks through
`testing.(*B).runN` (or `RunParallel`'s workers). Their total in the profile
stands for the ns/op (B/op, allocs/op) the benchmark reported in the same run,
so each unit of the profile is worth `reported per op / loop total` per op. That
scale is exact whatever iterations Go's ramp-up rounds added before the
reported `N`, and it is computed per run, so two runs of different length or
iteration count average correctly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from benchlens.pprof import Frame, Profile

#: Frames that mark a stack as the benchmark's own work.
LOOP_FRAMES = frozenset({"testing.(*B).runN", "testing.(*B).RunParallel.func1"})

#: A benchmark starting a sub-benchmark: a stack through it is a parent's `runN`.
SUB_BENCHMARK_START = "testing.(*B).Run"

#: The entry of the main goroutine (package initialisation, TestMain, the testing
#: framework); the benchmark's iterations run on goroutines `testing` starts.
MAIN_GOROUTINE = "runtime.main"

#: Frames that start every goroutine or switch stacks: never an entry worth naming.
_PLUMBING = frozenset(
    {
        "runtime.goexit",
        "runtime.mstart",
        "runtime.mstart0",
        "runtime.mstart1",
        "runtime.systemstack",
        "runtime.mcall",
        "runtime.morestack",
        "runtime.rt0_go",
        "runtime.asmcgocall",
    }
)

#: (function, file, line): a line of source, `file` workspace-relative for the
#: workspace's own code and as the profile has it otherwise.
LineKey = tuple[str, str, int]

#: Maps a profile's file name to its workspace-relative path, or None when the file
#: is not the workspace's own code (the standard library, a dependency).
Locate = Callable[[str], str | None]

_K = TypeVar("_K")


@dataclass
class Tally:
    """A sum of sample values and the number of profile samples behind it."""

    value: float = 0.0
    samples: int = 0

    def add(self, value: float, samples: int) -> None:
        self.value += value
        self.samples += samples


@dataclass
class RoundCosts:
    """One profile's values summed (in the profile's own unit)."""

    loop_total: float = 0.0
    flat: dict[str, Tally] = field(default_factory=dict)
    cum: dict[str, Tally] = field(default_factory=dict)
    own: dict[str, Tally] = field(default_factory=dict)
    lines: dict[LineKey, Tally] = field(default_factory=dict)
    #: Samples outside the benchmark loop with no workspace frame, per entry function.
    outside: dict[str, Tally] = field(default_factory=dict)
    #: Where each function was seen (workspace-relative file for workspace code).
    files: dict[str, str] = field(default_factory=dict)
    #: Functions and files of the workspace's own code.
    workspace: set[str] = field(default_factory=set)
    workspace_files: set[str] = field(default_factory=set)


def _entry(stack: Sequence[Frame]) -> Frame:
    """The outermost frame that is not goroutine plumbing: what the goroutine is for."""
    for frame in reversed(stack):
        if frame.function not in _PLUMBING:
            return frame
    return stack[-1]


def tally(
    profile: Profile,
    value_index: int,
    locate: Locate,
    *,
    group: bool = True,
    count_index: int | None = None,
) -> RoundCosts:
    """Sum the profile's values at `value_index` per function and line. `count_index`
    names the values that count samples (CPU profiles), for the sampling noise."""
    costs = RoundCosts()
    where: dict[str, str | None] = {}

    def place(frame: Frame) -> tuple[str, bool]:
        if frame.file not in where:
            where[frame.file] = locate(frame.file) if frame.file else None
        rel = where[frame.file]
        return (rel, True) if rel is not None else (frame.file, False)

    for sample in profile.samples:
        value = sample.values[value_index]
        if not value or not sample.stack:
            continue
        count = sample.values[count_index] if count_index is not None else 0
        stack = sample.stack
        # A parent benchmark's `b.Run` (in its own `runN`) starting the sub-benchmark
        # is the testing framework's work, not the target's iterations.
        harness = any(f.function == SUB_BENCHMARK_START for f in stack)
        in_loop = not harness and any(f.function in LOOP_FRAMES for f in stack)
        if in_loop:
            costs.loop_total += value
        leaf = stack[0]
        costs.flat.setdefault(leaf.function, Tally()).add(value, count)
        for function in {f.function for f in stack}:
            costs.cum.setdefault(function, Tally()).add(value, count)
        owner: Frame | None = None
        if group:
            owner = next((f for f in stack if place(f)[1]), None)
        for frame in stack:
            if frame.function not in costs.files:
                frame_file, frame_workspace = place(frame)
                costs.files[frame.function] = frame_file
                if frame_workspace:
                    costs.workspace.add(frame.function)
        # The main goroutine outside the loop initialises packages (a test file's
        # `var fixture = load(...)`) and runs TestMain, and a parent's b.Run starts the
        # sub-benchmark: the workspace's code, but not the benchmark's work per op.
        if not in_loop and (owner is None or harness or _entry(stack).function == MAIN_GOROUTINE):
            entry = _entry(stack) if group else leaf
            costs.outside.setdefault(entry.function, Tally()).add(value, count)
            continue
        owner = owner or leaf
        file, workspace = place(owner)
        costs.own.setdefault(owner.function, Tally()).add(value, count)
        costs.lines.setdefault((owner.function, file, owner.line), Tally()).add(value, count)
        if workspace:
            costs.workspace_files.add(file)
    return costs


@dataclass
class PerOp:
    """A cost per op averaged over runs, with its sampling variance."""

    value: float = 0.0
    variance: float = 0.0


@dataclass
class SideCosts:
    """One side's costs per op, averaged over its runs."""

    flat: dict[str, PerOp] = field(default_factory=dict)
    cum: dict[str, PerOp] = field(default_factory=dict)
    own: dict[str, PerOp] = field(default_factory=dict)
    lines: dict[LineKey, PerOp] = field(default_factory=dict)
    outside: dict[str, PerOp] = field(default_factory=dict)
    #: The benchmark's reported value per op, averaged over the runs.
    loop: float = 0.0
    files: dict[str, str] = field(default_factory=dict)
    workspace: set[str] = field(default_factory=set)
    workspace_files: set[str] = field(default_factory=set)
    #: Runs that reported a cost the profile did not see in the loop (too short to sample).
    empty_runs: int = 0


def per_op(rounds: Sequence[tuple[RoundCosts, float]], period: float = 0.0) -> SideCosts:
    """Average `(costs of a run, the value per op that run reported)` pairs into costs
    per op. `period` is the profile's sampling period (CPU: ns per sample), for the
    variance of a count of samples (Poisson: variance = count)."""
    side = SideCosts()
    n = len(rounds)
    if n == 0:
        return side
    for costs, reported in rounds:
        side.loop += reported / n
        if costs.loop_total <= 0:
            side.empty_runs += reported > 0
            scale = 0.0
        else:
            scale = reported / costs.loop_total
        for target, source in (
            (side.flat, costs.flat),
            (side.cum, costs.cum),
            (side.own, costs.own),
            (side.outside, costs.outside),
        ):
            for key, t in source.items():
                _add(target, key, t, scale, period, n)
        for line_key, t in costs.lines.items():
            _add(side.lines, line_key, t, scale, period, n)
        for function, file in costs.files.items():
            side.files.setdefault(function, file)
        side.workspace |= costs.workspace
        side.workspace_files |= costs.workspace_files
    return side


def _add(
    target: dict[_K, PerOp], key: _K, t: Tally, scale: float, period: float, runs: int
) -> None:
    entry = target.setdefault(key, PerOp())
    entry.value += t.value * scale / runs
    entry.variance += t.samples * (period * scale / runs) ** 2


def noise(a: PerOp | None, b: PerOp | None) -> float:
    """One standard deviation of the difference of two independent costs."""
    var = (a.variance if a else 0.0) + (b.variance if b else 0.0)
    return math.sqrt(var)
