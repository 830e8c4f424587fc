"""`benchlens ab [--ref REF]`: the working tree against another commit, runs alternated.

Builds the test binaries of both sides once — the base side (REF; default: the
commit recorded in the saved baseline, else HEAD) in a temporary `git worktree`,
the head side from the working tree — and alternates their runs, package by
package, `--count` rounds (base head, head base, ...), so that a machine getting
slower or faster during the run hits both sides alike instead of looking like a
change (see `benchlens.runner.ab`).

Writes `benchmark_results/ab/base.txt` and `ab/head.txt` (next to the current
results; atomically, each result with its side's commit), prints the comparison,
writes the markdown report (config `report`) and exits like `regression`: 0 when
nothing regressed, 1 on a regression or a failed run, 2 on bad input (no git, an
unknown ref, no Go), 130 when interrupted. The worktree is removed afterwards,
also after a failure, Ctrl-C or SIGTERM. The saved baseline and the current
results are not touched unless `--save`: then the base side becomes the baseline
(archived in history) and the head side the current results, so the editor shows
this comparison.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from benchlens.cli.base import interrupted_code
from benchlens.cli.common import load_config_reporting, warn
from benchlens.cli.run import (
    add_run_options,
    add_shard_option,
    drive,
    request_from_args,
    signals_as_interrupt,
)
from benchlens.config import Config, relative
from benchlens.history import atomic_write_text
from benchlens.results.reader import ResultsFileError
from benchlens.runner import GoNotFound
from benchlens.runner.ab import ABOutcome, ABRun
from benchlens.runner.ab_store import ABVerdict, StoredAB, save_ab, store_ab
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text
from benchlens.worktree import ResolvedRef, WorktreeError, resolve_ref

#: Exit status of each verdict on an A/B run that compared nothing (cancelled: 128 + signal).
EXIT_CODES = {ABVerdict.FAILED: 1, ABVerdict.NOTHING_RAN: 2}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "ab",
        help="the working tree against another commit, runs alternated; exit 1 on regression",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--ref",
        metavar="REF",
        help="the base side: commit, branch or tag (default: the baseline's commit, else HEAD)",
    )
    p.add_argument(
        "--save",
        action="store_true",
        help="also save the base side as the baseline and the head side as the current results",
    )
    add_run_options(p, fast_count=False)
    add_shard_option(p)
    p.set_defaults(func=ab_command)


def ab_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    try:
        resolved = resolve_ref(config, args.ref)
    except WorktreeError as exc:
        warn(str(exc))
        return 2
    if resolved.note:
        print(f"base: {resolved.note}")
    try:
        with signals_as_interrupt():
            outcome = _measure(config, args, resolved)
    except (WorktreeError, GoNotFound) as exc:
        warn(str(exc))
        return 2
    except KeyboardInterrupt:
        warn("interrupted; nothing written")
        return interrupted_code()
    if args.shard is not None:
        shard = dict.fromkeys(p.import_path for _, o in outcome.sides() for p in o.packages)
        print(f"shard {args.shard}: {', '.join(shard) or 'no packages'}")
    try:
        stored = store_ab(outcome, config, shard=args.shard is not None)
    except ResultsFileError as exc:
        warn(str(exc))
        return 2
    if stored.verdict is ABVerdict.EMPTY_SHARD:
        print(stored.message(config))
        return 0
    if stored.comparison is None:
        warn(stored.message(config))
        return (
            interrupted_code()
            if stored.verdict is ABVerdict.CANCELLED
            else EXIT_CODES[stored.verdict]
        )
    return _report(config, args, resolved, stored)


def _measure(config: Config, args: argparse.Namespace, resolved: ResolvedRef) -> ABOutcome:
    ab = ABRun(config, request_from_args(args, config), resolved)
    print(
        f"base: {resolved.ref} ({resolved.commit[:7]}) in a temporary worktree; "
        f"head: the working tree ({_short(ab.head.commit)})",
        flush=True,
    )
    return drive(ab)


def _short(commit: str | None) -> str:
    if commit is None:
        return "no git commit"
    sha, _, rest = commit.partition(" ")
    return f"{sha[:7]} {rest}".strip()


def _report(config: Config, args: argparse.Namespace, base: ResolvedRef, stored: StoredAB) -> int:
    comparison = stored.comparison
    assert comparison is not None
    print(stored.message(config))
    atomic_write_text(config.report, render_markdown(comparison))
    sys.stdout.write(render_text(comparison, color=sys.stdout.isatty()))
    print(f"report: {relative(config, config.report)}")
    if args.save:
        saved = save_ab(stored, config, base)
        print(
            f"saved {relative(config, saved.baseline)} (base side, archived as "
            f"{relative(config, saved.archived)}) and {relative(config, config.current)} "
            "(head side)"
        )
    regressions = comparison.regressions
    if regressions:
        n = len(regressions)
        warn(f"{n} benchmark{'s' if n != 1 else ''} regressed")
        return 1
    return 0
