"""`benchlens run`: run the benchmarks and write the current results atomically.

Each package's test binary is built once and the selected benchmarks run `--count`
times as independent processes, round-robin across packages (see
`benchlens.runner.session` for why). Progress is a bar on a terminal and plain
lines otherwise (CI logs, pipes).

What is written, and when (`benchlens.runner.store`):
- success: the current results file (or `-o`) is replaced atomically; with
  `--merge`, only the benchmarks that ran are replaced and the others kept;
- a package failed to build or a benchmark failed (exit 1): the current results
  are left untouched and the benchmarks that did complete are written to
  `<current>.partial.txt`, so a broken package never wipes good results;
- `--merge` into a results file that cannot be read (exit 2): nothing is written;
- interrupted (Ctrl-C, SIGTERM, SIGKILL): nothing is written; children are killed.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

from benchlens.cli.base import (
    INTERRUPTED,
    interrupted_code,
    signals_as_interrupt,
    signals_cancel,
)
from benchlens.cli.common import load_config_reporting, warn
from benchlens.config import Config, check_writable, relative
from benchlens.history import atomic_write_text
from benchlens.results.model import Result
from benchlens.results.reader import ResultsFileError, load_results
from benchlens.runner import (
    BenchmarkFinished,
    BenchmarkSession,
    BenchmarkStarted,
    BuildStarted,
    GoNotFound,
    PackageFailed,
    PackageFinished,
    PackagesListed,
    PackageStarted,
    RunEvent,
    RunOutcome,
    RunProgress,
    RunRequest,
)
from benchlens.runner.eta import timing_text
from benchlens.runner.session import module_problem
from benchlens.runner.shard import Shard, ShardError, results_per_package
from benchlens.runner.store import RunVerdict, StoredRun, StoreError, judge, store_run

OutcomeT = TypeVar("OutcomeT", covariant=True)


def add_run_options(
    p: argparse.ArgumentParser, *, packages: bool = True, fast_count: bool = True
) -> None:
    """The options every command that runs benchmarks shares."""
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace root (default: .)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", dest="mode", action="store_const", const="quick", help="short benchtime"
    )
    mode.add_argument(
        "--full", dest="mode", action="store_const", const="full", help="long benchtime"
    )
    p.set_defaults(mode="default")
    p.add_argument("--benchtime", metavar="T", help="benchtime (5s, 100x): overrides the mode")
    p.add_argument("--count", type=_positive, metavar="N", help="independent runs of each binary")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--bench", metavar="REGEX", help="Go regexp of benchmarks (default: .)")
    which.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="NAME",
        help="exact benchmark name (BenchmarkX or BenchmarkX/sub); repeatable",
    )
    if fast_count:
        p.add_argument(
            "--fast-count",
            action="store_true",
            help="all --count samples in one process (go test -count=N): faster, correlated",
        )
    if packages:
        p.add_argument("packages", nargs="*", metavar="PKG", help="packages (default: config)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run the benchmarks and write the current results",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_run_options(p)
    add_shard_option(p)
    p.add_argument(
        "--merge", action="store_true", help="replace only the benchmarks that ran, keep the rest"
    )
    p.add_argument("-o", "--output", type=Path, help="results file (default: config current)")
    p.set_defaults(func=run_command)


def add_shard_option(p: argparse.ArgumentParser) -> None:
    """`--shard i/N`, for commands whose results are merged afterwards (`run`, `ab`)."""
    p.add_argument(
        "--shard",
        type=_shard,
        metavar="i/N",
        help="only group i of N stable, balanced groups of the packages (CI sharding; "
        "join the shards' files with `benchlens merge`)",
    )


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ShardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def shard_results(config: Config) -> dict[str, int]:
    """Results per package in the saved results, the weights of `--shard`: the
    baseline, else the current results; none when neither can be read."""
    for path in (config.baseline, config.current):
        if path.is_file():
            try:
                return results_per_package(load_results(path))
            except ResultsFileError:
                continue
    return {}


def request_from_args(
    args: argparse.Namespace, config: Config, root: Path | None = None
) -> RunRequest:
    shard: Shard | None = getattr(args, "shard", None)
    return RunRequest.from_config(
        config,
        mode=args.mode,
        benchtime=args.benchtime,
        count=args.count,
        bench=args.bench,
        names=args.name,
        packages=getattr(args, "packages", ()) or (),
        fast_count=getattr(args, "fast_count", False),
        root=root,
        shard=shard,
        shard_results=shard_results(config) if shard is not None else None,
    )


# -- progress -----------------------------------------------------------------


def _side(side: str) -> str:
    """`base ` / `head ` before a step of an A/B run; nothing in a plain run."""
    return f"{side} " if side else ""


def _value(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    if v == int(v) and abs(v) < 1e12:
        return str(int(v))
    return f"{v:.4g}" if abs(v) < 100 else f"{v:.0f}"


def result_text(result: Result) -> str:
    values = "  ".join(f"{_value(v.value)} {v.unit}" for v in result.values)
    return f"{result.key.display_name}  {result.iterations}  {values}"


class PlainProgress:
    """One line per step, flushed at once: readable in CI logs and by other programs.
    A benchmark's `running` line starts with the run, the time elapsed and the
    estimated time left: `[2/6 1m05s, ETA 3m10s] example.com/m/pkg BenchmarkX running`."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.runs = 1
        self.last: RunProgress | None = None

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, PackagesListed):
            self.runs = event.runs
            n = len(event.packages)
            sides = f", alternating {' and '.join(event.side_names)}" if event.sides else ""
            self._print(
                f"benchmarking {n} package{'s' if n != 1 else ''}, {event.runs} run(s){sides}"
            )
        elif isinstance(event, BuildStarted):
            self._print(f"build {_side(event.side)}{event.package}")
        elif isinstance(event, RunProgress):
            self.last = event
        elif isinstance(event, BenchmarkStarted):
            timing = timing_text(self.last, time.monotonic())
            where = f"{event.run}/{self.runs} {timing}" if timing else f"{event.run}/{self.runs}"
            self._print(f"[{where}] {_side(event.side)}{event.package} {event.name} running")
        elif isinstance(event, BenchmarkFinished):
            where = f"{_side(event.side)}{event.package}"
            self._print(f"[{event.run}/{self.runs}] {where} {result_text(event.result)}")
        elif isinstance(event, PackageFailed):
            print(f"benchlens: {event.failure}", file=self.err, flush=True)

    def close(self) -> None:
        pass


class RichProgress:
    """A progress bar for the whole run (percent of the estimated work, time elapsed and
    left) and a line for the benchmark running now; results scroll above them."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            Task,
            TextColumn,
        )
        from rich.table import Column
        from rich.text import Text

        display = self

        class TimingColumn(ProgressColumn):
            """`1m05s, ETA 3m10s` on the overall line, counted down between events."""

            def render(self, task: Task) -> Text:
                if task.id != display.overall:
                    return Text("")
                return Text(timing_text(display.last, time.monotonic()), style="cyan")

        class NameColumn(ProgressColumn):
            """The step or the benchmark, cut short with `…` on a narrow terminal (one
            line, never wrapped) so that the bar, the percent and the times stay."""

            def render(self, task: Task) -> Text:
                text = Text.from_markup(task.description, end="")
                text.no_wrap, text.overflow = True, "ellipsis"
                return text

        self.console = Console()
        self.progress = Progress(
            SpinnerColumn(table_column=Column(no_wrap=True)),
            NameColumn(),
            BarColumn(bar_width=20),
            TextColumn("{task.fields[percent]}", table_column=Column(no_wrap=True)),
            TimingColumn(table_column=Column(no_wrap=True)),
            console=self.console,
            transient=True,
        )
        self.overall = self.progress.add_task("listing packages", total=None, percent="")
        self.current = self.progress.add_task("", total=None, visible=False, percent="")
        self.runs = 1
        self.last: RunProgress | None = None
        self.progress.start()

    def __call__(self, event: RunEvent) -> None:
        from rich.markup import escape

        p = self.progress
        if isinstance(event, PackagesListed):
            self.runs = event.runs
            p.update(self.overall, description="building", total=100, completed=0)
        elif isinstance(event, RunProgress):
            self.last = event
            p.update(self.overall, completed=event.percent, percent=f"{event.percent}%")
        elif isinstance(event, BuildStarted):
            p.update(self.overall, description=f"build {_side(event.side)}{escape(event.package)}")
        elif isinstance(event, PackageStarted):
            p.update(self.overall, description=f"run {event.run}/{self.runs}")
        elif isinstance(event, BenchmarkStarted):
            p.reset(
                self.current,
                description=(
                    f"{_side(event.side)}{escape(event.package)} [bold]{escape(event.name)}"
                ),
                total=None,
                visible=True,
            )
        elif isinstance(event, BenchmarkFinished):
            res = event.result
            where = escape(f"{_side(event.side)}{res.key.package}")
            p.console.print(f"[dim]{where}[/] {escape(result_text(res))}", highlight=False)
        elif isinstance(event, PackageFinished):
            p.update(self.current, visible=False)
        elif isinstance(event, PackageFailed):
            p.console.print(f"[red]benchlens: {event.failure}", highlight=False, markup=False)

    def close(self) -> None:
        self.progress.stop()


class Session(Protocol[OutcomeT]):
    """A run of benchmarks: `BenchmarkSession`, `ABSession`."""

    def run(self, on_event: Callable[[RunEvent], None] | None = None) -> OutcomeT: ...

    def cancel(self) -> None: ...


def drive(session: Session[OutcomeT], progress: Any | None = None) -> OutcomeT:
    """Run with progress on stdout; Ctrl-C/SIGTERM cancel the run (the outcome says so)."""
    display = progress or (RichProgress() if sys.stdout.isatty() else PlainProgress())
    try:
        with signals_cancel(session):
            return session.run(display)
    finally:
        session.cancel()
        display.close()


def execute(request: RunRequest, progress: Any | None = None) -> RunOutcome:
    """`drive` one plain run of `request`."""
    return drive(BenchmarkSession(request), progress)


#: Exit status of each verdict on a run (a cancelled run: `interrupted_code()`).
EXIT_CODES = {
    RunVerdict.CANCELLED: INTERRUPTED,
    RunVerdict.FAILED: 1,
    RunVerdict.NOTHING_RAN: 2,
    RunVerdict.STORED: 0,
}


def report_outcome(outcome: RunOutcome, config: Config, written: Path | None, target: Path) -> int:
    """Print what happened and return the exit code of a run."""
    return report_stored(judge(outcome, target, written), config)


def report_stored(stored: StoredRun, config: Config) -> int:
    if stored.verdict is RunVerdict.STORED:
        print(stored.message(config))
    else:
        warn(stored.message(config))
    if stored.verdict is RunVerdict.CANCELLED:
        return interrupted_code()
    return EXIT_CODES[stored.verdict]


def run_and_store(
    args: argparse.Namespace, config: Config, target: Path, *, merge: bool
) -> tuple[int, RunOutcome | None]:
    """Run per `args`, store per `benchlens.runner.store`; (exit code, outcome)."""
    request = request_from_args(args, config)
    problem = module_problem(request.root)
    if problem is not None:
        warn(problem)
        return 2, None
    try:
        outcome = execute(request)
    except GoNotFound as exc:
        warn(str(exc))
        return 2, None
    except KeyboardInterrupt:
        warn(f"interrupted; {relative(config, target)} left unchanged")
        return interrupted_code(), None
    if request.shard is not None and not outcome.cancelled:
        names = ", ".join(p.import_path for p in outcome.packages) or "no packages"
        print(f"shard {request.shard}: {names}")
        if outcome.ok and not outcome.packages and not merge:
            # More shards than packages: an empty shard is not an error, and its
            # (empty) file keeps the steps after it uniform.
            atomic_write_text(target, "")
            print(f"wrote {relative(config, target)} (empty: nothing in this shard)")
            return 0, outcome
    try:
        stored = store_run(outcome, target, merge=merge)
    except StoreError as exc:
        warn(str(exc))
        return 2, outcome
    return report_stored(stored, config), outcome


def run_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    target = args.output.resolve() if args.output else config.current
    if not args.output:
        check_writable(config, target)
    code, _ = run_and_store(args, config, target, merge=args.merge)
    return code


__all__: Sequence[str] = (
    "INTERRUPTED",
    "add_run_options",
    "add_shard_option",
    "drive",
    "execute",
    "interrupted_code",
    "request_from_args",
    "run_and_store",
    "signals_as_interrupt",
    "signals_cancel",
)
