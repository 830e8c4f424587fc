"""Storing the results of a finished run, and saving a baseline, the same way for every
front end (the command line and the language server word the outcome their own way).

A run's outcome, in the order it is decided (`store_run`):
- cancelled: nothing is written;
- a package failed to build or a benchmark failed: the results file is left
  untouched and the benchmarks that did complete are written to
  `<results>.partial.txt`, so a broken package never wipes good results;
- nothing ran (no benchmark matched): nothing is written;
- success: the results file is replaced atomically; with `merge`, only the
  benchmarks that ran are replaced and the others kept.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from benchlens.config import Config, OutsideWorkspace, check_writable, relative
from benchlens.history import (
    SavedBaseline,
    git_commit,
    merge_into_file,
    save_baseline_text,
    write_results_atomic,
)
from benchlens.results.model import ResultSet
from benchlens.results.reader import ResultsFileError, load_results
from benchlens.runner.events import RunOutcome


class StoreError(Exception):
    """The results could not be stored (an existing file to merge into is unreadable)."""


def partial_path(path: Path) -> Path:
    """Where a failed run's completed results go: `current.txt` → `current.partial.txt`."""
    return path.with_name(f"{path.stem}.partial{path.suffix or '.txt'}")


def store_outcome(
    outcome: RunOutcome, path: Path, *, merge: bool, header: Mapping[str, str] | None = None
) -> Path | None:
    """Write the results of a finished (not cancelled) run as the module doc says.
    Returns the file written, or None; raises StoreError when `path` cannot be merged into."""
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


class RunVerdict(enum.Enum):
    """What became of a run, in the order `judge` decides it."""

    CANCELLED = "cancelled"
    FAILED = "failed"
    NOTHING_RAN = "nothing ran"
    STORED = "stored"


@dataclass(frozen=True)
class StoredRun:
    """A finished run and what was written for it."""

    verdict: RunVerdict
    outcome: RunOutcome
    #: The results file the run was meant to update.
    target: Path
    #: What was written: `target`, its partial file, or nothing.
    written: Path | None = None

    def failure_summary(self) -> str:
        """`2 failure(s): example.com/a, example.com/b`."""
        names = ", ".join(sorted({f.package for f in self.outcome.failures}))
        return f"{len(self.outcome.failures)} failure(s): {names}"

    def where(self, config: Config) -> str:
        """For a failed run: what was kept and where the completed results went."""
        name = relative(config, self.target)
        kept = f"{name} left unchanged" if self.target.exists() else f"{name} not written"
        if self.written is None:
            return kept
        return f"{kept}; completed results in {relative(config, self.written)}"

    def message(self, config: Config) -> str:
        """One line saying what happened, paths relative to the workspace."""
        if self.verdict is RunVerdict.CANCELLED:
            return "run cancelled; results not written"
        if self.verdict is RunVerdict.FAILED:
            return f"{self.failure_summary()}; {self.where(config)}"
        if self.verdict is RunVerdict.NOTHING_RAN:
            return nothing_ran("the benchmark pattern")
        assert self.written is not None
        results = self.outcome.results
        return (
            f"wrote {relative(config, self.written)} ({describe(results)}) "
            f"in {self.outcome.elapsed:.1f}s"
        )


def nothing_ran(pattern: str) -> str:
    """Why a run found no results. A benchmark that calls `b.Skip` (a missing data file)
    prints nothing unless the test binary runs with -v, so say how to see it."""
    return (
        f"no benchmarks ran: check the packages and {pattern}, or they skipped themselves "
        "(b.Skip, silent without -v: `go test -run '^$' -bench PATTERN -v PKG` shows why)"
    )


def judge(outcome: RunOutcome, target: Path, written: Path | None = None) -> StoredRun:
    """The verdict on a run whose results were (or were not) written to `written`."""
    if outcome.cancelled:
        return StoredRun(RunVerdict.CANCELLED, outcome, target)
    if outcome.failures:
        return StoredRun(RunVerdict.FAILED, outcome, target, written)
    if written is None:
        return StoredRun(RunVerdict.NOTHING_RAN, outcome, target)
    return StoredRun(RunVerdict.STORED, outcome, target, written)


def store_run(
    outcome: RunOutcome, target: Path, *, merge: bool, header: Mapping[str, str] | None = None
) -> StoredRun:
    """Store a finished run's results (nothing when cancelled) and judge it.
    Raises StoreError when `target` cannot be merged into."""
    if outcome.cancelled:
        return judge(outcome, target)
    written = store_outcome(outcome, target, merge=merge, header=header)
    return judge(outcome, target, written)


# --- the baseline ------------------------------------------------------------------------


class BaselineError(Exception):
    """The current results cannot become the baseline; `missing` when there are none yet."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class BaselineSaved:
    saved: SavedBaseline
    results: ResultSet

    def lines(self, config: Config) -> tuple[str, str]:
        """`saved ... (N benchmarks, M samples, commit abc1234)` and where it is archived."""
        commit = self.saved.commit
        modified = " (modified)" if commit and commit.endswith("(modified)") else ""
        at = f"commit {commit[:7]}{modified}" if commit else "no git commit"
        archived = relative(config, self.saved.archived)
        return (
            f"saved {relative(config, self.saved.baseline)} ({describe(self.results)}, {at})",
            f"the same results are archived as {archived} already: no new history entry"
            if self.saved.duplicate
            else f"archived as {archived}",
        )


def save_baseline(
    config: Config, source: Path | None = None, *, note: str | None = None, use_git: bool = True
) -> BaselineSaved:
    """The current results (or `source`) become the baseline, archived in history.

    `use_git=False` records no commit: git reads the repository's own config (hooks,
    fsmonitor), which an untrusted workspace must not get to run. Raises BaselineError.
    """
    source = source or config.current
    name = relative(config, source)
    if not source.exists():
        raise BaselineError(f"{name}: no such results file", missing=True)
    if source.is_dir():
        raise BaselineError(f"{name}: is a directory, not a results file", missing=True)
    try:
        results = load_results(source)
        text = source.read_text(encoding="utf-8", errors="replace")
    except ResultsFileError as exc:
        raise BaselineError(str(exc), missing=True) from exc
    except OSError as exc:
        raise BaselineError(f"{name}: {exc.strerror or exc}", missing=True) from exc
    if not results.benchmarks:
        raise BaselineError(f"{name}: no benchmark results to save")
    try:
        check_writable(config, config.baseline, config.history)
    except OutsideWorkspace as exc:
        raise BaselineError(str(exc)) from exc
    commit = git_commit(config.root) if use_git else None
    saved = save_baseline_text(text, config.baseline, config.history, commit=commit, note=note)
    return BaselineSaved(saved, results)


def describe(results: ResultSet) -> str:
    """`3 benchmarks, 18 samples`."""
    n = len(results)
    samples = sum(len(b.iterations) for b in results)
    return f"{n} benchmark{'s' if n != 1 else ''}, {samples} sample{'s' if samples != 1 else ''}"
