"""What several subcommands share: loading results and config with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

from benchlens.compare import Comparison, compare
from benchlens.config import Config, ConfigIssue, load_config
from benchlens.results.model import ResultSet
from benchlens.results.reader import ResultsFileError, load_results


class InputError(Exception):
    """Input the command cannot work with; printed as `benchlens: ...`, exit 2."""


def warn(message: str) -> None:
    print(f"benchlens: {message}", file=sys.stderr)


def load_results_or_fail(path: Path) -> ResultSet:
    """A results file, or InputError naming it; syntax issues are printed, not fatal."""
    if not path.exists():
        raise InputError(f"{path}: no such results file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a results file")
    try:
        results = load_results(path)
    except ResultsFileError as exc:
        raise InputError(str(exc)) from exc
    for issue in results.issues:
        warn(f"{issue} (line skipped)")
    return results


def load_config_reporting(root: Path) -> Config:
    """The workspace config; every problem is printed and its default used."""
    config, issues = load_config(root)
    report_config_issues(issues)
    return config


def report_config_issues(issues: list[ConfigIssue]) -> None:
    for issue in issues:
        warn(f"{issue}")


def load_workspace_comparison(config: Config) -> Comparison:
    """The configured current results against the baseline (none yet: all new).

    Raises InputError when the current results are missing or unreadable, or a
    baseline exists but cannot be read.
    """
    current = load_results_or_fail(config.current)
    baseline = load_results_or_fail(config.baseline) if config.baseline.exists() else None
    return compare(baseline, current, config)
