"""The terminal table: plain aligned text, one row per metric, grouped by package.

Written by hand rather than with a rich `Table`: the layout is simple (left and
right aligned columns), and a comparison of 2,000 benchmarks × 4 units must print
in a fraction of a second (rich measured every cell of 8,000 rows in ~7 s).
Colour (ANSI) only when asked, i.e. on a terminal without `NO_COLOR`.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Mapping
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


# Characters that may not take exactly one column: combining marks, zero-width and
# bidi characters, East Asian wide and fullwidth ranges, emoji and symbols. A superset:
# a string with none of them is as wide as it is long (the fast path, checked in C).
# Compiled on the first non-ASCII text: most tables have none, and it costs 3 ms.
_MAYBE_NOT_ONE_COLUMN = (
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u065f\u0670-\u0dff\u1100-\u11ff"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u200b-\u200f\u202a-\u202e\u2060-\u206f\u20d0-\u20ff"
    "\u2300-\u23ff\u2600-\u27bf\u2e80-\ua4cf\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\ufe00-\ufe6f\uff00-\uffef\U0001f000-\U0001faff\U00020000-\U0003ffff]"
)


@functools.cache
def _maybe_not_one_column() -> re.Pattern[str]:
    return re.compile(_MAYBE_NOT_ONE_COLUMN)


def text_width(text: str) -> int:
    """Terminal columns of `text`: wide (CJK, emoji) characters take two, combining none."""
    if text.isascii() or not _maybe_not_one_column().search(text):
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cells(name: str, row: Row, footnotes: Footnotes) -> tuple[str, ...]:
    p = row.p
    if row.notes:
        p = f"{p} {marks(footnotes.refs(row.notes))}"
    status = row.status.badge if row.status is not None else ""
    return (name, row.unit, row.baseline, row.current, row.change, p, status)


_Line = tuple[tuple[str, ...], tuple[int, ...], Status | None] | str


def _measure(cells: tuple[str, ...]) -> tuple[int, ...]:
    """Each cell's width (the last column's is not needed)."""
    shown = cells[:-1]
    joined = "".join(shown)
    if joined.isascii() or _maybe_not_one_column().search(joined) is None:
        return tuple(map(len, shown))  # one column per character: the usual row
    return tuple(len(c) if c.isascii() else text_width(c) for c in shown)


def _format(
    cells: tuple[str, ...], measured: tuple[int, ...], widths: list[int], color: str | None
) -> str:
    name, unit, base, cur, change, p, status = cells
    w_name, w_unit, w_base, w_cur, w_change, w_p = measured
    change = " " * (widths[4] - w_change) + change
    if color:
        change = f"{color}{change}{_RESET}"
        status = f"{color}{status}{_RESET}" if status else status
    line = (
        f"{name}{' ' * (widths[0] - w_name)}  {unit}{' ' * (widths[1] - w_unit)}  "
        f"{' ' * (widths[2] - w_base)}{base}  {' ' * (widths[3] - w_cur)}{cur}  {change}  "
        f"{p}{' ' * (widths[5] - w_p)}  {status}"
    )
    return line.rstrip()


def table_lines(
    comparison: Comparison, widths: list[int], *, only_changed: bool = False
) -> tuple[list[_Line], Footnotes]:
    """The table as rows (cells, their widths, status) and package headings (strings);
    `widths` is widened to the widest cell of each column."""
    footnotes = Footnotes()
    lines: list[_Line] = []
    header = _measure(_HEADER)
    measured = [header]
    # A row shared by benchmarks (the metrics with equal samples, `PackageTable.formatted`)
    # shows the same cells wherever it has no name: they are made and measured once. Its
    # notes are numbered the first time; later lookups would only find the same numbers.
    # The tables keep every row alive while this runs, so their ids stay theirs.
    unnamed: dict[int, tuple[tuple[str, ...], tuple[int, ...]]] = {}
    for table in package_tables(comparison, only_changed=only_changed):
        lines.append(f"pkg: {table.package}" if table.package else "")
        lines.append((_HEADER, header, None))
        for bench in (*table.changed, *table.unchanged):
            name = bench.name
            for row in bench.rows:
                found = None if name else unnamed.get(id(row))
                if found is None:
                    cells = _cells(name, row, footnotes)
                    sizes = _measure(cells)
                    if not name:
                        unnamed[id(row)] = (cells, sizes)
                else:
                    cells, sizes = found
                measured.append(sizes)
                lines.append((cells, sizes, row.status))
                name = ""
        name = GEOMEAN
        for row in table.geomeans:
            cells = _cells(name, row, footnotes)
            sizes = _measure(cells)
            measured.append(sizes)
            lines.append((cells, sizes, None))
            name = ""
    widths[: len(header)] = map(max, widths, map(max, zip(*measured, strict=True)))
    return lines, footnotes


def render_text(comparison: Comparison, color: bool = False, only_changed: bool = False) -> str:
    """The table, its footnotes and notes, and the summary as text; `color` for a terminal."""
    out = [f"{label}: {visible(text)}" for label, text in report_facts(comparison)]
    out += [f"note: {visible(note)}" for note in difference_notes(comparison)]
    warning = coverage_warning(comparison)
    if warning:
        out.append(f"warning: {visible(warning)}")
    widths = [0] * len(_HEADER)
    lines, footnotes = table_lines(comparison, widths, only_changed=only_changed)
    for line in lines:
        if isinstance(line, str):
            out.append("")
            if line:
                out.append(f"{_BOLD}{line}{_RESET}" if color else line)
        else:
            cells, measured, status = line
            tint = _COLOR.get(status) if color and status is not None else None
            out.append(_format(cells, measured, widths, tint))
    if only_changed and not lines:
        out += ["", "no changes"]
    if footnotes:
        out.append("")
        out += [f"{marks([n])} {text}" for n, text in footnotes.items()]
    out += ["", summary_line(comparison)]
    if not comparison.has_baseline:
        out.append(SAVE_BASELINE_HINT)
    return "\n".join(out) + "\n"
