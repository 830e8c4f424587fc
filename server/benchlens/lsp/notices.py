"""What the user is told about a folder's configuration and results: plain functions
from a folder's state to `Notice`s, which the server shows once each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchlens.config import ConfigIssue
from benchlens.lsp.folder import FolderState
from benchlens.lsp.settings import Level
from benchlens.views.findings import Placement

#: Unmapped results named in the log, at most.
UNRESOLVED_SHOWN = 10


@dataclass(frozen=True)
class Notice:
    """One thing to tell the user; `key` says when two notices are the same news."""

    key: str
    text: str
    level: Level
    #: False: only ever logged (never a pop-up).
    popup: bool = True


def config_notices(issues: Sequence[ConfigIssue]) -> list[Notice]:
    """Each configuration problem (the file also gets diagnostics at its lines)."""
    out: list[Notice] = []
    for issue in issues:
        text = str(issue)
        if "default" not in text:
            text += " (the default is used)"
        out.append(Notice(f"config:{issue}", text, Level.WARNING))
    return out


def unresolved_text(placement: Placement) -> str:
    """An unplaced result as `pkg.Name (why)`."""
    key = placement.bench.key
    text = f"{key.package}.{key.name}" if key.package else key.name
    reason = placement.resolution.reason
    return f"{text} ({reason})" if reason else text


def results_notices(state: FolderState) -> list[Notice]:
    """Problems with the results files, a failed comparison, and results that map to no
    source file (a log line)."""
    out: list[Notice] = []
    for file in state.results_files():
        if file.error:
            out.append(Notice(f"results:{file.error}", file.error, Level.WARNING))
        issues = file.results.issues if file.results is not None else []
        if issues:
            first = issues[0]
            more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
            text = (
                f"{first.location.path} line {first.location.line}: {first.message}"
                f"{more}; those lines are skipped"
            )
            out.append(
                Notice(f"results:{file.path}:{[str(i) for i in issues]}", text, Level.WARNING)
            )
    if state.failure is not None:
        out.append(
            Notice(f"results:failure:{state.failure.message}", state.failure.message, Level.ERROR)
        )
    unresolved = state.view.unresolved
    if unresolved:
        names = ", ".join(unresolved_text(u) for u in unresolved[:UNRESOLVED_SHOWN])
        extra = len(unresolved) - UNRESOLVED_SHOWN
        more = f" and {extra} more" if extra > 0 else ""
        text = f"{len(unresolved)} result(s) in {state.root} map to no source file: {names}{more}"
        out.append(Notice(f"results:unresolved:{names}{more}", text, Level.WARNING, popup=False))
    return out
