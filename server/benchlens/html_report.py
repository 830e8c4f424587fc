"""The HTML report file: where it goes and how it is written, for `benchlens report`
and the editor's `benchlens.openReport` alike.

The page itself is `benchlens.views.html`; this adds the trends from the history
directory, the time it was generated, and an atomic write next to the results
(`benchmark_results/report.html` unless told otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchlens.compare import Comparison
from benchlens.config import Config, check_writable
from benchlens.explain.model import Explanation
from benchlens.explain.saved import saved_explanations
from benchlens.history import atomic_write_text, utc_now
from benchlens.trend import History
from benchlens.views.explain import why_blocks
from benchlens.views.html import render_html

REPORT_NAME = "report.html"


def report_path(config: Config) -> Path:
    """The default place of the report: beside the current results."""
    return config.current.parent / REPORT_NAME


def write_html_report(
    comparison: Comparison,
    config: Config,
    *,
    output: Path | None = None,
    history: History | None = None,
    why: Sequence[Explanation] | None = None,
) -> Path:
    """Write the report of `comparison` atomically and return its path. `history`
    (already loaded, as the editor keeps it) saves reading the directory again; `why`
    (the saved explanations of regressions, `benchlens explain`) is read from the
    results directory when not given. Raises OSError when the file cannot be written
    (OutsideWorkspace, a PermissionError, when the default place leads out of the
    workspace through a symbolic link)."""
    path = output if output is not None else report_path(config)
    if output is None:
        check_writable(config, path)  # not through a symbolic link out of the workspace
    if why is None:
        why = saved_explanations(config, comparison).explanations
    page = render_html(
        comparison,
        history=history if history is not None else History.load(config.history),
        why=why_blocks(why),
        generated=utc_now().strftime("%Y-%m-%d %H:%M UTC"),
    )
    atomic_write_text(path, page)
    return path
