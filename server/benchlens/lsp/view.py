"""What a folder shows: one consistent state, swapped in whole, that every request reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchlens.compare import BenchmarkComparison, Comparison
from benchlens.config import Config
from benchlens.goindex.model import SourceRange
from benchlens.views.findings import Finding, Placement, findings


@dataclass(frozen=True)
class Placed:
    """A benchmark at a known place in the source: what lenses and hovers are made of."""

    bench: BenchmarkComparison
    path: Path
    range: SourceRange


@dataclass(frozen=True)
class View:
    """One consistent state of a folder, swapped in whole: what every request reads.

    `placed` holds every compared benchmark that maps to the source (lenses, hovers);
    `findings` those whose status has a severity (diagnostics), both by file.
    """

    comparison: Comparison | None = None
    placed: Mapping[Path, tuple[Placed, ...]] = field(default_factory=dict)
    findings: Mapping[Path, tuple[Finding, ...]] = field(default_factory=dict)
    unresolved: tuple[Placement, ...] = ()


def make_view(comparison: Comparison, placements: Sequence[Placement], config: Config) -> View:
    """Group the core's placements and findings by file."""
    placed: dict[Path, list[Placed]] = {}
    unresolved: list[Placement] = []
    for p in placements:
        if p.resolution.resolved and p.path is not None and p.range is not None:
            placed.setdefault(p.path, []).append(Placed(p.bench, p.path, p.range))
        else:
            unresolved.append(p)
    by_path: dict[Path, list[Finding]] = {}
    for finding in findings(placements, config):
        if finding.path is not None and finding.range is not None:
            by_path.setdefault(finding.path, []).append(finding)
    return View(
        comparison,
        {path: tuple(ps) for path, ps in placed.items()},
        {path: tuple(fs) for path, fs in by_path.items()},
        tuple(unresolved),
    )


def placed_on_line(view: View, path: Path, line: int) -> list[Placed]:
    """The benchmarks shown on one line of a file (several for a `b.Run` in a loop)."""
    return [p for p in view.placed.get(path, ()) if p.range.start_line == line]


def update_view(
    view: View, shown_in: set[Path], placements: Sequence[Placement], config: Config
) -> tuple[View, set[Path]]:
    """`view` with the benchmarks of `placements` placed anew (an edit moved them), the
    others as they were; those benchmarks were shown in the files `shown_in` (or not
    at all). Returns the view and the files whose findings may have changed."""
    keys = {p.bench.key for p in placements}
    assert view.comparison is not None
    part = make_view(view.comparison, placements, config)
    touched = shown_in | set(part.placed) | set(part.findings)
    placed = dict(view.placed)
    shown = dict(view.findings)
    for path in touched:
        kept = tuple(p for p in view.placed.get(path, ()) if p.bench.key not in keys)
        placed[path] = kept + part.placed.get(path, ())
        kept_findings = tuple(f for f in view.findings.get(path, ()) if f.bench.key not in keys)
        shown[path] = kept_findings + part.findings.get(path, ())
    unresolved = tuple(u for u in view.unresolved if u.bench.key not in keys) + part.unresolved
    placed = {path: ps for path, ps in placed.items() if ps}
    shown = {path: fs for path, fs in shown.items() if fs}
    return View(view.comparison, placed, shown, unresolved), touched
