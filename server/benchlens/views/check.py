"""`benchlens check` lines: `file:line:col: severity: message`, or GitHub Actions commands."""

from __future__ import annotations

import os
from pathlib import Path

from benchlens.views.escape import visible
from benchlens.views.findings import Finding

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def display_path(path: Path, base: Path) -> str:
    """`path` relative to `base` when below it (what editors and CI logs link best)."""
    try:
        return os.path.relpath(path, base) if path.is_relative_to(base) else str(path)
    except ValueError:
        return str(path)


def _escape_data(text: str) -> str:
    """A workflow command's data: `%`, CR and LF encoded as GitHub reads them, and every
    other control character shown escaped (a CI log is a terminal too)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def text_line(finding: Finding, base: Path, fallback: str) -> str:
    """One finding as a compiler-style line; unplaced ones name the results file instead."""
    message = visible(finding.message)
    if finding.path is None or finding.range is None:
        return f"{visible(fallback)}: {finding.severity}: {message}"
    line, col = finding.range.start_line + 1, finding.range.start_col + 1
    path = visible(display_path(finding.path, base))
    return f"{path}:{line}:{col}: {finding.severity}: {message}"


def github_line(finding: Finding, base: Path, fallback: str) -> str:
    """One finding as a GitHub Actions workflow command (an annotation on the PR's diff)."""
    level = _GITHUB_LEVEL.get(finding.severity, "notice")
    title = _escape_property(f"benchlens: {finding.bench.status.badge}")
    if finding.path is None or finding.range is None:
        props = f"file={_escape_property(fallback)},title={title}"
    else:
        props = (
            f"file={_escape_property(display_path(finding.path, base))},"
            f"line={finding.range.start_line + 1},col={finding.range.start_col + 1},"
            f"endLine={finding.range.end_line + 1},title={title}"
        )
    return f"::{level} {props}::{_escape_data(finding.message)}"
