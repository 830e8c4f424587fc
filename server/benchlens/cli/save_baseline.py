"""`benchlens save-baseline`: the current results become the baseline.

The baseline is replaced atomically and starts with `commit:` and `date:`
configuration lines (the commit of HEAD in the workspace; `unknown` without git).
A copy goes to the history directory as `<UTC timestamp>-<short commit>.txt`,
never overwriting an earlier one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from benchlens.cli.common import InputError, load_config_reporting, load_results_or_fail, warn
from benchlens.config import relative
from benchlens.history import git_commit, save_baseline_text
from benchlens.runner.store import describe


def register(sub: Any) -> None:
    p = sub.add_parser(
        "save-baseline",
        help="save the current results as the baseline (and archive them in history)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace root (default: .)")
    p.add_argument(
        "--from", dest="source", type=Path, help="results to save (default: config current)"
    )
    p.add_argument("--note", help="a note recorded as a `note:` line")
    p.set_defaults(func=save_baseline_command)


def save_baseline_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    source = args.source.resolve() if args.source else config.current
    try:
        results = load_results_or_fail(source)
    except InputError as exc:
        warn(f"{exc}; run `benchlens run` first")
        return 2
    if not results.benchmarks:
        warn(f"{relative(config, source)}: no benchmark results to save")
        return 2
    text = source.read_text(encoding="utf-8", errors="replace")
    commit = git_commit(config.root)
    saved = save_baseline_text(text, config.baseline, config.history, commit=commit, note=args.note)
    at = f"commit {commit[:7]}" if commit else "no git commit"
    print(f"saved {relative(config, saved.baseline)} ({describe(results)}, {at})")
    print(f"archived as {relative(config, saved.archived)}")
    return 0
