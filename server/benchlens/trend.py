"""Trends from history: the median of each archived run, oldest first, as a sparkline.

`benchmark_results/history/` holds one results file per saved baseline, named
`<UTC timestamp>-<commit>.txt`, so the name order is the time order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchlens import stats
from benchlens.results.model import BenchmarkKey, ResultSet
from benchlens.results.reader import ResultsFileError, load_results

if TYPE_CHECKING:
    from benchlens.compare import BenchmarkComparison, MetricDelta

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """`▁▂▅█`: each value scaled between the smallest and the largest."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[3] * len(values)
    top = len(SPARK) - 1
    return "".join(SPARK[round((v - lo) / (hi - lo) * top)] for v in values)


@dataclass
class History:
    """The archived result sets of a workspace, loaded once and reused per hover."""

    runs: list[tuple[str, ResultSet]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> History:
        """Every readable `*.txt` under `directory`, oldest first; unreadable ones are skipped."""
        runs: list[tuple[str, ResultSet]] = []
        if directory.is_dir():
            for path in sorted(directory.glob("*.txt")):
                try:
                    runs.append((path.stem, load_results(path)))
                except ResultsFileError:
                    continue
        return cls(runs)

    def medians(self, key: BenchmarkKey, unit: str) -> list[float]:
        """The median of `unit` for `key` in each archived run that has it."""
        out: list[float] = []
        for _, results in self.runs:
            bench = results.benchmarks.get(key)
            if bench is None:
                bench = next(
                    (
                        b
                        for k, b in results.benchmarks.items()
                        if (k.package, k.name) == (key.package, key.name)
                    ),
                    None,
                )
            if bench is not None and bench.samples.get(unit):
                out.append(stats.median(bench.samples[unit]))
        return out

    def __len__(self) -> int:
        return len(self.runs)


def trend_values(history: History, bench: BenchmarkComparison, m: MetricDelta) -> list[float]:
    """The metric's median in each archived run, oldest first, then the current one."""
    values = history.medians(bench.baseline_key or bench.key, m.unit)
    if m.current is not None:
        values.append(m.current.center)
    return values
