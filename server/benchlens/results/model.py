"""The one data model of benchmark results, shared by every reader and every view.

A results file is a stream of records (results, unit metadata, syntax errors);
`ResultSet` gathers the samples of one file per benchmark key, keeping the
configuration each benchmark ran under and every problem found on the way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, order=True)
class BenchmarkKey:
    """What identifies a benchmark across files: package, full name, GOMAXPROCS.

    `name` keeps the `Benchmark` prefix and the sub-benchmark path
    (`BenchmarkHash/size=4096`) and drops the `-procs` suffix, which is `procs`
    (1 when the line had none, as Go prints no suffix for GOMAXPROCS=1).
    """

    package: str
    name: str
    procs: int = 1

    @property
    def top_level(self) -> str:
        """The Go function name: the part before the first `/`."""
        return self.name.split("/", 1)[0]

    @property
    def sub_parts(self) -> tuple[str, ...]:
        """The sub-benchmark path below the function, one element per `b.Run` level."""
        parts = self.name.split("/")
        return tuple(parts[1:])

    @property
    def display_name(self) -> str:
        """The name as `go test` prints it, with the `-procs` suffix when procs > 1."""
        return self.name if self.procs == 1 else f"{self.name}-{self.procs}"


@dataclass(frozen=True)
class Location:
    """A line in a results file (1-based), for error messages and provenance."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class SyntaxIssue:
    """A line that could not be read; the reader reports it and goes on."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Value:
    """One measurement of a result line: `1234 ns/op`."""

    value: float
    unit: str


@dataclass(frozen=True)
class Result:
    """One benchmark result line with the configuration in force where it stood."""

    key: BenchmarkKey
    iterations: int
    values: tuple[Value, ...]
    config: Mapping[str, str]
    location: Location


@dataclass(frozen=True)
class UnitMetadata:
    """A `Unit <unit> key=value ...` line (e.g. `better=higher`, `assume=exact`)."""

    unit: str
    key: str
    value: str
    location: Location


Record = Result | UnitMetadata | SyntaxIssue


def frozen_config(config: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy of a configuration mapping, safe to share between results."""
    return MappingProxyType(dict(config))


@dataclass
class BenchmarkSamples:
    """Every sample of one benchmark in one file, per unit, in file order."""

    key: BenchmarkKey
    samples: dict[str, list[float]] = field(default_factory=dict)
    iterations: list[int] = field(default_factory=list)
    config: Mapping[str, str] = field(default_factory=dict)
    first_location: Location | None = None

    @property
    def units(self) -> list[str]:
        return list(self.samples)

    def add(self, result: Result) -> None:
        if self.first_location is None:
            self.first_location = result.location
        self.config = result.config
        self.iterations.append(result.iterations)
        for v in result.values:
            self.samples.setdefault(v.unit, []).append(v.value)

    def merge_replace(self, other: BenchmarkSamples) -> None:
        """Replace these samples by `other`'s (a re-run of the same benchmark)."""
        self.samples = {u: list(vs) for u, vs in other.samples.items()}
        self.iterations = list(other.iterations)
        self.config = other.config
        self.first_location = other.first_location


@dataclass
class ResultSet:
    """The samples of one results file (or stream), keyed by benchmark, in first-seen order."""

    source: str
    benchmarks: dict[BenchmarkKey, BenchmarkSamples] = field(default_factory=dict)
    unit_metadata: dict[str, dict[str, str]] = field(default_factory=dict)
    issues: list[SyntaxIssue] = field(default_factory=list)
    #: Configuration keys seen anywhere in the file, last value wins (goos, cpu, commit, ...).
    config: dict[str, str] = field(default_factory=dict)
    #: The configuration mapping last merged into `config` (each is merged once).
    _last_config: Mapping[str, str] | None = field(default=None, repr=False, compare=False)

    def add(self, record: Record) -> None:
        if isinstance(record, Result):
            units = [v.unit for v in record.values]
            values = [v.value for v in record.values]
            loc = record.location
            self.add_sample(
                record.key, record.iterations, units, values, record.config, loc.path, loc.line
            )
        elif isinstance(record, UnitMetadata):
            self.unit_metadata.setdefault(record.unit, {})[record.key] = record.value
        else:
            self.issues.append(record)

    def add_sample(
        self,
        key: BenchmarkKey,
        iterations: int,
        units: Sequence[str],
        values: Sequence[float],
        config: Mapping[str, str],
        source: str,
        line: int,
    ) -> None:
        """One result line's values (in `units`), without a `Result` record: the reader's
        fast path. `config` is the shared read-only mapping in force at that line."""
        bench = self.benchmarks.get(key)
        if bench is None:
            bench = self.benchmarks[key] = BenchmarkSamples(key)
            bench.first_location = Location(source, line)
        bench.config = config
        bench.iterations.append(iterations)
        samples = bench.samples
        for unit, value in zip(units, values):  # noqa: B905 (same length: the reader's)
            kept = samples.get(unit)
            if kept is None:
                samples[unit] = [value]
            else:
                kept.append(value)
        if config is not self._last_config:
            self.config.update(config)
            self._last_config = config

    def __len__(self) -> int:
        return len(self.benchmarks)

    def __iter__(self) -> Iterator[BenchmarkSamples]:
        return iter(self.benchmarks.values())
