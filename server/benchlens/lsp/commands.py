"""`workspace/executeCommand` handlers: run, profile, save baseline, refresh, report, cancel.

Each command answers with a JSON object `{"status": "ok" | "cancelled" | "failed" |
"refused", "message": ...}` and also tells the user (`window/showMessage`) when
something did not work. Runs go through the runner's `BenchmarkSession`, profiles
through its `Profiler`, in a worker thread; only one at a time, cancellable from the
progress bar, `$/cancelRequest` or `benchlens.cancelRun`. Nothing that executes
project code starts in an untrusted workspace.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lsprotocol import types

from benchlens.config import relative
from benchlens.history import atomic_write_text
from benchlens.lsp import convert
from benchlens.lsp.progress import Progress
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.state import FolderState
from benchlens.runner import (
    BenchmarkFinished,
    BenchmarkSession,
    BenchmarkStarted,
    BuildStarted,
    Cancellable,
    GoNotFound,
    PackageFinished,
    PackagesListed,
    RunEvent,
    RunOutcome,
    RunRequest,
    names_pattern,
    store,
)
from benchlens.runner.profile import ProfileOutcome, Profiler, ProfileRequest, ProfileStep
from benchlens.runner.store import BaselineError, RunVerdict, StoredRun, StoreError, store_run
from benchlens.views.markdown import render_markdown

log = logging.getLogger(__name__)

Result = dict[str, Any]
T = TypeVar("T")
#: Lines of Go's error output shown in a failure message.
ERROR_LINES = 12


def _result(status: str, message: str, **extra: Any) -> Result:
    return {"status": status, "message": message, **extra}


# --- arguments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a run or profile command is about, parsed from the command arguments."""

    state: FolderState
    package: str | None
    bench: str | None
    names: tuple[str, ...] = ()
    label: str = ""
    mode: str = "quick"
    count: int | None = None
    benchtime: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


class BadArguments(Exception):
    """Arguments the command cannot use; the message says what was expected."""


def _first_mapping(args: tuple[Any, ...]) -> dict[str, Any]:
    """Arguments as one object: `[{...}]`, or positional `[package, bench]`."""
    if len(args) == 1 and isinstance(args[0], Mapping):
        return dict(args[0])
    if all(isinstance(a, str) for a in args) and len(args) <= 2:
        out: dict[str, Any] = {}
        if args:
            out["package"] = args[0]
        if len(args) > 1:
            out["bench"] = args[1]
        return out
    if not args:
        return {}
    raise BadArguments(
        'expected one object {"package": ..., "bench": ...} or the strings package, bench'
    )


def _folder(ls: BenchlensServer, spec: Mapping[str, Any]) -> FolderState:
    for key in ("folder", "uri"):
        value = spec.get(key)
        if isinstance(value, str):
            if value in ls.folders:
                return ls.folders[value]
            path = ls.path_of(value)
            if path is not None and (state := ls.folder_of(path)) is not None:
                return state
    package = spec.get("package")
    if isinstance(package, str):
        for state in ls.folders.values():
            if state.index is not None and package in state.index.packages():
                return state
    if not ls.folders:
        raise BadArguments("no workspace folder is open")
    return next(iter(ls.folders.values()))


def parse_target(ls: BenchlensServer, args: tuple[Any, ...], need_bench: bool) -> Target:
    spec = _first_mapping(args)
    state = _folder(ls, spec)
    package = spec.get("package")
    if package is None and isinstance(spec.get("uri"), str) and state.index is not None:
        path = ls.path_of(spec["uri"])
        package = state.index.package_of_file(path) if path is not None else None
    if package is not None and not isinstance(package, str):
        raise BadArguments(f"package: expected an import path, got {package!r}")
    bench = spec.get("bench", spec.get("benchmark"))
    name = spec.get("name")
    names: tuple[str, ...] = ()
    if isinstance(name, str) and name:
        names = (name,)
    elif isinstance(name, list) and all(isinstance(n, str) for n in name):
        names = tuple(name)
    if bench is not None and not isinstance(bench, str):
        raise BadArguments(f"bench: expected a Go regexp, got {bench!r}")
    if need_bench and not bench and not names:
        raise BadArguments('expected "bench" (a -bench regexp) or "name" (an exact name)')
    mode = spec.get("mode", "quick")
    if mode not in ("quick", "default", "full"):
        raise BadArguments(f"mode: expected quick, default or full, got {mode!r}")
    count = spec.get("count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise BadArguments(f"count: expected a positive whole number, got {count!r}")
    benchtime = spec.get("benchtime")
    if benchtime is not None and not isinstance(benchtime, str):
        raise BadArguments(f"benchtime: expected a Go duration or Nx, got {benchtime!r}")
    label = spec.get("label") or (names[0] if names else bench) or package or "benchmarks"
    return Target(state, package, bench, names, str(label), mode, count, benchtime, spec)


# --- runs ----------------------------------------------------------------------------------------


class ActiveRun:
    """The one run (or profile) in progress: what it is and how to stop it."""

    def __init__(self, label: str, job: Cancellable) -> None:
        self.label = label
        self.job = job

    def cancel(self) -> None:
        self.job.cancel()


class _Reporter:
    """Turns runner events into progress messages with a percentage (on the loop)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.steps = 0
        self.done = 0

    def __call__(self, event: RunEvent) -> None:
        pct = round(100 * self.done / self.steps) if self.steps else None
        if isinstance(event, PackagesListed):
            self.steps = len(event.packages) * (event.runs + 1)
            names = ", ".join(p.import_path for p in event.packages) or "no package"
            self.progress.report(f"{names}: {event.runs} run(s)", 0)
        elif isinstance(event, BuildStarted):
            self.progress.report(f"building {event.package}", pct)
            self.done += 1
        elif isinstance(event, BenchmarkStarted):
            self.progress.report(f"run {event.run}: {event.name}", pct)
        elif isinstance(event, BenchmarkFinished):
            values = " ".join(f"{v.value:g} {v.unit}" for v in event.result.values[:2])
            self.progress.report(f"{event.result.key.display_name}: {values}", pct)
        elif isinstance(event, PackageFinished):
            self.done += 1


#: The runner events that become progress messages (the rest, e.g. raw output, do not).
_REPORTED = (PackagesListed, BuildStarted, BenchmarkStarted, BenchmarkFinished, PackageFinished)


def _refuse_untrusted(ls: BenchlensServer, state: FolderState, what: str) -> Result | None:
    if ls.trusted(state):
        return None
    message = (
        f"not {what}: the workspace {state.root} is not trusted, and running benchmarks "
        "executes the project's code. Reading and comparing results still works; trust "
        "the workspace (or remove `trusted = false`) to run."
    )
    ls.show(message, types.MessageType.Warning)
    return _result("refused", message)


def _refuse_busy(ls: BenchlensServer, what: str) -> Result | None:
    if ls.active_run is None:
        return None
    message = (
        f"not {what}: {ls.active_run.label} is still running; wait for it or cancel it "
        "(benchlens.cancelRun)"
    )
    ls.show(message, types.MessageType.Warning)
    return _result("refused", message)


def _watch_request_cancel(ls: BenchlensServer, run: ActiveRun) -> None:
    """`$/cancelRequest` for this command cancels the run too (pygls cancels its future)."""
    protocol: Any = ls.protocol
    future = getattr(protocol, "_request_futures", {}).get(protocol.msg_id)
    if future is not None:

        def cancelled(f: Any) -> None:
            if f.cancelled():
                run.cancel()

        future.add_done_callback(cancelled)


async def _in_worker(
    ls: BenchlensServer,
    job: Cancellable,
    work: Callable[[Progress], T],
    label: str,
    title: str,
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
            ls.show(str(exc), types.MessageType.Error)
            return None, progress, _result("failed", str(exc))
        except asyncio.CancelledError:
            job.cancel()
            progress.end("cancelled")
            raise
        return value, progress, None
    finally:
        ls.active_run = None


async def _run_session(
    ls: BenchlensServer, request: RunRequest, label: str, title: str
) -> tuple[RunOutcome | None, Progress, Result | None]:
    """Run `request` with progress; (outcome, progress, error result)."""
    loop = asyncio.get_running_loop()
    session = BenchmarkSession(request)

    def work(progress: Progress) -> RunOutcome:  # worker thread
        reporter = _Reporter(progress)

        def on_event(event: RunEvent) -> None:
            if isinstance(event, _REPORTED):
                loop.call_soon_threadsafe(reporter, event)

        return session.run(on_event)

    return await _in_worker(ls, session, work, label, title)


def _clip(text: str) -> str:
    """Go's error output, cut to ERROR_LINES lines for a message."""
    lines = text.splitlines()
    return "\n".join(lines[:ERROR_LINES]) + ("\n..." if len(lines) > ERROR_LINES else "")


def _failure_text(outcome: RunOutcome) -> str:
    more = f" (and {len(outcome.failures) - 1} more)" if len(outcome.failures) > 1 else ""
    return f"{_clip(str(outcome.failures[0]))}{more}"


async def run_target(ls: BenchlensServer, target: Target, what: str) -> Result:
    """Run benchmarks, merge their samples into the current results, show the new state."""
    state = target.state
    refused = _refuse_untrusted(ls, state, what) or _refuse_busy(ls, what)
    if refused is not None:
        return refused
    request = RunRequest.from_config(
        state.config,
        mode=target.mode,
        benchtime=target.benchtime,
        count=target.count,
        bench=target.bench,
        names=target.names,
        packages=[target.package] if target.package else [],
    )
    outcome, progress, error = await _run_session(
        ls, request, target.label, f"benchlens: run {target.label}"
    )
    if outcome is None:
        return error or _result("failed", "the run did not start")
    try:
        stored = await asyncio.to_thread(store_run, outcome, state.config.current, merge=True)
    except StoreError as exc:
        message = f"{target.label}: {exc}"
        progress.end("failed")
        ls.show(message, types.MessageType.Error)
        return _result("failed", message)
    return await _report_run(ls, state, target, stored, progress)


async def _report_run(
    ls: BenchlensServer, state: FolderState, target: Target, stored: StoredRun, progress: Progress
) -> Result:
    """The verdict on a run as a command result, a progress end and (unless it went well)
    a message; a stored run is shown at once."""
    config = state.config
    verdict = stored.verdict
    if verdict is RunVerdict.CANCELLED:
        progress.end("cancelled; results not written")
        return _result("cancelled", f"{target.label}: {stored.message(config)}")
    if verdict is RunVerdict.STORED:
        await ls.reload(state)
        message = f"{target.label}: {stored.message(config)}"
        progress.end(message)
        return _result(
            "ok",
            message,
            written=str(stored.written),
            benchmarks=[k.display_name for k in stored.outcome.results.benchmarks],
        )
    if verdict is RunVerdict.FAILED:
        message = f"{target.label}: {_failure_text(stored.outcome)}; {stored.where(config)}"
    else:
        message = f"{target.label}: {stored.message(config)}"
    progress.end("failed")
    ls.show(message, types.MessageType.Error)
    return _result("failed", message)


#: Progress percentage as each profiling step begins.
_STEP_PERCENT = {"find": 0, "build": 10, "run": 40, "top": 90}


async def profile_target(ls: BenchlensServer, target: Target) -> Result:
    """CPU and memory profiles of one benchmark, and the commands that open them."""
    state = target.state
    what = f"profiling {target.label}"
    refused = _refuse_untrusted(ls, state, what) or _refuse_busy(ls, what)
    if refused is not None:
        return refused
    if not target.package:
        raise BadArguments('profile needs "package" (an import path)')
    request = ProfileRequest.from_config(
        state.config,
        target.names[0] if target.names else target.label,
        pattern=names_pattern(target.names) if target.names else target.bench,
        package=target.package,
        mode=target.mode,
        benchtime=target.benchtime,
    )
    loop = asyncio.get_running_loop()
    profiler = Profiler(request)

    def work(progress: Progress) -> ProfileOutcome:  # worker thread
        def report(message: str, percent: int) -> None:
            loop.call_soon_threadsafe(progress.report, message, percent)

        def on_step(step: ProfileStep) -> None:
            texts = {
                "find": f"finding {step.package or target.label}",
                "build": f"building {step.package}",
                "run": f"running {target.label} (benchtime {request.benchtime})",
                "top": "reading the CPU profile",
            }
            report(texts[step.step], _STEP_PERCENT[step.step])

        def on_line(line: str) -> None:
            if line.startswith("Benchmark"):
                report(" ".join(line.split()), _STEP_PERCENT["run"])

        return profiler.run(on_line, on_step)

    outcome, progress, error = await _in_worker(
        ls, profiler, work, target.label, f"benchlens: profile {target.label}"
    )
    if outcome is None:
        return error or _result("failed", "the run did not start")
    if outcome.cancelled:
        progress.end("cancelled")
        return _result("cancelled", f"{target.label}: profiling cancelled")
    if outcome.failure is not None:
        text = _clip(str(outcome.failure))
        progress.end("failed")
        ls.show(f"{target.label}: {text}", types.MessageType.Error)
        return _result("failed", text)
    commands = outcome.commands()
    message = f"{target.label}: profiles in {outcome.out_dir}; open with: {commands[0]}"
    progress.end(f"profiles in {outcome.out_dir}")
    ls.show(message, types.MessageType.Info)
    return _result(
        "ok",
        message,
        cpu=str(outcome.cpu),
        mem=str(outcome.mem),
        binary=str(outcome.binary),
        commands=commands,
        top=list(outcome.top),
    )


# --- the other commands --------------------------------------------------------------------------


async def save_baseline(ls: BenchlensServer, state: FolderState) -> Result:
    config = state.config
    # git reads the repository's own config (hooks, fsmonitor): not in an untrusted one.
    use_git = ls.trusted(state)
    try:
        saved = await asyncio.to_thread(store.save_baseline, config, use_git=use_git)
    except BaselineError as exc:
        message = f"{exc}; run the benchmarks first" if exc.missing else str(exc)
        ls.show(message, types.MessageType.Warning)
        return _result("failed", message)
    state.history = None  # a new archived run: the trend changes
    await ls.reload(state, force=True)
    message = "; ".join(saved.lines(config))
    ls.show(message, types.MessageType.Info)
    return _result("ok", message, benchmarks=len(saved.results))


async def open_report(ls: BenchlensServer, state: FolderState) -> Result:
    comparison = state.view.comparison
    if comparison is None:
        message = f"no results in {relative(state.config, state.config.current)} yet"
        ls.show(message, types.MessageType.Warning)
        return _result("failed", message)
    path = state.config.report
    await asyncio.to_thread(atomic_write_text, path, render_markdown(comparison))
    uri = ls.uri_of(path)
    if ls.supports("window.show_document.support"):
        try:
            shown = await ls.window_show_document_async(
                types.ShowDocumentParams(uri=uri, take_focus=True)
            )
        except Exception as exc:
            log.info("showDocument failed: %r", exc)
        else:
            if shown is not None and shown.success:
                return _result("ok", f"opened {path}", path=str(path), uri=uri)
    ls.show(f"report written to {path}", types.MessageType.Info)
    return _result("ok", f"wrote {path}", path=str(path), uri=uri)


CommandHandler = Callable[..., Awaitable[Result]]


def _command(fn: CommandHandler) -> CommandHandler:
    """Bad arguments and unexpected errors become a `failed` result and a message."""

    @functools.wraps(fn)
    async def handler(ls: BenchlensServer, *args: Any) -> Result:
        started = time.monotonic()
        try:
            await ls.wait_ready()
            return await fn(ls, *args)
        except BadArguments as exc:
            message = f"{fn.__name__}: {exc}"
            ls.show(message, types.MessageType.Error)
            return _result("failed", message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("%s failed", fn.__name__)
            message = f"{fn.__name__} failed: {exc!r}"
            ls.show(message, types.MessageType.Error)
            return _result("failed", message)
        finally:
            log.info("%s took %.2fs", fn.__name__, time.monotonic() - started)

    return handler


def register(server: BenchlensServer) -> None:
    """Attach every command to `server`."""

    @server.command(convert.RUN_BENCHMARK)
    @_command
    async def run_benchmark(ls: BenchlensServer, *args: Any) -> Result:
        """Args: {"package", "bench" | "name", "folder"?, "mode"?, "count"?, "benchtime"?}."""
        target = parse_target(ls, args, need_bench=True)
        return await run_target(ls, target, f"running {target.label}")

    @server.command(convert.RUN_PACKAGE)
    @_command
    async def run_package_benchmarks(ls: BenchlensServer, *args: Any) -> Result:
        """Args: {"package" | "uri", "folder"?, "mode"?, "count"?, "benchtime"?}."""
        target = parse_target(ls, args, need_bench=False)
        if not target.package:
            raise BadArguments('expected "package" (an import path) or "uri" (a file in it)')
        target = Target(**{**target.__dict__, "bench": ".", "names": ()})
        return await run_target(ls, target, f"running the benchmarks of {target.package}")

    @server.command(convert.PROFILE_BENCHMARK)
    @_command
    async def profile_benchmark(ls: BenchlensServer, *args: Any) -> Result:
        """Args: as runBenchmark."""
        target = parse_target(ls, args, need_bench=True)
        return await profile_target(ls, target)

    @server.command(convert.SAVE_BASELINE)
    @_command
    async def save_baseline_command(ls: BenchlensServer, *args: Any) -> Result:
        """Args: none, or {"folder"}."""
        return await save_baseline(ls, _folder(ls, _first_mapping(args)))

    @server.command(convert.REFRESH)
    @_command
    async def refresh(ls: BenchlensServer, *args: Any) -> Result:
        """Re-read configuration, sources and results from scratch."""
        await ls.refresh_all()
        return _result("ok", "refreshed")

    @server.command(convert.OPEN_REPORT)
    @_command
    async def open_report_command(ls: BenchlensServer, *args: Any) -> Result:
        """Args: none, or {"folder"}."""
        return await open_report(ls, _folder(ls, _first_mapping(args)))

    @server.command(convert.CANCEL_RUN)
    @_command
    async def cancel_run(ls: BenchlensServer, *args: Any) -> Result:
        run = ls.active_run
        if run is None:
            return _result("ok", "nothing is running")
        run.cancel()
        return _result("ok", f"cancelling {run.label}")
