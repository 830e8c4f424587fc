"""The terminal table (rich), one row per metric."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from benchlens.compare import Comparison, Status
from benchlens.units import format_change
from benchlens.views.facts import SAVE_BASELINE_HINT, p_text, summary_line, value_or_dash
from benchlens.views.names import common_package_prefix, table_name

_STYLE = {
    Status.REGRESSION: "bold red",
    Status.IMPROVEMENT: "green",
    Status.OK: "",
    Status.MISSING: "yellow",
    Status.NEW: "cyan",
}


def comparison_table(comparison: Comparison) -> Table:
    prefix = common_package_prefix(b.package for b in comparison.benchmarks)
    title = f"{comparison.baseline_source or '(no baseline)'} → {comparison.current_source}"
    table = Table(title=Text(title))
    for header in ("Benchmark", "Metric"):
        table.add_column(header)
    for header in ("Baseline", "Current", "Change"):
        table.add_column(header, justify="right")
    for header in ("p, n", "Status"):
        table.add_column(header)
    for bench in comparison.benchmarks:
        name = table_name(bench, prefix)
        for i, m in enumerate(bench.metrics):
            style = _STYLE[m.status]
            table.add_row(
                Text(name if i == 0 else ""),
                Text(m.unit),
                Text(value_or_dash(m, "baseline")),
                Text(value_or_dash(m, "current")),
                Text(format_change(m.change_pct), style=style),
                Text(p_text(m) + (" (low confidence)" if m.low_confidence else "")),
                Text(m.status.badge, style=style),
            )
    return table


def render_text(comparison: Comparison, width: int = 140, color: bool = False) -> str:
    """The table and summary as text; `color` for a terminal."""
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, force_terminal=color, no_color=not color, highlight=False
    )
    console.print(comparison_table(comparison))
    console.print(summary_line(comparison))
    if not comparison.has_baseline:
        console.print(SAVE_BASELINE_HINT)
    return buf.getvalue()
