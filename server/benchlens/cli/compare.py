"""`benchlens compare BASE CUR`: the comparison table of two results files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchlens.cli.base import without_cycle_collection
from benchlens.cli.common import (
    InputError,
    comparison_problem,
    load_both_or_fail,
    load_config_reporting,
    warn,
)

if TYPE_CHECKING:
    from benchlens.compare import Comparison

FORMATS = ("text", "markdown", "json", "html")


def register(sub: Any) -> None:
    p = sub.add_parser("compare", help="compare two results files", description=__doc__)
    p.add_argument(
        "baseline", type=Path, help="baseline results (Go benchmark format or go test -json)"
    )
    p.add_argument("current", type=Path, help="current results")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument(
        "--fail-on-regression", action="store_true", help="exit 1 when a benchmark regressed"
    )
    p.add_argument(
        "--only",
        choices=("changed",),
        help="leave the unchanged benchmarks out of the text and markdown tables",
    )
    p.add_argument(
        "--filter",
        metavar="EXPR",
        help="the benchmarks to compare, in benchstat's -filter syntax (.name:X, /size:64, "
        "pkg:P, key:/regexp/, AND, OR, -x) or a glob on the name ('Encode/*')",
    )
    p.add_argument(
        "-C", "--dir", type=Path, default=Path("."), help="workspace whose .benchlens.toml applies"
    )
    p.set_defaults(func=run, exit_fast=True)


def render(
    comparison: Comparison,
    fmt: str,
    history_dir: Path | None = None,
    only_changed: bool = False,
) -> str:
    """`comparison` in `fmt`; html adds trends from `history_dir` (the workspace's).

    Each format's module is imported when asked for: the HTML one brings jinja2, which
    a terminal table of thousands of rows should not wait for, and the JSON of a CI
    job needs neither the text nor the markdown table."""
    if fmt == "markdown":
        from benchlens.views.markdown import render_markdown

        return render_markdown(comparison, only_changed=only_changed)
    if fmt == "json":
        from benchlens.views.json_view import render_json

        return render_json(comparison)
    if fmt == "html":
        from benchlens.trend import History
        from benchlens.views.html import render_html

        history = History.load(history_dir) if history_dir is not None else None
        return render_html(comparison, history=history)
    from benchlens.views.text import render_text, use_color

    return render_text(comparison, color=use_color(sys.stdout), only_changed=only_changed)


def run(args: argparse.Namespace) -> int:
    with without_cycle_collection():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    try:
        baseline, current = load_both_or_fail(args.baseline, args.current)
    except InputError as exc:
        warn(str(exc))
        return 2
    if not current.benchmarks and not baseline.benchmarks:
        warn(f"no benchmark results in {args.baseline} or {args.current}")
        return 2
    keep = None
    if args.filter is not None:
        from benchlens.filter import FilterError, parse_filter  # only when asked for

        try:
            keep = parse_filter(args.filter)
        except FilterError as exc:
            warn(f"--filter {args.filter!r}: {exc}")
            return 2
    from benchlens.compare import compare  # imported while the child reads (common.NEXT_MODULES)

    comparison = compare(baseline, current, config)
    if keep is not None:
        comparison = comparison.filtered(keep)
        if not comparison.benchmarks:
            warn(f"no benchmark matches --filter {args.filter!r}")
            return 2
    problem = comparison_problem(comparison)
    if problem:
        warn(problem)
        return 2
    sys.stdout.write(
        render(comparison, args.format, config.history, only_changed=args.only == "changed")
    )
    if args.fail_on_regression and comparison.regressions:
        return 1
    return 0
