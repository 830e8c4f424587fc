"""`benchlens baseline`: the baseline from another commit, or from the branch CI stores it on.

`--from-ref REF` checks REF out in a temporary `git worktree` (the workspace
itself is not touched), runs the same benchmarks there — the packages, benchtime
and count of *this* workspace's configuration — and saves the results as this
workspace's baseline, with REF's commit in the `commit:` line and a history
entry. The worktree is removed afterwards, also after a failure, Ctrl-C or SIGTERM.

`--fetch` brings the baseline that CI stored (on pushes to main) from the branch
`benchlens-baseline` of `origin` into this workspace: the baseline file is
replaced atomically and missing history files are added (a local one is never
overwritten). No such branch yet is not an error. `--publish` commits this
workspace's baseline and history onto that branch and pushes it, without touching
the work tree (what CI's store-baseline job runs). See `benchlens.baseline_branch`.
"""

from __future__ import annotations

import argparse
import io
from typing import Any

from benchlens.baseline_branch import DEFAULT_BRANCH, DEFAULT_REMOTE
from benchlens.cli.base import interrupted_code
from benchlens.cli.baseline_branch import fetch_command, publish_command
from benchlens.cli.common import load_config_reporting, warn
from benchlens.cli.run import (
    add_run_options,
    execute,
    report_outcome,
    request_from_args,
    signals_as_interrupt,
)
from benchlens.config import Config, relative
from benchlens.history import git_commit, save_baseline_text
from benchlens.results.model import ResultSet
from benchlens.results.writer import write_results
from benchlens.runner import GoNotFound
from benchlens.runner.store import describe
from benchlens.worktree import WorktreeError, temporary_worktree


def register(sub: Any) -> None:
    p = sub.add_parser(
        "baseline",
        help="run the benchmarks of a git ref in a temporary worktree and save them as baseline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-ref", metavar="REF", help="benchmark a commit, branch or tag")
    source.add_argument(
        "--fetch", action="store_true", help="fetch the baseline CI stored on the baseline branch"
    )
    source.add_argument(
        "--publish", action="store_true", help="push this baseline and history to that branch"
    )
    p.add_argument("--note", help="a note recorded as a `note:` line (--from-ref)")
    p.add_argument(
        "--branch", default=DEFAULT_BRANCH, help=f"the baseline branch (default: {DEFAULT_BRANCH})"
    )
    p.add_argument(
        "--remote", default=DEFAULT_REMOTE, help=f"the git remote (default: {DEFAULT_REMOTE})"
    )
    add_run_options(p, packages=False)
    p.set_defaults(func=baseline_command)


def baseline_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    if args.fetch:
        return fetch_command(config, args.remote, args.branch)
    if args.publish:
        return publish_command(config, args.remote, args.branch)
    ref = args.from_ref
    commit = git_commit(config.root, ref)
    if commit is None:
        warn(f"{ref}: not a commit in the repository at {config.root}")
        return 2
    try:
        with signals_as_interrupt():
            return _baseline(config, args, ref, commit)
    except WorktreeError as exc:
        warn(str(exc))
        return 2
    except GoNotFound as exc:
        warn(str(exc))
        return 2
    except KeyboardInterrupt:
        warn(f"interrupted; {relative(config, config.baseline)} left unchanged")
        return interrupted_code()


def _baseline(config: Config, args: argparse.Namespace, ref: str, commit: str) -> int:
    with temporary_worktree(config.root, commit) as where:
        print(f"benchmarking {ref} ({commit[:7]}) in a temporary worktree", flush=True)
        outcome = execute(request_from_args(args, config, root=where))
    if not outcome.ok or not outcome.results.benchmarks:
        return report_outcome(outcome, config, None, config.baseline)
    text = _text(outcome.results)
    saved = save_baseline_text(
        text, config.baseline, config.history, commit=commit, ref=ref, note=args.note
    )
    print(f"saved {relative(config, saved.baseline)} ({describe(outcome.results)} of {ref})")
    print(f"archived as {relative(config, saved.archived)}")
    return 0


def _text(results: ResultSet) -> str:
    out = io.StringIO()
    write_results(results, out)
    return out.getvalue()
