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
import io
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchlens.cli.base import interrupted_code
from benchlens.cli.common import InputError, load_config_reporting, load_results_or_fail, warn
from benchlens.cli.run import (
    add_run_options,
    add_shard_option,
    drive,
    request_from_args,
    signals_as_interrupt,
)
from benchlens.compare import Comparison, compare
from benchlens.config import Config, relative
from benchlens.history import (
    atomic_write_text,
    save_baseline_text,
    tree_commit,
    write_results_atomic,
)
from benchlens.results.writer import write_results
from benchlens.runner import GoNotFound
from benchlens.runner.ab import BASE, HEAD, ABOutcome, ABSession, Side
from benchlens.runner.store import describe, partial_path
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text
from benchlens.worktree import ResolvedRef, WorktreeError, resolve_ref, temporary_worktree


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


def ab_paths(config: Config) -> tuple[Path, Path]:
    """Where the two sides' results go: `ab/base.txt`, `ab/head.txt` beside the current results."""
    directory = config.current.parent / "ab"
    return directory / f"{BASE}.txt", directory / f"{HEAD}.txt"


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
    return _finish(config, args, resolved, outcome)


def _measure(config: Config, args: argparse.Namespace, resolved: ResolvedRef) -> ABOutcome:
    head = Side(HEAD, config.root, tree_commit(config.root))
    with temporary_worktree(config.root, resolved.commit) as where:
        print(
            f"base: {resolved.ref} ({resolved.commit[:7]}) in a temporary worktree; "
            f"head: the working tree ({_short(head.commit)})",
            flush=True,
        )
        base = Side(BASE, where, resolved.commit)
        request = request_from_args(args, config)
        # The last A/B run's files are the best guess of how long this one takes.
        request = replace(request, previous=(*ab_paths(config), *request.previous))
        return drive(ABSession(request, base, head))


def _short(commit: str | None) -> str:
    if commit is None:
        return "no git commit"
    sha, _, rest = commit.partition(" ")
    return f"{sha[:7]} {rest}".strip()


def _finish(
    config: Config, args: argparse.Namespace, resolved: ResolvedRef, outcome: ABOutcome
) -> int:
    if outcome.cancelled:
        warn("ab cancelled; nothing written")
        return interrupted_code()
    base_path, head_path = ab_paths(config)
    paths = (base_path, head_path)
    if args.shard is not None:
        shard = dict.fromkeys(p.import_path for _, o in outcome.sides() for p in o.packages)
        print(f"shard {args.shard}: {', '.join(shard) or 'no packages'}")
    if outcome.failures:
        # Both files are one pair: a failed side leaves the previous pair as it was.
        written = []
        for (_, side), path in zip(outcome.sides(), paths, strict=True):
            if side.results.benchmarks:
                write_results_atomic(partial_path(path), side.results)
                written.append(partial_path(path))
        names = ", ".join(sorted({f"{f.package} ({f.side})" for f in outcome.failures}))
        warn(f"{len(outcome.failures)} failure(s): {names}")
        where = ", ".join(relative(config, p) for p in written)
        warn("nothing compared" + (f"; completed results in {where}" if where else ""))
        return 1
    if not outcome.base.results.benchmarks and not outcome.head.results.benchmarks:
        if args.shard is not None and not outcome.base.packages and not outcome.head.packages:
            # More shards than packages: an empty shard is not an error (see `run`).
            for path in paths:
                atomic_write_text(path, "")
            print(f"wrote {relative(config, base_path)} and {relative(config, head_path)} (empty)")
            return 0
        warn("no benchmarks ran: check the packages and the --bench/--name pattern")
        return 2
    for (_, side), path in zip(outcome.sides(), paths, strict=True):
        write_results_atomic(path, side.results)
    print(
        f"wrote {relative(config, base_path)} ({describe(outcome.base.results)}) and "
        f"{relative(config, head_path)} ({describe(outcome.head.results)}) "
        f"in {outcome.elapsed:.1f}s"
    )
    try:
        comparison = compare(
            load_results_or_fail(base_path), load_results_or_fail(head_path), config
        )
    except InputError as exc:
        warn(str(exc))
        return 2
    atomic_write_text(config.report, render_markdown(comparison))
    sys.stdout.write(render_text(comparison, color=sys.stdout.isatty()))
    print(f"report: {relative(config, config.report)}")
    if args.save:
        _save(config, resolved, outcome)
    return _verdict(comparison)


def _save(config: Config, resolved: ResolvedRef, outcome: ABOutcome) -> None:
    """--save: the base side becomes the baseline (archived), the head side the current results."""
    text = io.StringIO()
    write_results(outcome.base.results, text)
    saved = save_baseline_text(
        text.getvalue(), config.baseline, config.history, commit=resolved.commit, ref=resolved.ref
    )
    write_results_atomic(config.current, outcome.head.results)
    print(
        f"saved {relative(config, saved.baseline)} (base side, archived as "
        f"{relative(config, saved.archived)}) and {relative(config, config.current)} (head side)"
    )


def _verdict(comparison: Comparison) -> int:
    regressions = comparison.regressions
    if regressions:
        n = len(regressions)
        warn(f"{n} benchmark{'s' if n != 1 else ''} regressed")
        return 1
    return 0
