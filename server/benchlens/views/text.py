"""The terminal table: plain aligned text, one row per metric, grouped by package.

Written by hand rather than with a rich `Table`: the layout is simple (left and
right aligned columns), and a comparison of 2,000 benchmarks × 4 units must print
in a fraction of a second (rich measured every cell of 8,000 rows in ~7 s).
Colour (ANSI) only when asked, i.e. on a terminal without `NO_COLOR`.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TextIO

from benchlens.compare import Comparison, Status
from benchlens.views.escape import visible
from benchlens.views.facts import (
    SAVE_BASELINE_HINT,
    coverage_warning,
    difference_notes,
    report_facts,
    summary_line,
)
from benchlens.views.table import GEOMEAN, Footnotes, Row, marks, package_tables

_HEADER = ("Benchmark", "Metric", "Baseline", "Current", "Change", "p, n", "Status")
_RIGHT = (False, False, True, True, True, False, False)

_RESET = "\x1b[0m"
_COLOR = {
    Status.REGRESSION: "\x1b[1;31m",
    Status.IMPROVEMENT: "\x1b[32m",
    Status.MISSING: "\x1b[33m",
    Status.NEW: "\x1b[36m",
}
_BOLD = "\x1b[1m"


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour for a terminal, unless `NO_COLOR` is set to anything (no-color.org)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def text_width(text: str) -> int:
    """Terminal columns of `text`: wide (CJK, emoji) characters take two, combining none."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cells(name: str, row: Row, footnotes: Footnotes) -> tuple[str, str, str, str, str, str, str]:
    refs = marks(footnotes.refs(row.notes))
    p = f"{row.p} {refs}".strip() if refs else row.p
    status = row.status.badge if row.status is not None else ""
    return (name, row.unit, row.baseline, row.current, row.change, p, status)


def _layout(lines: list[tuple[str, ...] | str]) -> list[int]:
    widths = [0] * len(_HEADER)
    for line in lines:
        if isinstance(line, tuple):
            for i, cell in enumerate(line):
                w = text_width(cell)
                if w > widths[i]:
                    widths[i] = w
    return widths


def _format(cells: Sequence[str], widths: Sequence[int], color: str | None) -> str:
    out = []
    last = len(cells) - 1
    for i, cell in enumerate(cells):
        pad = widths[i] - text_width(cell)
        if i == last:
            text = cell
        elif _RIGHT[i]:
            text = " " * pad + cell
        else:
            text = cell + " " * pad
        if color and i in (4, 6) and cell:
            text = f"{color}{text}{_RESET}"
        out.append(text)
    return "  ".join(out).rstrip()


def table_lines(
    comparison: Comparison, *, only_changed: bool = False
) -> tuple[list[tuple[str, ...] | str], Footnotes, list[Status | None]]:
    """The table as rows of cells (tuples) and package headings (strings)."""
    footnotes = Footnotes()
    lines: list[tuple[str, ...] | str] = []
    statuses: list[Status | None] = []
    for table in package_tables(comparison, only_changed=only_changed):
        lines.append(f"pkg: {table.package}" if table.package else "")
        statuses.append(None)
        lines.append(_HEADER)
        statuses.append(None)
        for bench in (*table.changed, *table.unchanged):
            for i, row in enumerate(bench.rows):
                lines.append(_cells(bench.name if i == 0 else "", row, footnotes))
                statuses.append(row.status)
        for i, row in enumerate(table.geomeans):
            lines.append(_cells(GEOMEAN if i == 0 else "", row, footnotes))
            statuses.append(None)
    return lines, footnotes, statuses


def render_text(comparison: Comparison, color: bool = False, only_changed: bool = False) -> str:
    """The table, its footnotes and notes, and the summary as text; `color` for a terminal."""
    out = [f"{label}: {visible(text)}" for label, text in report_facts(comparison)]
    out += [f"note: {visible(note)}" for note in difference_notes(comparison)]
    warning = coverage_warning(comparison)
    if warning:
        out.append(f"warning: {visible(warning)}")
    lines, footnotes, statuses = table_lines(comparison, only_changed=only_changed)
    widths = _layout(lines)
    for line, status in zip(lines, statuses, strict=True):
        if isinstance(line, str):
            out.append("")
            if line:
                out.append(f"{_BOLD}{line}{_RESET}" if color else line)
        else:
            tint = _COLOR.get(status) if color and status is not None else None
            out.append(_format(line, widths, tint))
    if only_changed and not lines:
        out += ["", "no changes"]
    if footnotes:
        out.append("")
        out += [f"{marks([n])} {text}" for n, text in footnotes.items()]
    out += ["", summary_line(comparison)]
    if not comparison.has_baseline:
        out.append(SAVE_BASELINE_HINT)
    return "\n".join(out) + "\n"
