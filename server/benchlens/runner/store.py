"""Storing the results of a finished run, the same way for every front end.

- success: the results file is replaced atomically; with `merge`, only the
  benchmarks that ran are replaced and the others kept;
- a package failed to build or a benchmark failed: the results file is left
  untouched and the benchmarks that did complete are written to
  `<results>.partial.txt`, so a broken package never wipes good results;
- nothing ran: nothing is written.

A cancelled run is not stored at all: callers check `outcome.cancelled` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from benchlens.history import merge_into_file, write_results_atomic
from benchlens.results.model import ResultSet
from benchlens.results.reader import ResultsFileError
from benchlens.runner.events import RunOutcome


class StoreError(Exception):
    """The results could not be stored (an existing file to merge into is unreadable)."""


def partial_path(path: Path) -> Path:
    """Where a failed run's completed results go: `current.txt` → `current.partial.txt`."""
    return path.with_name(f"{path.stem}.partial{path.suffix or '.txt'}")


def store_outcome(
    outcome: RunOutcome, path: Path, *, merge: bool, header: Mapping[str, str] | None = None
) -> Path | None:
    """Write the results of a finished run as the module doc says. Returns the file
    written, or None; raises StoreError when `path` cannot be merged into."""
    results = outcome.results
    if not results.benchmarks:
        return None
    if not outcome.ok:
        target = partial_path(path)
        write_results_atomic(target, results, header)
        return target
    if merge:
        try:
            merge_into_file(path, results)
        except ResultsFileError as exc:
            raise StoreError(f"cannot merge into {path}: {exc}") from exc
        return path
    write_results_atomic(path, results, header)
    return path


def describe(results: ResultSet) -> str:
    """`3 benchmarks, 18 samples`."""
    n = len(results)
    samples = sum(len(b.iterations) for b in results)
    return f"{n} benchmark{'s' if n != 1 else ''}, {samples} sample{'s' if samples != 1 else ''}"
