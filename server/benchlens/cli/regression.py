"""`benchlens regression`: run, compare with the baseline, write the report, fail on regression.

Exit 0 when nothing regressed (or there is no baseline yet: the output says how
to save one), 1 on a regression or a failed run, 2 on bad input. The markdown
report (config `report`, default `benchmark_results/regression_report.md`) is
written atomically; the table is printed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from benchlens.cli.common import (
    InputError,
    comparison_problem,
    load_config_reporting,
    load_workspace_comparison,
    warn,
)
from benchlens.cli.run import add_run_options, run_and_store
from benchlens.config import check_writable, relative
from benchlens.explain.saved import saved_explanations
from benchlens.history import atomic_write_text
from benchlens.views.explain import why_section
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text, use_color


def register(sub: Any) -> None:
    p = sub.add_parser(
        "regression",
        help="run, compare with the baseline, write the report; exit 1 on regression",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_run_options(p, packages=False)
    p.add_argument(
        "--no-run", action="store_true", help="compare the existing current results, run nothing"
    )
    p.add_argument("--merge", action="store_true", help="merge this run into the current results")
    p.set_defaults(func=regression_command)


def regression_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    check_writable(config, config.report, *(() if args.no_run else (config.current,)))
    if not args.no_run:
        code, _ = run_and_store(args, config, config.current, merge=args.merge)
        if code != 0:
            return code
    try:
        comparison = load_workspace_comparison(config)
    except InputError as exc:
        warn(f"{exc}; run `benchlens run` first (or drop --no-run)")
        return 2
    problem = comparison_problem(comparison)
    if problem:
        warn(problem)
        return 2
    why = saved_explanations(config, comparison)
    for problem in why.problems:
        warn(f'{problem} (its "why" is left out of the report)')
    atomic_write_text(config.report, render_markdown(comparison) + why_section(why.explanations))
    sys.stdout.write(render_text(comparison, color=use_color(sys.stdout)))
    print(f"report: {relative(config, config.report)}")
    if not comparison.has_baseline:
        print(
            f"no baseline yet ({relative(config, config.baseline)}): "
            "save these results as the baseline with `benchlens save-baseline`"
        )
        return 0
    regressions = comparison.regressions
    if regressions:
        n = len(regressions)
        warn(f"{n} benchmark{'s' if n != 1 else ''} regressed")
        return 1
    return 0
