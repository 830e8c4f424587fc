"""What an A/B run leaves behind, the same for the command line and the editor.

- both sides complete: `ab/base.txt` and `ab/head.txt` are replaced atomically (each
  result with its side's `commit:`), then read back and compared as `compare` does;
- a package failed on either side: the two files are one pair, so the previous pair
  is left as it was, and what did complete goes to `ab/<side>.partial.txt`;
- nothing ran, or the run was cancelled: nothing is written — except for a CI shard
  that got no package (more shards than packages): two empty files, not an error.

The saved baseline and the current results are never touched, except by `save_ab`
(`ab --save`): the base side becomes the baseline (archived in history, with its
commit and ref) and the head side the current results, so the editor shows this
comparison.
"""

from __future__ import annotations

import enum
import io
from dataclasses import dataclass
from pathlib import Path

from benchlens.compare import Comparison, compare
from benchlens.config import Config, relative
from benchlens.history import (
    SavedBaseline,
    atomic_write_text,
    save_baseline_text,
    write_results_atomic,
)
from benchlens.results.reader import load_results
from benchlens.results.writer import write_results
from benchlens.runner.ab import ABOutcome, ab_paths
from benchlens.runner.store import describe, nothing_ran, partial_path
from benchlens.worktree import ResolvedRef


class ABVerdict(enum.Enum):
    CANCELLED = "cancelled"
    FAILED = "failed"
    NOTHING_RAN = "nothing ran"
    EMPTY_SHARD = "empty shard"
    COMPARED = "compared"


@dataclass(frozen=True)
class StoredAB:
    """An A/B run's outcome, what was written, and (compared) the comparison."""

    verdict: ABVerdict
    outcome: ABOutcome
    paths: tuple[Path, Path]
    written: tuple[Path, ...] = ()
    comparison: Comparison | None = None

    def message(self, config: Config) -> str:
        if self.verdict is ABVerdict.CANCELLED:
            return "ab cancelled; nothing written"
        if self.verdict is ABVerdict.NOTHING_RAN:
            return nothing_ran("the --bench/--name pattern")
        base, head = self.paths
        if self.verdict is ABVerdict.EMPTY_SHARD:
            return f"wrote {relative(config, base)} and {relative(config, head)} (empty)"
        if self.verdict is ABVerdict.FAILED:
            failures = self.outcome.failures
            names = ", ".join(sorted({f"{f.package} ({f.side})" for f in failures}))
            where = ", ".join(relative(config, p) for p in self.written)
            done = f"; completed results in {where}" if where else ""
            return f"{len(failures)} failure(s): {names}; nothing compared{done}"
        return (
            f"wrote {relative(config, base)} ({describe(self.outcome.base.results)}) and "
            f"{relative(config, head)} ({describe(self.outcome.head.results)}) "
            f"in {self.outcome.elapsed:.1f}s"
        )


def store_ab(outcome: ABOutcome, config: Config, *, shard: bool = False) -> StoredAB:
    """Write what the module doc says, and compare when both sides completed (`shard`:
    the run was one CI shard). Raises ResultsFileError if a file just written cannot be
    read back (a full disk)."""
    paths = ab_paths(config)
    if outcome.cancelled:
        return StoredAB(ABVerdict.CANCELLED, outcome, paths)
    sides = [side for _, side in outcome.sides()]
    if outcome.failures:
        written = []
        for side, path in zip(sides, paths, strict=True):
            if side.results.benchmarks:
                write_results_atomic(partial_path(path), side.results)
                written.append(partial_path(path))
        return StoredAB(ABVerdict.FAILED, outcome, paths, tuple(written))
    if not any(side.results.benchmarks for side in sides):
        if shard and not any(side.packages for side in sides):
            for path in paths:
                atomic_write_text(path, "")
            return StoredAB(ABVerdict.EMPTY_SHARD, outcome, paths, paths)
        return StoredAB(ABVerdict.NOTHING_RAN, outcome, paths)
    for side, path in zip(sides, paths, strict=True):
        write_results_atomic(path, side.results)
    base, head = (load_results(path) for path in paths)
    return StoredAB(ABVerdict.COMPARED, outcome, paths, paths, compare(base, head, config))


def save_ab(stored: StoredAB, config: Config, base: ResolvedRef) -> SavedBaseline:
    """`ab --save`: the base side becomes the baseline (archived in history), the head
    side the current results. Only for a compared run."""
    if stored.verdict is not ABVerdict.COMPARED:
        raise ValueError(f"nothing to save: the A/B run {stored.verdict.value}")
    text = io.StringIO()
    write_results(stored.outcome.base.results, text)
    saved = save_baseline_text(
        text.getvalue(), config.baseline, config.history, commit=base.commit, ref=base.ref
    )
    write_results_atomic(config.current, stored.outcome.head.results)
    return saved
