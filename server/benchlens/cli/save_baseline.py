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

from benchlens.cli.common import load_config_reporting, warn
from benchlens.runner.store import BaselineError, save_baseline


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
        saved = save_baseline(config, source, note=args.note)
    except BaselineError as exc:
        warn(f"{exc}; run `benchlens run` first" if exc.missing else str(exc))
        return 2
    for issue in saved.results.issues:
        warn(f"{issue} (line skipped)")
    for line in saved.lines(config):
        print(line)
    return 0
