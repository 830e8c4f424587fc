"""What a benchmark run reports as it goes, for any front end (terminal, language server).

Events are plain frozen dataclasses delivered in order to one callback, so the
command line draws a progress bar and the language server sends `$/progress`
from the same stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from benchlens.results.model import BenchmarkKey, Result, ResultSet

Stage = Literal["list", "build", "test"]


@dataclass(frozen=True)
class GoPackage:
    """A package as `go list` reports it."""

    import_path: str
    dir: Path
    name: str = ""
    test_files: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class PackagesListed:
    """The packages that will be benchmarked, and those skipped (no benchmarks).

    An A/B run (`runner.ab`) lists both sides: `packages` is their union and `sides`
    each side's name with its packages' import paths (a package may exist on one
    side only); each side builds its own binaries."""

    packages: tuple[GoPackage, ...]
    skipped: tuple[str, ...]
    runs: int
    sides: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def side_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.sides)

    def units(self) -> list[tuple[str, str]]:
        """(side, import path) of every test binary: one round's runs, one build each.
        The side is empty in a plain run."""
        if self.sides:
            return [(name, path) for name, paths in self.sides for path in paths]
        return [("", p.import_path) for p in self.packages]

    @property
    def binary_count(self) -> int:
        """Test binaries to build; each runs `runs` times."""
        return len(self.units())


@dataclass(frozen=True)
class BuildStarted:
    package: str
    side: str = ""


@dataclass(frozen=True)
class BuildFinished:
    package: str
    ok: bool
    elapsed: float
    side: str = ""


@dataclass(frozen=True)
class PackageStarted:
    """A test binary (or, with `fast_count`, `go test`) starts on a package; run is 1-based."""

    package: str
    run: int
    runs: int
    #: The side of an A/B run ("base", "head"); empty in a plain run.
    side: str = ""


@dataclass(frozen=True)
class BenchmarkStarted:
    """Go printed a benchmark's name: it is running now. `name` has no `-procs` suffix."""

    package: str
    name: str
    procs: int
    run: int
    side: str = ""


@dataclass(frozen=True)
class BenchmarkFinished:
    """One result line, parsed."""

    package: str
    result: Result
    run: int
    side: str = ""


@dataclass(frozen=True)
class Output:
    """A raw output line of a child process (for a log or an output channel)."""

    package: str
    line: str


@dataclass(frozen=True)
class PackageFailure:
    """A package that failed to list, build or run, with Go's own error text."""

    package: str
    stage: Stage
    message: str
    run: int = 0
    side: str = ""

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.side, f"run {self.run}" if self.run else "") if part
        )
        where = f" ({where})" if where else ""
        return f"{self.package}: {self.stage} failed{where}:\n{self.message}".rstrip()


@dataclass(frozen=True)
class PackageFailed:
    failure: PackageFailure


@dataclass(frozen=True)
class PackageFinished:
    package: str
    run: int
    ok: bool
    elapsed: float
    side: str = ""


@dataclass(frozen=True)
class RunProgress:
    """Where the run stands, sent after each step (a build, a benchmark starting or
    finishing, a package run): seconds `elapsed`, the estimated seconds `remaining`
    (None until something allows a guess), the `fraction` of the estimated work done,
    result lines so far (of `expected_samples`, once every package ran once), and the
    benchmark running now. `at` is the `time.monotonic()` of the estimate, so a display
    can count down between events (`remaining_at`)."""

    elapsed: float
    remaining: float | None
    fraction: float
    samples: int
    expected_samples: int | None = None
    package: str = ""
    benchmark: str | None = None
    at: float = 0.0

    def remaining_at(self, now: float) -> float | None:
        """The estimate counted down to `now` (never below zero)."""
        if self.remaining is None:
            return None
        return max(0.0, self.remaining - max(0.0, now - self.at))

    @property
    def percent(self) -> int:
        return round(100 * self.fraction)


@dataclass
class RunOutcome:
    """Everything a run produced: the results that completed, what failed, and whether
    it was cancelled. Results of a failed or cancelled run are partial."""

    results: ResultSet
    failures: list[PackageFailure] = field(default_factory=list)
    cancelled: bool = False
    elapsed: float = 0.0
    packages: tuple[GoPackage, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled

    @property
    def keys(self) -> list[BenchmarkKey]:
        return list(self.results.benchmarks)

    @property
    def samples(self) -> int:
        return sum(len(b.iterations) for b in self.results)


@dataclass(frozen=True)
class RunFinished:
    outcome: RunOutcome


RunEvent = (
    PackagesListed
    | BuildStarted
    | BuildFinished
    | PackageStarted
    | BenchmarkStarted
    | BenchmarkFinished
    | Output
    | PackageFailed
    | PackageFinished
    | RunProgress
    | RunFinished
)
