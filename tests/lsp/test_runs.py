"""Progress of a run as the editor shows it: the benchmark running, elapsed and ETA."""

from __future__ import annotations

from benchlens.lsp.runs import Reporter
from benchlens.runner import BenchmarkStarted, RunProgress


class Recorded:
    """Stands in for a progress bar: what would be reported."""

    def __init__(self) -> None:
        self.reports: list[tuple[str | None, int | None]] = []

    def report(self, message: str | None, percentage: int | None = None) -> None:
        self.reports.append((message, percentage))


def test_the_benchmark_running_with_elapsed_and_eta() -> None:
    bar = Recorded()
    now = [100.0]
    reporter = Reporter(bar, clock=lambda: now[0])  # type: ignore[arg-type]
    reporter(BenchmarkStarted(package="example.com/m", name="BenchmarkA", procs=2, run=1))
    assert bar.reports[-1] == ("run 1: BenchmarkA", None)  # no estimate yet
    reporter(RunProgress(elapsed=12.0, remaining=65.0, fraction=0.25, samples=3, at=100.0))
    assert bar.reports[-1] == (None, 25)  # the percentage moves, the message stays
    now[0] = 105.0  # five seconds later, the next benchmark
    reporter(BenchmarkStarted(package="example.com/m", name="BenchmarkB", procs=2, run=1))
    assert bar.reports[-1] == ("run 1: BenchmarkB (17s, ETA 1m00s)", 25)
    reporter(RunProgress(elapsed=20.0, remaining=None, fraction=0.5, samples=4, at=105.0))
    reporter(BenchmarkStarted(package="example.com/m", name="BenchmarkC", procs=2, run=2))
    assert bar.reports[-1] == ("run 2: BenchmarkC (20s)", 50)
