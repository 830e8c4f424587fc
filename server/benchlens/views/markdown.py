"""The PR comment (and `regression_report.md`): `Benchmark | Metric | Baseline | Current |
Change | Status` tables, one per package, changed benchmarks first, unchanged folded away.

GitHub renders this, so every cell and every line of prose goes through
`escape.md_code` (names, packages, units, values: verbatim code spans) or
`escape.md_text` (everything else): nothing from a results file can become a
link, an image, HTML, a mention or a broken row.
"""

from __future__ import annotations

from collections.abc import Sequence

from benchlens.compare import Comparison
from benchlens.views.escape import md_code, md_text
from benchlens.views.facts import (
    SAVE_BASELINE_HINT,
    coverage_warning,
    difference_notes,
    report_facts,
    summary_line,
)
from benchlens.views.table import (
    GEOMEAN,
    BenchmarkRows,
    Footnotes,
    PackageTable,
    Row,
    marks,
    package_tables,
)

#: GitHub refuses a comment body longer than this.
COMMENT_LIMIT = 65_536
#: What the table may take of it: the workflow adds a line or two of its own.
MARKDOWN_BUDGET = 60_000
#: Kept free for what follows the tables: the left-out notes and the footnotes.
_FOOTER_RESERVE = 4_000

HEADER = (
    "| Benchmark | Metric | Baseline | Current | Change | Status |\n"
    "| --- | --- | ---: | ---: | ---: | --- |"
)


def table_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _change_cell(row: Row, footnotes: Footnotes) -> str:
    text = row.change
    if row.p:
        text += f" ({row.p})"
    refs = marks(footnotes.refs(row.notes))
    return md_text(f"{text} {refs}".strip() if refs else text)


def _row(name: str, row: Row, footnotes: Footnotes) -> str:
    return table_row(
        [
            name,
            md_code(row.unit),
            md_code(row.baseline) if row.baseline != "—" else "—",
            md_code(row.current) if row.current != "—" else "—",
            _change_cell(row, footnotes),
            md_text(row.status.badge) if row.status is not None else "",
        ]
    )


def _table(
    table: PackageTable, benches: Sequence[BenchmarkRows], geomean: bool, footnotes: Footnotes
) -> list[str]:
    lines = [f"#### {md_code(table.package, in_table=False)}" if table.package else "", HEADER]
    for bench in benches:
        for i, row in enumerate(bench.rows):
            lines.append(_row(md_code(bench.name) if i == 0 else "", row, footnotes))
    if geomean:
        for i, row in enumerate(table.geomeans):
            lines.append(_row(md_text(GEOMEAN) if i == 0 else "", row, footnotes))
    return [*(line for line in lines if line), ""]


class _Budget:
    """Characters left for the tables (None: no limit)."""

    def __init__(self, limit: int | None, used: int) -> None:
        self.left = None if limit is None else limit - used - _FOOTER_RESERVE

    def take(self, lines: Sequence[str]) -> bool:
        """Whether `lines` fit; they are counted when they do."""
        if self.left is None:
            return True
        size = sum(len(line) + 1 for line in lines)
        if size > self.left:
            return False
        self.left -= size
        return True


def _left_out(benchmarks: int, packages: int, what: str) -> str:
    """Our own words (nothing untrusted): how much was left out and where it is."""
    return (
        f"… {benchmarks} {what} benchmark{'s' if benchmarks != 1 else ''} in {packages} "
        f"package{'s' if packages != 1 else ''} left out to keep this under GitHub's "
        f"{COMMENT_LIMIT:,}-character limit for a comment: `benchlens report` (the HTML "
        "report) and `benchlens compare` show every one."
    )


def render_markdown(
    comparison: Comparison,
    title: str = "Benchmark comparison",
    only_changed: bool = False,
    max_chars: int | None = MARKDOWN_BUDGET,
) -> str:
    """The summary, what was compared and how, changed benchmarks per package, the
    unchanged ones folded, footnotes last.

    It is the PR comment, so it stays within `max_chars` (None: no limit): whole
    package tables are left out from the end - unchanged ones first - and the comment
    says how many and where to see them."""
    lines = [f"### {md_text(title)}", "", md_text(summary_line(comparison)), ""]
    if not comparison.has_baseline:
        lines += [f"> {md_text(SAVE_BASELINE_HINT)}", ""]
    lines += [f"- **{label}**: {md_text(text)}" for label, text in report_facts(comparison)]
    lines.append("")
    for note in difference_notes(comparison):
        lines += [f"> ⚠️ {md_text(note)}", ""]
    warning = coverage_warning(comparison)
    if warning:
        lines += [f"> ⚠️ {md_text(warning)}", ""]
    budget = _Budget(max_chars, sum(len(line) + 1 for line in lines))
    footnotes = Footnotes()
    tables = package_tables(comparison, only_changed=only_changed)
    changed = [t for t in tables if t.changed_benchmarks]
    complete = True
    for i, table in enumerate(changed):
        saved = footnotes.checkpoint()
        block = _table(table, table.changed, True, footnotes)
        if not budget.take(block):
            footnotes.rollback(saved)
            rest = changed[i:]
            left = sum(len(t.changed_benchmarks) for t in rest)
            lines += [_left_out(left, len(rest), "changed"), ""]
            complete = False
            break
        lines += block
    unchanged = [t for t in tables if t.unchanged_benchmarks]
    if unchanged:
        count = sum(len(t.unchanged_benchmarks) for t in unchanged)
        lines += [f"<details><summary>{count} unchanged</summary>", ""]
        for i, table in enumerate(unchanged):
            saved = footnotes.checkpoint()
            if not complete:
                block = []
            else:
                block = _table(table, table.unchanged, not table.changed_benchmarks, footnotes)
            if not complete or not budget.take(block):
                footnotes.rollback(saved)
                rest = unchanged[i:]
                left = sum(len(t.unchanged_benchmarks) for t in rest)
                lines += [_left_out(left, len(rest), "unchanged")]
                lines.append("")
                break
            lines += block
        lines += ["</details>", ""]
    if footnotes:
        lines.append("  \n".join(f"{marks([n])} {md_text(text)}" for n, text in footnotes.items()))
    return "\n".join(lines).rstrip() + "\n"
