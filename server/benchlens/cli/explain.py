"""`benchlens explain BENCH`: why a benchmark got slower, down to the source line.

Profiles the benchmark on the baseline side — the commit REF names (default: the
`commit:` the baseline results record, else HEAD), built in a temporary git
worktree that is removed afterwards, also on failure, Ctrl-C or SIGTERM — and on
the current side (the working tree), with the same benchtime, the two binaries'
runs alternated. The CPU and allocation profiles are diffed per function and per
source line, per benchmark iteration, and the functions whose cost per op
changed most are listed with their `file:line` and the `go tool pprof
-diff_base` commands to dig further. Everything lands in
`benchmark_results/explain/<bench>/` (`explanation.json` is what the editor and
the reports show). The work is `benchlens.explain.session`'s; this prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchlens.cli.base import interrupted_code, signals_cancel
from benchlens.cli.common import load_config_reporting, warn
from benchlens.explain.model import to_json
from benchlens.explain.session import (
    ExplainOutcome,
    ExplainRequest,
    ExplainSession,
    ExplainStep,
    FailureStage,
)
from benchlens.runner.gotool import GoNotFound
from benchlens.views.explain import render_explanation

#: Exit status per failure stage: a ref, package or benchmark that is not there, or
#: a profile that cannot be read, is bad input (2); a build or benchmark that fails
#: is a failed run (1).
_EXIT: dict[FailureStage, int] = {
    "ref": 2,
    "worktree": 2,
    "list": 2,
    "find": 2,
    "match": 2,
    "profile": 2,
    "build": 1,
    "run": 1,
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="why a benchmark regressed: both sides profiled and diffed per function and line",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bench", metavar="BENCH", help="benchmark name: BenchmarkX or BenchmarkX/sub")
    p.add_argument("--pkg", help="package (import path or ./dir); default: found by name")
    p.add_argument(
        "--ref",
        metavar="REF",
        help="baseline code: commit, branch or tag (default: the baseline's recorded commit, "
        "else HEAD)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--benchtime", metavar="T", help="benchtime of each run (default: quick mode)")
    p.add_argument(
        "--runs", type=_positive, metavar="N", help="profiled runs per side (default: 3)"
    )
    p.add_argument(
        "--no-group",
        dest="group",
        action="store_false",
        help="keep standard-library and runtime frames as functions of their own (pprof's flat)",
    )
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace root (default: .)")
    p.set_defaults(func=explain_command)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def explain_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    bench = args.bench if args.bench.startswith("Benchmark") else f"Benchmark{args.bench}"
    request = ExplainRequest.from_config(
        config,
        bench,
        ref=args.ref,
        package=args.pkg,
        benchtime=args.benchtime,
        rounds=args.runs,
        group=args.group,
    )
    progress = sys.stderr if args.format == "json" else sys.stdout

    def say(text: str) -> None:
        print(text, file=progress, flush=True)

    labels = {"base": "baseline", "cur": "current"}

    def on_step(step: ExplainStep) -> None:
        side = labels.get(step.side or "", "")
        if step.step == "worktree":
            say(f"baseline side: {step.detail}, in a temporary worktree")
        elif step.step == "build":
            say(f"build {side} {step.detail}")
        elif step.step == "run":
            say(f"run {step.run}/{step.runs} {side} (benchtime {request.benchtime})")
        elif step.step == "analyse":
            say("diff the profiles")

    def on_line(line: str) -> None:
        if line.startswith("Benchmark"):
            say(f"  {line}")

    try:
        session = ExplainSession(request)
        with signals_cancel(session):
            outcome = session.run(on_line, on_step)
    except GoNotFound as exc:
        warn(str(exc))
        return 2
    except KeyboardInterrupt:
        warn("interrupted")
        return interrupted_code()
    return report(outcome, args.format, config.root)


def report(outcome: ExplainOutcome, fmt: str, root: Path) -> int:
    """Print the explanation (or why there is none); the exit code."""
    for note in outcome.notes if not outcome.ok else ():
        warn(note)
    if outcome.cancelled:
        warn("interrupted; the baseline worktree was removed")
        return interrupted_code()
    failure = outcome.failure
    if failure is not None:
        if failure.stage == "find":
            warn(f"{failure.message}; use --pkg")
        else:
            warn(str(failure))
        return _EXIT[failure.stage]
    explanation = outcome.explanation
    assert explanation is not None
    if fmt == "json":
        print(json.dumps(to_json(explanation), indent=2, ensure_ascii=False))
        return 0
    print()
    print(render_explanation(explanation, color=sys.stdout.isatty()), end="")
    if outcome.saved is not None:
        print(f"saved {relative_to(outcome.saved, root)}")
    return 0


def relative_to(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


__all__ = ["explain_command", "register"]
