"""Where each benchmark's result belongs in the source, and what the editor says there.

`place()` resolves every compared benchmark to its function or `b.Run` line
through the Go source index; `findings()` keeps those whose status has a
severity. The language server's diagnostics and `benchlens check` are both
renderings of these findings, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from benchlens.compare import BenchmarkComparison, Comparison, Status
from benchlens.config import Config
from benchlens.goindex import Resolution, SourceRange, WorkspaceIndex
from benchlens.views.facts import benchmark_message


@dataclass(frozen=True)
class Placement:
    """One compared benchmark and where the index put it (maybe nowhere, with a reason)."""

    bench: BenchmarkComparison
    resolution: Resolution

    @property
    def path(self) -> Path | None:
        return self.resolution.path

    @property
    def range(self) -> SourceRange | None:
        return self.resolution.range


@dataclass(frozen=True)
class Finding:
    """A benchmark whose status deserves a message at its line."""

    bench: BenchmarkComparison
    severity: str  # error | warning | information | hint
    message: str
    path: Path | None
    range: SourceRange | None
    precise: bool

    @property
    def status(self) -> Status:
        return self.bench.status


def place(comparison: Comparison, index: WorkspaceIndex) -> list[Placement]:
    """Every benchmark of the comparison with its resolution, in comparison order."""
    keys = [(b.key.package, b.key.name) for b in comparison.benchmarks]
    resolutions = index.resolve_all(keys)
    return [Placement(b, resolutions[(b.key.package, b.key.name)]) for b in comparison.benchmarks]


def placement_message(placement: Placement) -> str:
    """The benchmark's message, saying so when it sits on a parent rather than its own line."""
    message = benchmark_message(placement.bench)
    res = placement.resolution
    if res.resolved and not res.precise:
        # The line it is shown on: the deepest b.Run that matched, else the function.
        if res.run_site is not None:
            shown_on = res.run_site.display_name
        else:
            shown_on = res.function.name if res.function else "its parent"
        message += (
            f" (shown on {shown_on}: {res.reason})" if res.reason else f" (shown on {shown_on})"
        )
    elif not res.resolved:
        message += f" (not found in the source: {res.reason})"
    return message


def findings(placements: Iterable[Placement], config: Config) -> list[Finding]:
    """The placements whose status has a severity other than `off`, with their messages."""
    out: list[Finding] = []
    for placement in placements:
        severity = config.severity.get(placement.bench.status.value, "off")
        if severity == "off":
            continue
        res = placement.resolution
        out.append(
            Finding(
                bench=placement.bench,
                severity=severity,
                message=placement_message(placement),
                path=res.path if res.resolved else None,
                range=res.range if res.resolved else None,
                precise=res.precise,
            )
        )
    return out
