"""Runs and profiles started from the editor: one at a time, in a worker thread, with a
progress bar whose cancel button (or `$/cancelRequest`, or `benchlens.cancelRun`)
stops them. Nothing that executes project code starts in an untrusted workspace.
The runner decides what a run's outcome means (`runner.store`); this says it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from benchlens.config import OutsideWorkspace, check_writable
from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.jobs import ActiveRun, Result, result
from benchlens.lsp.progress import Progress
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.settings import Level
from benchlens.runner import (
    BenchmarkFinished,
    BenchmarkSession,
    BenchmarkStarted,
    BuildStarted,
    Cancellable,
    GoNotFound,
    PackagesListed,
    RunEvent,
    RunOutcome,
    RunProgress,
    RunRequest,
    names_pattern,
)
from benchlens.runner.eta import timing_text
from benchlens.runner.profile import ProfileOutcome, Profiler, ProfileRequest, ProfileStep
from benchlens.runner.store import RunVerdict, StoredRun, StoreError, store_run

log = logging.getLogger(__name__)

T = TypeVar("T")
#: Lines of Go's error output shown in a failure message.
ERROR_LINES = 12


@dataclass(frozen=True)
class Target:
    """What a run or profile command is about, resolved from its arguments."""

    state: FolderState
    package: str | None
    bench: str | None
    names: tuple[str, ...] = ()
    label: str = ""
    mode: str = "quick"
    count: int | None = None
    benchtime: str | None = None


class Reporter:
    """Turns runner events into progress messages (on the loop): the benchmark running,
    the time elapsed and the estimated time left, and the percentage of the estimated
    work done (`RunProgress`, which follows each step)."""

    #: The runner events that become progress messages (the rest, e.g. raw output, do not).
    REPORTED = (PackagesListed, BuildStarted, BenchmarkStarted, BenchmarkFinished, RunProgress)

    def __init__(self, progress: Progress, clock: Callable[[], float] = time.monotonic) -> None:
        self.progress = progress
        self.clock = clock
        self.last: RunProgress | None = None

    def __call__(self, event: RunEvent) -> None:
        pct = self.last.percent if self.last is not None else None
        if isinstance(event, RunProgress):
            self.last = event
            self.progress.report(None, event.percent)
        elif isinstance(event, PackagesListed):
            names = ", ".join(p.import_path for p in event.packages) or "no package"
            sides = f", alternating {' and '.join(event.side_names)}" if event.sides else ""
            self.progress.report(f"{names}: {event.runs} run(s){sides}", 0)
        elif isinstance(event, BuildStarted):
            self.progress.report(f"building {_side(event.side)}{event.package}", pct)
        elif isinstance(event, BenchmarkStarted):
            timing = timing_text(self.last, self.clock())
            when = f" ({timing})" if timing else ""
            self.progress.report(f"run {event.run}: {_side(event.side)}{event.name}{when}", pct)
        elif isinstance(event, BenchmarkFinished):
            values = " ".join(f"{v.value:g} {v.unit}" for v in event.result.values[:2])
            name = event.result.key.display_name
            self.progress.report(f"{_side(event.side)}{name}: {values}", pct)


def _side(side: str) -> str:
    """`base ` / `head ` before a step of an A/B run."""
    return f"{side} " if side else ""


def refused(ls: BenchlensServer, state: FolderState, what: str) -> Result | None:
    """Why `what` cannot start now (untrusted workspace, another run), if it cannot."""
    if not ls.trusted(state):
        message = (
            f"not {what}: the workspace {state.root} is not trusted, and running benchmarks "
            "executes the project's code. Reading and comparing results still works; trust "
            "the workspace (or remove `trusted = false`) to run."
        )
    elif ls.active_run is not None:
        message = (
            f"not {what}: {ls.active_run.label} is still running; wait for it or cancel it "
            "(benchlens.cancelRun)"
        )
    else:
        return None
    ls.notifier.show(message, Level.ERROR)
    return result("refused", message)


def _watch_request_cancel(ls: BenchlensServer, run: ActiveRun) -> None:
    """`$/cancelRequest` for this command cancels the run too (pygls cancels its future)."""
    protocol: Any = ls.protocol
    future = getattr(protocol, "_request_futures", {}).get(protocol.msg_id)
    if future is not None:

        def cancelled(f: Any) -> None:
            if f.cancelled():
                run.cancel()

        future.add_done_callback(cancelled)


async def in_worker(
    ls: BenchlensServer, job: Cancellable, work: Callable[[Progress], T], label: str, title: str
) -> tuple[T | None, Progress, Result | None]:
    """`work(progress)` in a worker thread as the active run, with a progress bar whose
    cancel button cancels `job`; (its value, progress, error result)."""
    run = ActiveRun(label, job)
    ls.active_run = run
    progress = Progress(ls, title, run.cancel)
    try:
        _watch_request_cancel(ls, run)
        await progress.begin("listing packages")
        try:
            value = await asyncio.to_thread(work, progress)
        except GoNotFound as exc:
            progress.end(str(exc))
            ls.notifier.show(str(exc), Level.ERROR)
            return None, progress, result("failed", str(exc))
        except asyncio.CancelledError:
            job.cancel()
            progress.end("cancelled")
            raise
        return value, progress, None
    finally:
        ls.active_run = None


def clip(text: str) -> str:
    """Go's error output, cut to ERROR_LINES lines for a message."""
    lines = text.splitlines()
    return "\n".join(lines[:ERROR_LINES]) + ("\n..." if len(lines) > ERROR_LINES else "")


def failure_text(outcome: RunOutcome) -> str:
    more = f" (and {len(outcome.failures) - 1} more)" if len(outcome.failures) > 1 else ""
    return f"{clip(str(outcome.failures[0]))}{more}"


async def run_target(ls: BenchlensServer, target: Target, what: str) -> Result:
    """Run benchmarks, merge their samples into the current results, show the new state."""
    state = target.state
    if (refusal := refused(ls, state, what)) is not None:
        return refusal
    try:
        check_writable(state.config, state.config.current)
    except OutsideWorkspace as exc:
        ls.notifier.show(f"not {what}: {exc}", Level.ERROR)
        return result("refused", f"not {what}: {exc}")
    request = RunRequest.from_config(
        state.config,
        mode=target.mode,
        benchtime=target.benchtime,
        count=target.count,
        bench=target.bench,
        names=target.names,
        packages=[target.package] if target.package else [],
    )
    loop = asyncio.get_running_loop()
    session = BenchmarkSession(request)

    def work(progress: Progress) -> RunOutcome:  # worker thread
        reporter = Reporter(progress)

        def on_event(event: RunEvent) -> None:
            if isinstance(event, Reporter.REPORTED):
                loop.call_soon_threadsafe(reporter, event)

        return session.run(on_event)

    title = f"benchlens: run {target.label}"
    outcome, progress, error = await in_worker(ls, session, work, target.label, title)
    if outcome is None:
        return error or result("failed", "the run did not start")
    try:
        stored = await asyncio.to_thread(store_run, outcome, state.config.current, merge=True)
    except (StoreError, OSError) as exc:  # an unreadable file to merge into, a full disk
        message = f"{target.label}: {exc}"
        progress.end("failed")
        ls.notifier.show(message, Level.ERROR)
        return result("failed", message)
    return await report_run(ls, target, stored, progress)


async def report_run(
    ls: BenchlensServer, target: Target, stored: StoredRun, progress: Progress
) -> Result:
    """The verdict on a run as a command result and a progress end; a stored run is shown
    at once, a failed one also as a message."""
    state, config = target.state, target.state.config
    if stored.verdict is RunVerdict.CANCELLED:
        progress.end("cancelled; results not written")
        return result("cancelled", f"{target.label}: {stored.message(config)}")
    if stored.verdict is RunVerdict.STORED:
        await ls.refresh(state, RefreshRequest(results=True))
        message = f"{target.label}: {stored.message(config)}"
        progress.end(message)
        benchmarks = [k.display_name for k in stored.outcome.results.benchmarks]
        return result("ok", message, written=str(stored.written), benchmarks=benchmarks)
    if stored.verdict is RunVerdict.FAILED:
        message = f"{target.label}: {failure_text(stored.outcome)}; {stored.where(config)}"
    else:
        message = f"{target.label}: {stored.message(config)}"
    progress.end("failed")
    ls.notifier.show(message, Level.ERROR)
    return result("failed", message)


#: Progress percentage as each profiling step begins.
STEP_PERCENT = {"find": 0, "build": 10, "run": 40, "top": 90}


def profile_work(
    profiler: Profiler, request: ProfileRequest, label: str, loop: asyncio.AbstractEventLoop
) -> Callable[[Progress], ProfileOutcome]:
    """The profiling to run in a worker thread, reporting its steps to the progress bar."""

    def work(progress: Progress) -> ProfileOutcome:
        def report(message: str, percent: int) -> None:
            loop.call_soon_threadsafe(progress.report, message, percent)

        def on_step(step: ProfileStep) -> None:
            texts = {
                "find": f"finding {step.package or label}",
                "build": f"building {step.package}",
                "run": f"running {label} (benchtime {request.benchtime})",
                "top": "reading the CPU profile",
            }
            report(texts[step.step], STEP_PERCENT[step.step])

        def on_line(line: str) -> None:
            if line.startswith("Benchmark"):
                report(" ".join(line.split()), STEP_PERCENT["run"])

        return profiler.run(on_line, on_step)

    return work


async def profile_target(ls: BenchlensServer, target: Target) -> Result:
    """CPU and memory profiles of one benchmark, and the commands that open them."""
    state = target.state
    if (refusal := refused(ls, state, f"profiling {target.label}")) is not None:
        return refusal
    assert target.package
    request = ProfileRequest.from_config(
        state.config,
        target.names[0] if target.names else target.label,
        pattern=names_pattern(target.names) if target.names else target.bench,
        package=target.package,
        mode=target.mode,
        benchtime=target.benchtime,
    )
    profiler = Profiler(request)
    work = profile_work(profiler, request, target.label, asyncio.get_running_loop())
    title = f"benchlens: profile {target.label}"
    outcome, progress, error = await in_worker(ls, profiler, work, target.label, title)
    if outcome is None:
        return error or result("failed", "the run did not start")
    if outcome.cancelled:
        progress.end("cancelled")
        return result("cancelled", f"{target.label}: profiling cancelled")
    if outcome.failure is not None:
        text = clip(str(outcome.failure))
        progress.end("failed")
        ls.notifier.show(f"{target.label}: {text}", Level.ERROR)
        return result("failed", text)
    commands = outcome.commands()
    message = f"{target.label}: profiles in {outcome.out_dir}; open with: {commands[0]}"
    progress.end(f"profiles in {outcome.out_dir}")
    ls.notifier.show(message, Level.INFO)
    paths = {"cpu": str(outcome.cpu), "mem": str(outcome.mem), "binary": str(outcome.binary)}
    return result("ok", message, **paths, commands=commands, top=list(outcome.top))
