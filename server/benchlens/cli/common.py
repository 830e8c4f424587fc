"""What several subcommands share: loading results and config with clear errors."""

from __future__ import annotations

import importlib
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from benchlens import forked
from benchlens.cli.base import ConfigError, InputError, strict_config, warn
from benchlens.config import Config, ConfigIssue, find_workspace_root, load_config, relative
from benchlens.results.model import ResultSet
from benchlens.results.reader import ResultsFileError, load_results

if TYPE_CHECKING:
    from benchlens.compare import Comparison

#: What every caller of `load_both_or_fail` runs next, imported while the child reads
#: (10 ms of a `compare` otherwise spent before the fork): the comparison and its facts.
NEXT_MODULES = ("benchlens.compare", "benchlens.views.facts")

__all__ = [
    "InputError",
    "load_both_or_fail",
    "load_config_reporting",
    "load_results_or_fail",
    "load_workspace_comparison",
    "report_config_issues",
    "warn",
]


#: Below this size (of the smaller file) both files are read here, one after the other:
#: a fork and the pickled copy of its answer would cost more than they save.
FORK_MIN_BYTES = 256 * 1024


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such results file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a results file")


def _read(path: Path) -> ResultSet:
    try:
        return load_results(path)
    except ResultsFileError as exc:
        raise InputError(str(exc)) from exc


def _reported(results: ResultSet) -> ResultSet:
    for issue in results.issues:
        warn(f"{issue} (line skipped)")
    return results


def load_results_or_fail(path: Path) -> ResultSet:
    """A results file, or InputError naming it; syntax issues are printed, not fatal."""
    _check_file(path)
    return _reported(_read(path))


def load_both_or_fail(first: Path, second: Path) -> tuple[ResultSet, ResultSet]:
    """Two results files, as `load_results_or_fail` reads each and in this order (errors,
    warnings). When both are large, a child process reads the second meanwhile
    (`benchlens.forked`): on two cores the pair takes about the time of one."""
    _check_file(first)
    _check_file(second)
    if min(first.stat().st_size, second.stat().st_size) < FORK_MIN_BYTES:
        return _reported(_read(first)), _reported(_read(second))
    pending = forked.start(partial(load_results, second))
    try:
        for module in NEXT_MODULES:
            importlib.import_module(module)
        first_results = _read(first)
    except BaseException:
        pending.cancel()
        raise
    try:
        second_results = pending.result()
    except ResultsFileError as exc:
        raise InputError(str(exc)) from exc
    return _reported(first_results), _reported(second_results)


def load_config_reporting(start: Path) -> Config:
    """The config of the workspace around `start` (the nearest directory upwards with
    `.benchlens.toml` or `go.mod`, as git and go find theirs); every problem is printed
    and its default used — or, with strict config, raises ConfigError (exit 2)."""
    config, issues = load_config(find_workspace_root(start))
    report_config_issues(issues)
    return config


def report_config_issues(issues: list[ConfigIssue]) -> None:
    for issue in issues:
        warn(f"{issue}")
    if issues and strict_config():
        n = len(issues)
        raise ConfigError(
            f"{n} configuration problem{'s' if n != 1 else ''}, and configuration problems "
            "are errors here (--strict-config, the default when CI is set; "
            "--no-strict-config to use the defaults instead)"
        )


def load_workspace_comparison(config: Config) -> Comparison:
    """The configured current results against the baseline (none yet: all new).

    Raises InputError when the current results are missing or unreadable, or a
    baseline exists but cannot be read.
    """
    if config.baseline.exists():
        current, baseline = load_both_or_fail(config.current, config.baseline)
    else:
        current, baseline = load_results_or_fail(config.current), None
    from benchlens.compare import compare  # see NEXT_MODULES

    comparison = compare(baseline, current, config)
    # Reports name the files as the workspace does: they are read elsewhere (a PR
    # comment, a CI artifact), where the runner's absolute paths mean nothing.
    return replace(
        comparison,
        baseline_source=relative(config, config.baseline) if comparison.has_baseline else None,
        current_source=relative(config, config.current),
    )


def comparison_problem(comparison: Comparison) -> str | None:
    """Why the comparison cannot stand as a result (exit 2: nothing in common), or None;
    a warning is printed when most of the baseline is missing."""
    from benchlens.views.facts import coverage_warning, overlap_problem  # see NEXT_MODULES

    problem = overlap_problem(comparison)
    if problem:
        return f"{problem}: are these the right files?"
    warning = coverage_warning(comparison)
    if warning:
        warn(f"warning: {warning}")
    return None
