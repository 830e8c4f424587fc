"""`benchlens.explainRegression` (and the `why?` lens on a regressed benchmark): runs
`benchlens explain` with progress and cancellation, then shows where the cost grew
(`why.py`). An untrusted workspace does not run it: it builds and runs the project's code."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from benchlens.explain.session import ExplainOutcome, ExplainRequest, ExplainSession, ExplainStep
from benchlens.lsp.jobs import Result, result
from benchlens.lsp.progress import Progress
from benchlens.lsp.runs import Target, clip, in_worker, refused
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.settings import Level
from benchlens.lsp.why import why_of

#: Progress percentage as each step begins.
STEP_PERCENT = {"ref": 0, "find": 2, "worktree": 5, "build": 10, "run": 30, "analyse": 95}


def explain_work(
    session: ExplainSession, request: ExplainRequest, loop: asyncio.AbstractEventLoop
) -> Callable[[Progress], ExplainOutcome]:
    """The explaining to run in a worker thread, reporting its steps to the progress bar."""

    def work(progress: Progress) -> ExplainOutcome:
        def on_step(step: ExplainStep) -> None:
            side = {"base": "baseline", "cur": "current"}.get(step.side or "", "")
            percent = STEP_PERCENT[step.step]
            if step.step == "run" and step.runs:
                done = 2 * (step.run - 1) + (step.side == "cur")
                percent = 30 + int(60 * done / (2 * step.runs))
            texts = {
                "ref": "choosing the baseline commit",
                "find": "finding the package",
                "worktree": f"checking out {step.detail}",
                "build": f"building the {side} side",
                "run": f"profiling the {side} side, run {step.run}/{step.runs}",
                "analyse": "diffing the profiles",
            }
            loop.call_soon_threadsafe(progress.report, texts[step.step], percent)

        return session.run(None, on_step)

    return work


async def explain_target(ls: BenchlensServer, target: Target) -> Result:
    """Explain one regressed benchmark and show where its cost grew."""
    state = target.state
    name = target.names[0] if len(target.names) == 1 else None
    if name is None:
        return result("failed", 'explainRegression needs "name": one exact benchmark name')
    if (refusal := refused(ls, state, f"explaining {name}")) is not None:
        return refusal
    request = ExplainRequest.from_config(
        state.config, name, package=target.package, benchtime=target.benchtime
    )
    session = ExplainSession(request)
    work = explain_work(session, request, asyncio.get_running_loop())
    outcome, progress, error = await in_worker(ls, session, work, name, f"benchlens: why {name}")
    if outcome is None:
        return error or result("failed", "explaining did not start")
    if outcome.cancelled:
        progress.end("cancelled")
        return result("cancelled", f"{name}: explaining cancelled")
    if outcome.failure is not None or outcome.explanation is None:
        text = clip(str(outcome.failure)) if outcome.failure else "no explanation"
        progress.end("failed")
        ls.notifier.show(f"{name}: {text}", Level.ERROR)
        return result("failed", text)
    why = await asyncio.to_thread(why_of, outcome.explanation, state.config.root)
    state.why = why
    ls.publish()
    shown = [(str(w.path), w.line + 1) for lines in why.lines.values() for w in lines]
    where = ", ".join(f"{Path(p).name}:{n}" for p, n in shown[:3]) or "no line of the code"
    message = f"{name}: the cost grew at {where}" + (" (and more)" if len(shown) > 3 else "")
    progress.end(message)
    return result(
        "ok",
        message,
        saved=str(outcome.saved) if outcome.saved else None,
        lines=[{"path": p, "line": n} for p, n in shown],
        notes=list(outcome.notes),
    )
