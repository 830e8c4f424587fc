"""`benchlens check [PATH]`: what the editor would show, one line per finding at its source line."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

from benchlens import forked
from benchlens.cli.base import without_cycle_collection
from benchlens.cli.common import (
    InputError,
    comparison_problem,
    load_config_reporting,
    load_workspace_comparison,
    warn,
)
from benchlens.compare import Status
from benchlens.goindex import WorkspaceIndex
from benchlens.views.check import display_path, github_line, text_line
from benchlens.views.facts import SAVE_BASELINE_HINT, summary_line
from benchlens.views.findings import findings, place


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="findings at their benchmark lines", description=__doc__)
    p.add_argument("path", nargs="?", type=Path, default=Path("."), help="workspace (default .)")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.add_argument("--fail-on-regression", action="store_true", help="exit 1 on a regression")
    p.set_defaults(func=run, exit_fast=True)


def annotation_base() -> Path:
    """What GitHub annotation paths are relative to: the repository's top in a workflow
    (`GITHUB_WORKSPACE`), although the step may run in a module's subdirectory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and Path(workspace).is_dir():
        return Path(workspace).resolve()
    return Path.cwd()


def run(args: argparse.Namespace) -> int:
    with without_cycle_collection():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    root = args.path.resolve()
    if not root.is_dir():
        warn(f"{args.path}: not a directory")
        return 2
    config = load_config_reporting(root)  # walks up to the module root, as git and go do
    root = config.root
    # The source index is built by a child process while this one reads and compares.
    pending_index = forked.start(partial(WorkspaceIndex.built, [root]))
    try:
        comparison = load_workspace_comparison(config)
    except InputError as exc:
        pending_index.cancel()
        warn(f"{exc} (run `benchlens run` first)")
        return 2
    if not comparison.has_baseline:
        warn(SAVE_BASELINE_HINT)
    problem = comparison_problem(comparison)
    if problem:
        pending_index.cancel()
        warn(problem)
        return 2
    index = pending_index.result()
    base = annotation_base() if args.format == "github" else Path.cwd()
    render = github_line if args.format == "github" else text_line
    fallback = display_path(config.current, base)
    found = findings(place(comparison, index), config)
    found.sort(key=lambda f: (str(f.path or ""), f.range.start_line if f.range else -1))
    for finding in found:
        print(render(finding, base, fallback))
    print(summary_line(comparison), file=sys.stderr)
    regressed = any(b.status is Status.REGRESSION for b in comparison.benchmarks)
    return 1 if args.fail_on_regression and regressed else 0
