"""`workspace/executeCommand` handlers: one module-level function per command, each taking
its typed arguments (`arguments.py`) and answering `{"status": "ok" | "cancelled" |
"failed" | "refused", "message": ...}` (and a message to the user when something did not
work). Register a new command with `@command(NAME, ArgsClass)`; `main` does the rest."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from lsprotocol import types

from benchlens.config import relative
from benchlens.lsp import ab, client_config, convert, explain, runs
from benchlens.lsp.arguments import ABArgs, BadArguments, FolderArgs, RunArgs, structure
from benchlens.lsp.documents import path_of
from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.jobs import Result, result
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.settings import Level
from benchlens.runner.store import BaselineError, save_baseline

log = logging.getLogger(__name__)

#: How long `benchlens.refresh` waits for the folders before answering (they go on).
REFRESH_TIMEOUT = 60.0

Handler = Callable[..., Awaitable[Result]]

#: (command name, argument class or None, handler) of every command, registered by `main`.
COMMANDS: list[tuple[str, type[Any] | None, Handler]] = []


def command(name: str, arguments: type[Any] | None = None) -> Callable[[Handler], Handler]:
    """Register `fn(ls, args)` (or `fn(ls)` without an argument class) as command `name`."""

    def register(fn: Handler) -> Handler:
        COMMANDS.append((name, arguments, fn))
        return fn

    return register


def pygls_handler(name: str, arguments: type[Any] | None, fn: Handler) -> Handler:
    """The handler pygls calls with the raw arguments: structures them, waits for the start,
    and turns bad arguments and unexpected errors into a `failed` result and a message."""

    # Not functools.wraps: pygls would follow `__wrapped__` to `fn`'s signature and
    # structure the arguments itself, answering a wrong one with an error, not a result.
    async def handler(ls: BenchlensServer, *args: Any) -> Result:
        started = time.monotonic()
        try:
            await ls.wait_ready()
            if arguments is None:
                return await fn(ls)
            return await fn(ls, structure(ls.converter, args, arguments))
        except BadArguments as exc:
            message = f"{name}: {exc}"
            ls.notifier.show(message, Level.ERROR)
            return result("failed", message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("%s failed", name)
            message = f"{name} failed: {exc!r}"
            ls.notifier.show(message, Level.ERROR)
            return result("failed", message)
        finally:
            log.info("%s took %.2fs", name, time.monotonic() - started)

    handler.__name__ = handler.__qualname__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


# --- arguments → folder and target ---------------------------------------------------------


def folder_for(ls: BenchlensServer, folder: str | None, package: str | None = None) -> FolderState:
    """The folder a command is about: named by URI (or a URI inside it), else the one whose
    index has `package`, else the first."""
    if folder is not None:
        if folder in ls.folders:
            return ls.folders[folder]
        path = path_of(folder)
        if path is not None and (state := ls.folder_of(path)) is not None:
            return state
    if package is not None:
        for state in ls.folders.values():
            if state.index is not None and package in state.index.packages():
                return state
    if not ls.folders:
        raise BadArguments("no workspace folder is open")
    return next(iter(ls.folders.values()))


def target_of(ls: BenchlensServer, args: RunArgs, *, need_bench: bool) -> runs.Target:
    state = folder_for(ls, args.folder or args.uri, args.package)
    package = args.package
    if package is None and args.uri is not None and state.index is not None:
        path = path_of(args.uri)
        package = state.index.package_of_file(path) if path is not None else None
    if need_bench and not args.bench and not args.name:
        raise BadArguments('expected "bench" (a -bench regexp) or "name" (an exact name)')
    return runs.Target(
        state, package, args.bench, args.name, args.display, args.mode, args.count, args.benchtime
    )


# --- the commands ----------------------------------------------------------------------------


@command(convert.RUN_BENCHMARK, RunArgs)
async def run_benchmark(ls: BenchlensServer, args: RunArgs) -> Result:
    target = target_of(ls, args, need_bench=True)
    return await runs.run_target(ls, target, f"running {target.label}")


@command(convert.RUN_PACKAGE, RunArgs)
async def run_package_benchmarks(ls: BenchlensServer, args: RunArgs) -> Result:
    target = target_of(ls, args, need_bench=False)
    if not target.package:
        raise BadArguments('expected "package" (an import path) or "uri" (a file in it)')
    whole = runs.Target(target.state, target.package, ".", (), target.label, target.mode,
                        target.count, target.benchtime)  # fmt: skip
    return await runs.run_target(ls, whole, f"running the benchmarks of {target.package}")


@command(convert.PROFILE_BENCHMARK, RunArgs)
async def profile_benchmark(ls: BenchlensServer, args: RunArgs) -> Result:
    target = target_of(ls, args, need_bench=True)
    if not target.package:
        raise BadArguments('profile needs "package" (an import path)')
    return await runs.profile_target(ls, target)


@command(convert.EXPLAIN_REGRESSION, RunArgs)
async def explain_regression(ls: BenchlensServer, args: RunArgs) -> Result:
    """Profile a regressed benchmark on both sides; show where its cost grew."""
    target = target_of(ls, args, need_bench=True)
    return await explain.explain_target(ls, target)


@command(convert.SAVE_BASELINE, FolderArgs)
async def save_baseline_command(ls: BenchlensServer, args: FolderArgs) -> Result:
    """Current → baseline (with commit and date), archived in history."""
    state = folder_for(ls, args.folder)
    config = state.config
    # git reads the repository's own config (hooks, fsmonitor): not in an untrusted one.
    use_git = ls.trusted(state)
    try:
        saved = await asyncio.to_thread(save_baseline, config, use_git=use_git)
    except BaselineError as exc:
        message = f"{exc}; run the benchmarks first" if exc.missing else str(exc)
        ls.notifier.show(message, Level.ERROR)
        return result("failed", message)
    state.history = None  # a new archived run: the trend changes
    await ls.refresh(state, RefreshRequest(results=True))
    message = "; ".join(saved.lines(config))
    ls.notifier.show(message, Level.INFO)
    return result("ok", message, benchmarks=len(saved.results))


@command(convert.REFRESH)
async def refresh(ls: BenchlensServer) -> Result:
    """Re-read configuration, sources and results from scratch, taking files as they are."""

    async def everything() -> None:
        await client_config.pull_configuration(ls, ls.folders)
        for state in list(ls.folders.values()):
            settings = client_config.folder_settings(ls, state.uri)
            request = RefreshRequest(settings=settings, reindex=True, reread=True)
            await ls.refresh(state, request, lenses=False)
        ls.rewatch()
        await ls.refresh_lenses()

    task = ls.spawn(everything())
    try:
        await asyncio.wait_for(asyncio.shield(task), REFRESH_TIMEOUT)
    except TimeoutError:
        message = f"still refreshing after {REFRESH_TIMEOUT:.0f}s; the results will follow"
        return result("failed", message)
    return result("ok", "refreshed")


@command(convert.OPEN_REPORT, FolderArgs)
async def open_report(ls: BenchlensServer, args: FolderArgs) -> Result:
    """Write the HTML report (the page of `benchlens report`) and ask the editor to open
    it outside, in the browser (`window/showDocument` with `external`)."""
    state = folder_for(ls, args.folder)
    comparison = state.view.comparison
    if comparison is None:
        message = f"no results in {relative(state.config, state.config.current)} yet"
        ls.notifier.show(message, Level.ERROR)
        return result("failed", message)
    # Imported here: the page's template engine has no place in the server's start-up.
    from benchlens.html_report import write_html_report

    try:
        path = await asyncio.to_thread(
            lambda: write_html_report(comparison, state.config, history=state.load_history())
        )
    except OSError as exc:
        message = f"cannot write the report: {exc.strerror or exc}"
        ls.notifier.show(message, Level.ERROR)
        return result("failed", message)
    uri = ls.documents.uri_of(path)
    if await show_document(ls, uri, external=True):
        return result("ok", f"opened {path}", path=str(path), uri=uri)
    ls.notifier.show(f"report written to {path}", Level.INFO)
    return result("ok", f"wrote {path}", path=str(path), uri=uri)


async def show_document(ls: BenchlensServer, uri: str, *, external: bool = False) -> bool:
    """Ask the editor to show `uri` (`window/showDocument`; `external`: in the browser or
    the system's program for it); whether it did."""
    if not ls.supports("window.show_document.support"):
        return False
    try:
        params = types.ShowDocumentParams(uri=uri, external=external or None)
        shown = await ls.window_show_document_async(params)
    except Exception as exc:
        log.info("showDocument failed: %r", exc)
        return False
    return shown is not None and shown.success


@command(convert.AB_COMPARE, ABArgs)
async def ab_compare(ls: BenchlensServer, args: ABArgs) -> Result:
    """The working tree against another commit (by default the baseline's), runs
    alternated; the report shown, the sides saved as baseline/current when asked."""
    state = folder_for(ls, args.folder, args.package)
    outcome = await ab.compare_with_ref(ls, state, args)
    if outcome.report is not None and outcome.result["status"] == "ok":
        await show_document(ls, ls.documents.uri_of(outcome.report), external=True)
    return outcome.result


@command(convert.CANCEL_RUN)
async def cancel_run(ls: BenchlensServer) -> Result:
    run = ls.active_run
    if run is None:
        return result("ok", "nothing is running")
    run.cancel()
    return result("ok", f"cancelling {run.label}")


@command(convert.STATUS)
async def status(ls: BenchlensServer) -> Result:
    """Each folder's counts per status and its baseline's commit and date (for a status bar)."""
    folders: list[dict[str, Any]] = []
    for state in ls.folders.values():
        comparison = state.view.comparison
        info = comparison.baseline_info if comparison is not None else {}
        folders.append(
            {
                "folder": state.uri,
                "name": state.root.name,
                "baseline": relative(state.config, state.config.baseline),
                "hasBaseline": comparison is not None and comparison.has_baseline,
                "commit": info.get("commit"),
                "date": info.get("date"),
                "summary": comparison.summary if comparison is not None else {},
            }
        )
    names = ", ".join(f["name"] for f in folders) or "no folder"
    return result("ok", f"status of {names}", folders=folders)
