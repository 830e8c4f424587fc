"""The PR-comment table: `Benchmark | Metric | Baseline | Current | Change | Status`."""

from __future__ import annotations

from benchlens.compare import BenchmarkComparison, Comparison, MetricDelta
from benchlens.units import format_change
from benchlens.views.facts import (
    SAVE_BASELINE_HINT,
    low_confidence_footnote,
    summary_line,
    table_sections,
    value_or_dash,
)
from benchlens.views.names import common_package_prefix, table_name

HEADER = (
    "| Benchmark | Metric | Baseline | Current | Change | Status |\n"
    "| --- | --- | ---: | ---: | ---: | --- |"
)


def escape_cell(text: str) -> str:
    """Benchmark names may hold any printable rune: keep them from breaking the table."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("`", "\\`")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("\n", " ")
    )


def _change_cell(m: MetricDelta) -> str:
    if m.change_pct is None:
        return "—"
    text = format_change(m.change_pct)
    if m.p_value is not None:
        text += f" (p={m.p_value:.3f} n={m.n_baseline}+{m.n_current})"
    if m.low_confidence:
        text += " ¹"
    return text


def _rows(bench: BenchmarkComparison, prefix: str) -> list[str]:
    name = escape_cell(table_name(bench, prefix))
    rows = []
    for m in bench.metrics:
        cells = [
            name,
            escape_cell(m.unit),
            value_or_dash(m, "baseline"),
            value_or_dash(m, "current"),
            _change_cell(m),
            m.status.badge,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def render_markdown(comparison: Comparison, title: str = "Benchmark comparison") -> str:
    """Notable benchmarks in the table, unchanged ones folded away, footnotes last."""
    prefix = common_package_prefix(b.package for b in comparison.benchmarks)
    lines = [f"### {title}", "", summary_line(comparison), ""]
    if not comparison.has_baseline:
        lines += [f"> {SAVE_BASELINE_HINT}", ""]
    notable, unchanged = table_sections(comparison)
    if notable:
        lines.append(HEADER)
        for bench in notable:
            lines += _rows(bench, prefix)
        lines.append("")
    if unchanged:
        lines += [f"<details><summary>{len(unchanged)} unchanged</summary>", "", HEADER]
        for bench in unchanged:
            lines += _rows(bench, prefix)
        lines += ["", "</details>", ""]
    footnote = low_confidence_footnote(comparison)
    if footnote:
        lines.append(f"¹ {footnote}")
    notes = [b for b in comparison.benchmarks if b.procs_note]
    for bench in notes:
        lines.append(f"- {escape_cell(table_name(bench, prefix))}: {bench.procs_note}")
    if prefix:
        lines.append(f"\nPackages are relative to `{prefix}`.")
    return "\n".join(lines).rstrip() + "\n"
