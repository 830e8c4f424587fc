"""The comparison table as benchstat users read it, shared by the text, markdown and HTML views.

Benchmarks are grouped under their package (the full import path, so
`github.com/cespare/xxhash/v2` heads its table instead of a `v2.` prefix on
every row); within a package the changed benchmarks come first (regressions,
improvements, missing, new) and the unchanged ones after, where a view can
fold or drop them; each package ends with a geomean row per metric. Every value
carries benchstat's `± spread`; every row carries its footnotes (the statistics'
warnings) as text, which each view numbers in the order it prints them.

Names are made `visible` here (control characters escaped), once for all views;
each view adds its own escaping (markdown code spans, HTML autoescape).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from benchlens.compare import BenchmarkComparison, Comparison, MetricDelta, Status
from benchlens.units import format_change, format_value
from benchlens.views.escape import visible
from benchlens.views.facts import metric_notes, p_text, short_name, with_spread

GEOMEAN = "geomean"
GEOMEAN_NOT_POSITIVE = "summaries must be >0 to compute geomean"

_ORDER = {s: i for i, s in enumerate(Status)}


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True, slots=True)
class Row:
    """One line of a table: a metric of a benchmark, or a geomean (status None)."""

    unit: str
    baseline: str
    current: str
    change: str
    p: str
    status: Status | None
    notes: tuple[str, ...]
    low_confidence: bool = False


# A value, unfrozen for speed only: tests/unit/test_value_classes.py says why and guards it.
@dataclass(unsafe_hash=True, slots=True)
class BenchmarkRows:
    """One benchmark: its name (without package) spans its metric rows."""

    name: str
    status: Status
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class PackageTable:
    """The benchmarks of one package: changed first, then unchanged, then geomeans.

    The rows are formatted when a view first asks for them: the PR comment stops at
    GitHub's size limit, and the benchmarks it leaves out are only counted."""

    package: str
    changed_benchmarks: tuple[BenchmarkComparison, ...]
    unchanged_benchmarks: tuple[BenchmarkComparison, ...]
    #: Every benchmark of the package (the unchanged too, when a view leaves them out).
    benchmarks: tuple[BenchmarkComparison, ...]
    alpha: float
    #: Rows already formatted, by the id of their metric (shared by the tables of one
    #: comparison, which keep the metrics alive): a comparison shares one MetricDelta
    #: among the metrics with the same samples (0 allocs/op on both sides, everywhere).
    formatted: dict[int, Row] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def changed(self) -> tuple[BenchmarkRows, ...]:
        return tuple(benchmark_rows(b, self.alpha, self.formatted) for b in self.changed_benchmarks)

    @functools.cached_property
    def unchanged(self) -> tuple[BenchmarkRows, ...]:
        return tuple(
            benchmark_rows(b, self.alpha, self.formatted) for b in self.unchanged_benchmarks
        )

    @functools.cached_property
    def geomeans(self) -> tuple[Row, ...]:
        return geomean_rows(self.benchmarks)

    @property
    def status(self) -> Status:
        changed = self.changed_benchmarks
        return changed[0].status if changed else Status.OK


def metric_row(m: MetricDelta, alpha: float) -> Row:
    notes = (
        tuple(visible(n) for n in metric_notes(m, alpha)) if m.warnings or m.low_confidence else ()
    )
    return Row(
        visible(m.unit),
        visible(with_spread(m.baseline, m.unit)),
        visible(with_spread(m.current, m.unit)),
        format_change(m.change_pct) if m.change_pct is not None else "—",
        p_text(m),
        m.status,
        notes,
        m.low_confidence,
    )


def benchmark_rows(
    bench: BenchmarkComparison, alpha: float, formatted: dict[int, Row] | None = None
) -> BenchmarkRows:
    """The rows of one benchmark; `formatted` (rows by the id of their metric, the
    metrics kept alive by its owner) formats a metric shared by benchmarks once."""
    if formatted is None:
        rows = tuple(metric_row(m, alpha) for m in bench.metrics)
    else:
        found = []
        for m in bench.metrics:
            row = formatted.get(id(m))
            if row is None:
                row = formatted[id(m)] = metric_row(m, alpha)
            found.append(row)
        rows = tuple(found)
    return BenchmarkRows(name=visible(short_name(bench)), status=bench.status, rows=rows)


def geomean(values: Sequence[float]) -> float | None:
    """The geometric mean, or None unless every value is > 0 (benchstat's rule)."""
    if not values or any(not v > 0 or not math.isfinite(v) for v in values):
        return None
    return math.exp(math.fsum(math.log(v) for v in values) / len(values))


def geomean_rows(benches: Iterable[BenchmarkComparison]) -> tuple[Row, ...]:
    """A geomean of the medians per unit over the package's benchmarks that have it on
    both sides; a unit needs two such benchmarks (one is its own geomean)."""
    paired = [b for b in benches if b.paired]
    if len(paired) < 2:
        return ()
    per_unit: dict[str, tuple[list[float], list[float]]] = {}
    for bench in paired:
        for m in bench.metrics:
            if m.baseline is not None and m.current is not None:
                base, cur = per_unit.setdefault(m.unit, ([], []))
                base.append(m.baseline.center)
                cur.append(m.current.center)
    rows = []
    for unit, (base, cur) in per_unit.items():
        if len(base) < 2:
            continue
        g_base, g_cur = geomean(base), geomean(cur)
        if g_base is None or g_cur is None:
            rows.append(Row(visible(unit), "—", "—", "—", "", None, (GEOMEAN_NOT_POSITIVE,)))
            continue
        rows.append(
            Row(
                unit=visible(unit),
                baseline=visible(format_value(g_base, unit)),
                current=visible(format_value(g_cur, unit)),
                change=format_change((g_cur / g_base - 1) * 100),
                p="",
                status=None,
                notes=(),
            )
        )
    return tuple(rows)


def package_tables(comparison: Comparison, *, only_changed: bool = False) -> list[PackageTable]:
    """The comparison grouped by package: packages with regressions first, then
    improvements..., otherwise in the order the results list them."""
    by_package: dict[str, list[BenchmarkComparison]] = {}
    for bench in comparison.benchmarks:
        by_package.setdefault(bench.package, []).append(bench)
    tables = []
    formatted: dict[int, Row] = {}  # shared: the tables keep every metric alive
    for package, benches in by_package.items():
        changed = sorted((b for b in benches if b.status is not Status.OK), key=_status_order)
        if only_changed and not changed:
            continue
        unchanged = [] if only_changed else [b for b in benches if b.status is Status.OK]
        tables.append(
            PackageTable(
                package=visible(package),
                changed_benchmarks=tuple(changed),
                unchanged_benchmarks=tuple(unchanged),
                benchmarks=tuple(benches),
                alpha=comparison.alpha,
                formatted=formatted,
            )
        )
    tables.sort(key=lambda t: _ORDER[t.status])
    return tables


def _status_order(bench: BenchmarkComparison) -> int:
    return _ORDER[bench.status]


class Footnotes:
    """Footnote numbers in the order a view prints them; each text is numbered once."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def refs(self, notes: Iterable[str]) -> list[int]:
        out = []
        for note in notes:
            number = self._numbers.get(note)
            if number is None:
                number = self._numbers[note] = len(self._numbers) + 1
            out.append(number)
        return sorted(set(out))

    def checkpoint(self) -> dict[str, int]:
        return dict(self._numbers)

    def rollback(self, checkpoint: dict[str, int]) -> None:
        """Forget the notes numbered since `checkpoint` (their rows were left out)."""
        self._numbers = dict(checkpoint)

    def items(self) -> list[tuple[int, str]]:
        return [(n, text) for text, n in self._numbers.items()]

    def __bool__(self) -> bool:
        return bool(self._numbers)


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    """`12` → `¹²`, as benchstat marks its footnotes."""
    return str(number).translate(_SUPERSCRIPT)


def marks(numbers: Iterable[int]) -> str:
    """Footnote marks for a cell: `¹ ³`."""
    return _marks(tuple(numbers))


@functools.lru_cache(maxsize=1024)
def _marks(numbers: tuple[int, ...]) -> str:
    return " ".join(superscript(n) for n in numbers)
