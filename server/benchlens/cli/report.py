"""`benchlens report`: the self-contained HTML report of the workspace's results.

Compares the configured current results with the baseline (none yet: every
benchmark is new, and the page says how to save one), adds trends from the
history directory, and writes one HTML file — inline CSS and SVG, no script or
network reference — atomically, by default next to the results
(`benchmark_results/report.html`). Exit 0 when written, 2 on bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from benchlens.cli.common import InputError, load_config_reporting, load_workspace_comparison, warn
from benchlens.config import check_writable
from benchlens.explain.saved import saved_explanations
from benchlens.html_report import REPORT_NAME, report_path, write_html_report
from benchlens.views.facts import SAVE_BASELINE_HINT, summary_line


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write a self-contained HTML report: tables, a chart of changes, trends",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help=f"where to write the report (default: {REPORT_NAME} next to the current results)",
    )
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="the workspace (default: .)")
    p.set_defaults(func=report_command)


def report_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    try:
        comparison = load_workspace_comparison(config)
    except InputError as exc:
        warn(f"{exc}; run `benchlens run` first")
        return 2
    output: Path = args.output if args.output is not None else report_path(config)
    if args.output is None:
        check_writable(config, output)
    if output.is_dir():
        warn(f"{output}: is a directory; give the report's file name with -o")
        return 2
    why = saved_explanations(config, comparison)
    for problem in why.problems:
        warn(f'{problem} (its "why" is left out of the report)')
    try:
        write_html_report(comparison, config, output=output, why=why.explanations)
    except OSError as exc:
        warn(f"{output}: cannot write the report: {exc.strerror or exc}")
        return 2
    print(summary_line(comparison))
    if not comparison.has_baseline:
        print(SAVE_BASELINE_HINT)
    print(f"report: {output.resolve()}")
    return 0
