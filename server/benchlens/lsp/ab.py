"""`benchlens.abCompare`: `benchlens ab` from the editor.

The same run as the command line (`runner.ab.ABRun`: the base commit in a temporary
worktree, both sides alternated) and the same files (`runner.ab_store`), with a
progress bar that can cancel it. The comparison becomes the markdown report (as the
command line writes it) and the HTML report, which the editor is asked to open as
`benchlens.openReport` does; with `"save": true` the sides also become the baseline
and the current results, so diagnostics and lenses show this comparison.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from benchlens.config import Config
from benchlens.history import atomic_write_text
from benchlens.lsp import runs
from benchlens.lsp.arguments import ABArgs
from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.jobs import Result, result
from benchlens.lsp.progress import Progress
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.settings import Level
from benchlens.results.reader import ResultsFileError
from benchlens.runner import RunEvent, RunRequest
from benchlens.runner.ab import ABOutcome, ABRun
from benchlens.runner.ab_store import ABVerdict, StoredAB, save_ab, store_ab
from benchlens.views.facts import summary_line
from benchlens.views.markdown import render_markdown
from benchlens.worktree import ResolvedRef, WorktreeError, resolve_ref


@dataclass(frozen=True)
class ABCommandOutcome:
    """The command's answer, and the report to show when there is one."""

    result: Result
    report: Path | None = None


def _request(config: Config, args: ABArgs) -> RunRequest:
    return RunRequest.from_config(
        config,
        mode=args.mode,
        benchtime=args.benchtime,
        count=args.count,
        bench=args.bench,
        names=args.name,
        packages=[args.package] if args.package else [],
    )


def _failed(
    ls: BenchlensServer, message: str, progress: Progress | None = None
) -> ABCommandOutcome:
    if progress is not None:
        progress.end("failed")
    ls.notifier.show(message, Level.ERROR)
    return ABCommandOutcome(result("failed", message))


async def compare_with_ref(
    ls: BenchlensServer, state: FolderState, args: ABArgs
) -> ABCommandOutcome:
    what = f"comparing {args.ref or 'the baseline commit'} with the working tree"
    if (refusal := runs.refused(ls, state, what)) is not None:
        return ABCommandOutcome(refusal)
    config = state.config
    try:
        base = await asyncio.to_thread(resolve_ref, config, args.ref)
    except WorktreeError as exc:
        return _failed(ls, str(exc))
    ab = await asyncio.to_thread(ABRun, config, _request(config, args), base)
    loop = asyncio.get_running_loop()

    def work(progress: Progress) -> ABOutcome | WorktreeError:  # worker thread
        reporter = runs.Reporter(progress)

        def on_event(event: RunEvent) -> None:
            if isinstance(event, runs.Reporter.REPORTED):
                loop.call_soon_threadsafe(reporter, event)

        try:
            return ab.run(on_event)
        except WorktreeError as exc:
            return exc

    label = f"A/B {base.ref}"
    title = f"benchlens: {base.ref} ({base.commit[:7]}) against the working tree"
    outcome, progress, error = await runs.in_worker(ls, ab, work, label, title)
    if outcome is None:
        return ABCommandOutcome(error or result("failed", "the A/B run did not start"))
    if isinstance(outcome, WorktreeError):
        return _failed(ls, str(outcome), progress)
    try:
        stored = await asyncio.to_thread(store_ab, outcome, config)
    except ResultsFileError as exc:
        return _failed(ls, str(exc), progress)
    return await _finish(ls, state, args, base, stored, progress)


async def _finish(
    ls: BenchlensServer,
    state: FolderState,
    args: ABArgs,
    base: ResolvedRef,
    stored: StoredAB,
    progress: Progress,
) -> ABCommandOutcome:
    config = state.config
    message = stored.message(config)
    if stored.verdict is ABVerdict.CANCELLED:
        progress.end(message)
        return ABCommandOutcome(result("cancelled", message))
    comparison = stored.comparison
    if comparison is None:
        if stored.verdict is ABVerdict.FAILED:  # Go's own words first
            message = f"{runs.clip(str(stored.outcome.failures[0]))}\n{message}"
        return _failed(ls, message, progress)
    await asyncio.to_thread(atomic_write_text, config.report, render_markdown(comparison))
    # Imported here: the page's template engine has no place in the server's start-up.
    from benchlens.html_report import write_html_report

    try:
        page = await asyncio.to_thread(
            lambda: write_html_report(comparison, config, history=state.load_history())
        )
    except OSError as exc:
        return _failed(ls, f"cannot write the report: {exc.strerror or exc}", progress)
    if args.save:
        await asyncio.to_thread(save_ab, stored, config, base)
        state.history = None  # a new archived baseline: the trend changes
        await ls.refresh(state, RefreshRequest(results=True))
    summary = f"{base.ref} ({base.commit[:7]}) → working tree: {summary_line(comparison)}"
    progress.end(summary)
    regressions = comparison.regressions
    ls.notifier.show(summary, Level.WARNING if regressions else Level.INFO)
    base_path, head_path = stored.paths
    answer = result(
        "ok",
        summary,
        ref=base.ref,
        commit=base.commit,
        base=str(base_path),
        head=str(head_path),
        report=str(config.report),
        html=str(page),
        summary=comparison.summary,
        regressions=[b.key.display_name for b in regressions],
        saved=args.save,
        note=base.note,
    )
    return ABCommandOutcome(answer, page)
