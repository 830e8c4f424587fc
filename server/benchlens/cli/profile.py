"""`benchlens profile BENCH`: CPU and memory profiles of one benchmark.

Writes `benchmark_results/profiles/<bench>/{cpu,mem}.prof` and, next to them, the
test binary they were taken from, so that `go tool pprof` can show symbols and
source. Prints the top of the CPU profile and the commands to explore both.
Without `--pkg`, the package is the one whose `_test.go` files declare
`func BENCH(`. The work is `benchlens.runner.profile`'s; this prints it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from benchlens.cli.base import interrupted_code, signals_cancel
from benchlens.cli.common import load_config_reporting, warn
from benchlens.runner.gotool import GoNotFound
from benchlens.runner.profile import (
    FailureStage,
    ProfileOutcome,
    Profiler,
    ProfileRequest,
    ProfileStep,
    shell_path,
)

#: Exit status per failure stage: no such package or benchmark is bad input (2),
#: a build or benchmark that fails is a failed run (1).
_EXIT: dict[FailureStage, int] = {"list": 2, "find": 2, "match": 2, "build": 1, "run": 1}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "profile",
        help="CPU and memory profiles of one benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bench", metavar="BENCH", help="benchmark name: BenchmarkX or BenchmarkX/sub")
    p.add_argument("--pkg", help="package (import path or ./dir); default: found by name")
    p.add_argument("--benchtime", metavar="T", help="benchtime (default: config default mode)")
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace root (default: .)")
    p.set_defaults(func=profile_command)


def profile_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    bench = args.bench if args.bench.startswith("Benchmark") else f"Benchmark{args.bench}"
    request = ProfileRequest.from_config(config, bench, package=args.pkg, benchtime=args.benchtime)

    def on_step(step: ProfileStep) -> None:
        if step.step == "build":
            print(f"build {step.package}", flush=True)
        elif step.step == "run":
            print(f"profile {bench} in {step.package} (benchtime {request.benchtime})", flush=True)

    try:
        profiler = Profiler(request)
        with signals_cancel(profiler):
            outcome = profiler.run(lambda line: print(line, flush=True), on_step)
    except GoNotFound as exc:
        warn(str(exc))
        return 2
    except KeyboardInterrupt:
        warn("interrupted")
        return interrupted_code()
    return report(outcome)


def report(outcome: ProfileOutcome) -> int:
    """Print the top of the CPU profile and the commands to explore both; the exit code."""
    failure = outcome.failure
    if outcome.cancelled:
        warn("interrupted")
        return interrupted_code()
    if failure is not None:
        if failure.stage == "find":
            warn(f"{failure.message}; use --pkg")
        elif failure.stage == "run":
            warn(failure.message)  # its output is printed above
        else:
            warn(str(failure))
        return _EXIT[failure.stage]
    print()
    if outcome.top_error is None:
        print("\n".join(outcome.top))
    else:
        warn(f"go tool pprof failed:\n{outcome.top_error}")
    print()
    print(f"profiles in {shell_path(outcome.out_dir, Path.cwd())}/")
    print("explore them in a browser:")
    for command in outcome.commands(Path.cwd()):
        print(f"  {command}")
    sys.stdout.flush()
    return 0
