"""The self-contained HTML report: tables, a chart of changes and trends, in one file.

`benchlens report` writes it and `compare --format html` prints it. The page
must open anywhere — a CI artifact, an e-mail attachment, a laptop offline —
so everything is inline: CSS in a `<style>`, charts as SVG computed here, no
script, font, image or network reference. Benchmark names and configuration
values are untrusted (any printable rune), so the template autoescapes every
value, SVG labels included; nothing is marked safe.

This module turns a `Comparison` into plain data (rows, bar geometry,
sparkline points); `templates/report.html.j2` only lays it out.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import jinja2

from benchlens import __version__
from benchlens.compare import BenchmarkComparison, Comparison, MetricDelta, Status
from benchlens.trend import History, trend_values
from benchlens.units import format_change, format_value
from benchlens.views.escape import visible
from benchlens.views.explain import WhyBlock
from benchlens.views.facts import (
    SAVE_BASELINE_HINT,
    coverage_warning,
    difference_notes,
    report_facts,
    summary_line,
    table_sections,
)
from benchlens.views.names import common_package_prefix, table_name
from benchlens.views.table import (
    GEOMEAN,
    BenchmarkRows,
    Footnotes,
    PackageTable,
    Row,
    package_tables,
)

#: Changes beyond this (percent, either way) are drawn to the edge of the chart and
#: marked clamped: a +768376 % bar would flatten every other bar to nothing.
CLAMP_PCT = 200.0

# Chart geometry, in SVG user units (CSS pixels at 100 %).
_CHAR_W = 7.2  # the width of one character of the chart's 12px monospace labels
_LABEL_CHARS = 48  # longer labels wrap onto more lines, at separators
_LABEL_LINES = 3  # at most; the full name is in the tooltip
_LINE_H = 14.0  # one label line
_PLOT_W = 440.0
_VALUE_W = 84.0
_ROW_H = 22.0
_BAR_H = 14.0
_TOP = 22.0  # room for the tick labels
_PAD = 8.0
_ARROW = 9.0  # how far a clamped bar's arrowhead reaches past the axis end

#: A sparkline spans at least ±5 % around its midpoint (see `sparkline_range`).
SPARK_FLOOR = 0.05
_SPARK_W = 140.0
_SPARK_H = 28.0
_SPARK_PAD = 3.0

#: Configuration keys shown per side, in order; `goos/goarch` is one row.
_CONFIG_ROWS = (
    ("cpu", ("cpu",)),
    ("goos/goarch", ("goos", "goarch")),
    ("Go", ("goversion",)),
    ("commit", ("commit",)),
    ("date", ("date",)),
    ("benchlens", ("benchlens",)),
    ("ref", ("ref",)),
    ("note", ("note",)),
)
_MAX_CONFIG_VALUES = 4


@dataclass(frozen=True)
class HtmlRow:
    """One row of a results table with the numbers of its footnotes."""

    row: Row
    refs: tuple[int, ...]


@dataclass(frozen=True)
class HtmlBenchmark:
    """A benchmark (or the geomean block, status None): its name spans its rows."""

    name: str
    status: Status | None
    rows: tuple[HtmlRow, ...]

    @property
    def name_parts(self) -> tuple[str, ...]:
        return wrap_points(self.name)


@dataclass(frozen=True)
class HtmlTable:
    package: str
    benchmarks: tuple[HtmlBenchmark, ...]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Bar:
    """One metric's change: a bar from the zero line, left for negative, right for positive."""

    label: str
    label_lines: tuple[str, ...]
    #: The baseline of the label's first line.
    label_y: float
    title: str
    change: str
    status: Status
    x: float
    y: float
    width: float
    clamped: bool
    #: The arrowhead that marks a clamped bar's end, as SVG polygon points.
    arrow: str


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    label_w: float
    zero_x: float
    plot_top: float
    plot_bottom: float
    bar_h: float
    row_h: float
    line_h: float
    value_x: float
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Trend:
    """One metric's medians over the archived runs and the current one, as a sparkline."""

    unit: str
    points: str
    last_x: float
    last_y: float
    first: str
    last: str
    #: The smallest and largest value, labelled beside the line.
    low: str
    high: str
    runs: int
    title: str


@dataclass(frozen=True)
class BenchmarkTrends:
    name: str
    status: Status
    trends: tuple[Trend, ...]

    @property
    def name_parts(self) -> tuple[str, ...]:
        return wrap_points(self.name)


@dataclass(frozen=True)
class ConfigRow:
    key: str
    baseline: str
    current: str


# --- the table -------------------------------------------------------------------------

_WRAP_AFTER = re.compile(r"(?<=[/.])")
_WRAP_CHUNK = 24


def wrap_points(name: str) -> tuple[str, ...]:
    """`name` cut where a line may break (the template joins the parts with `<wbr>`):
    after each `/` and `.`, and every 24 characters of a longer part. A narrow column
    (print, a phone) then wraps `storage/log.Append/size=4096` at its slashes instead of
    mid-word, and a pathological name still cannot widen the table without bound."""
    parts: list[str] = []
    for piece in _WRAP_AFTER.split(name):
        parts += [piece[i : i + _WRAP_CHUNK] for i in range(0, len(piece), _WRAP_CHUNK)]
    return tuple(parts)


def _html_table(
    table: PackageTable, benches: Sequence[BenchmarkRows], geomean: bool, footnotes: Footnotes
) -> HtmlTable:
    def block(name: str, status: Status | None, rows: Sequence[Row]) -> HtmlBenchmark:
        return HtmlBenchmark(
            name, status, tuple(HtmlRow(r, tuple(footnotes.refs(r.notes))) for r in rows)
        )

    blocks = [block(b.name, b.status, b.rows) for b in benches]
    if geomean and table.geomeans:
        blocks.append(block(GEOMEAN, None, table.geomeans))
    return HtmlTable(table.package, tuple(blocks))


def results_tables(
    comparison: Comparison, footnotes: Footnotes
) -> tuple[list[HtmlTable], list[HtmlTable]]:
    """(changed, unchanged): a table per package of its changed benchmarks (and its
    geomeans), then one per package of its unchanged ones, footnotes numbered in that
    order - the layout of the markdown view."""
    tables = package_tables(comparison)
    changed = [_html_table(t, t.changed, True, footnotes) for t in tables if t.changed_benchmarks]
    unchanged = [
        _html_table(t, t.unchanged, not t.changed_benchmarks, footnotes)
        for t in tables
        if t.unchanged_benchmarks
    ]
    return changed, unchanged


# --- the chart of changes -------------------------------------------------------------


def _nice_ceil(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value` (> 0): a readable axis end."""
    exp = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        nice = step * 10.0**exp
        if nice >= value * (1 - 1e-9):
            return nice
    return 10.0 ** (exp + 1)  # pragma: no cover - the loop always returns


def _tick_label(pct: float) -> str:
    if pct == 0:
        return "0"
    sign = "+" if pct > 0 else "−"
    return f"{sign}{abs(pct):g}%"


_LABEL_BREAK = re.compile(r"(?<=[/.=,· _-])")


def label_lines(text: str, limit: int = _LABEL_CHARS, tail: str = "") -> tuple[str, ...]:
    """`text` + `tail` on lines of at most `limit` characters, broken after `/`, `.`,
    `=`, `,`, `-`, `_` or a space of `text` - never inside a word unless one word alone is
    longer than a line, and never inside `tail` (a unit: `allocs/op` stays whole). More
    than `_LABEL_LINES` lines keep the first and the last around an `…` (the full name
    is in the tooltip)."""
    lines: list[str] = []
    current = ""
    pieces = _LABEL_BREAK.split(text)
    if tail:
        pieces.append(tail)
    for piece in pieces:
        while len(piece) > limit:  # a single word longer than a line
            if current:
                lines.append(current.rstrip())
                current = ""
            lines.append(piece[:limit])
            piece = piece[limit:]
        if len(current) + len(piece.rstrip()) > limit and current:
            lines.append(current.rstrip())
            current = ""
            piece = piece.lstrip()
        current += piece
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > _LABEL_LINES:
        lines = [*lines[: _LABEL_LINES - 2], "…", lines[-1]]
    return tuple(lines) or ("",)


def chart_metrics(comparison: Comparison) -> list[tuple[BenchmarkComparison, MetricDelta]]:
    """What the chart shows: the metrics that changed (regressed or improved), in table
    order. Unchanged metrics would only add 0 % bars."""
    notable, _ = table_sections(comparison)
    return [
        (b, m)
        for b in notable
        for m in b.metrics
        if m.status in (Status.REGRESSION, Status.IMPROVEMENT) and m.change_pct is not None
    ]


def change_chart(comparison: Comparison) -> Chart | None:
    """A horizontal bar per changed metric on a shared percent axis; None if nothing changed.

    The axis spans the largest decrease to the largest increase (each clamped to
    `CLAMP_PCT`), so zero sits where the data puts it and both sides share one scale.
    A long label takes several lines, and its row grows to fit them.
    """
    items = chart_metrics(comparison)
    if not items:
        return None
    prefix = common_package_prefix(b.package for b in comparison.benchmarks)
    names = [visible(table_name(b, prefix)) for b, _ in items]
    units = [f" · {visible(m.unit)}" for _, m in items]
    labels = [name + unit for name, unit in zip(names, units, strict=True)]
    wrapped = [label_lines(name, tail=unit) for name, unit in zip(names, units, strict=True)]
    changes = [m.change_pct or 0.0 for _, m in items]
    clamped = [max(-CLAMP_PCT, min(CLAMP_PCT, c)) for c in changes]
    neg = max((-c for c in clamped if c < 0), default=0.0)
    pos = max((c for c in clamped if c > 0), default=0.0)
    neg_end = _nice_ceil(neg) if neg > 0 else 0.0
    pos_end = _nice_ceil(pos) if pos > 0 else 0.0
    if neg_end == pos_end == 0.0:
        pos_end = 10.0  # every change is 0 %: an axis that still reads as percent
    span = neg_end + pos_end
    scale = _PLOT_W / span

    label_w = max(len(line) for lines in wrapped for line in lines) * _CHAR_W + _PAD
    plot_left = _PAD + label_w + _PAD + _ARROW
    zero_x = plot_left + neg_end * scale

    bars: list[Bar] = []
    row_top = _TOP
    for (_, m), label, lines, change, shown in zip(
        items, labels, wrapped, changes, clamped, strict=True
    ):
        row_h = max(_ROW_H, len(lines) * _LINE_H + (_ROW_H - _BAR_H))
        y = row_top + (row_h - _BAR_H) / 2
        width = abs(shown) * scale
        if change != 0 and width < 1.5:
            width = 1.5  # a change too small to draw still shows which way it went
        x = zero_x - width if shown < 0 else zero_x
        is_clamped = abs(change) > CLAMP_PCT
        arrow = ""
        if is_clamped:  # an arrowhead past the bar's end: it goes on beyond the axis
            back = x if shown < 0 else x + width
            tip = back - _ARROW if shown < 0 else back + _ARROW
            mid = y + _BAR_H / 2
            arrow = f"{tip:.1f},{mid:.1f} {back:.1f},{y - 3:.1f} {back:.1f},{y + _BAR_H + 3:.1f}"
        text = format_change(change)
        status = m.status
        text_top = row_top + (row_h - len(lines) * _LINE_H) / 2
        bars.append(
            Bar(
                label=" ".join(lines),
                label_lines=lines,
                label_y=round(text_top + _LINE_H - 4, 1),
                title=f"{label}: {text} ({status.label})"
                + (f", clamped to {_tick_label(shown)}" if is_clamped else ""),
                change=text,
                status=status,
                x=round(x, 1),
                y=round(y, 1),
                width=round(width, 1),
                clamped=is_clamped,
                arrow=arrow,
            )
        )
        row_top += row_h
    plot_bottom = row_top
    step = _nice_ceil(span / 6)
    first, last = -math.floor(neg_end / step + 1e-9), math.floor(pos_end / step + 1e-9)
    ticks = [
        Tick(x=round(zero_x + k * step * scale, 1), label=_tick_label(round(k * step, 6)))
        for k in range(first, last + 1)
    ]
    value_x = plot_left + _PLOT_W + _ARROW + _PAD
    return Chart(
        width=round(value_x + _VALUE_W, 1),
        height=round(plot_bottom + _PAD, 1),
        label_w=round(_PAD + label_w, 1),
        zero_x=round(zero_x, 1),
        plot_top=_TOP - 4,
        plot_bottom=round(plot_bottom, 1),
        bar_h=_BAR_H,
        row_h=_ROW_H,
        line_h=_LINE_H,
        value_x=round(value_x, 1),
        ticks=tuple(ticks),
        bars=tuple(bars),
    )


# --- trends ---------------------------------------------------------------------------


def sparkline_range(values: Sequence[float], floor: float = SPARK_FLOOR) -> tuple[float, float]:
    """The vertical range a sparkline spans: the values' range, widened to at least
    ±`floor` around its midpoint, so a 0.1 % wobble stays a nearly flat line instead of
    filling the box like a 2× change would."""
    lo, hi = min(values), max(values)
    mid = (lo + hi) / 2
    half = max((hi - lo) / 2, abs(mid) * floor)
    return mid - half, mid + half


def sparkline_points(
    values: Sequence[float],
    width: float = _SPARK_W,
    height: float = _SPARK_H,
    floor: float = SPARK_FLOOR,
) -> list[tuple[float, float]]:
    """The polyline of `values` in a `width` × `height` box, oldest left, highest on top,
    on the vertical range of `sparkline_range`; a constant series is a flat line
    through the middle."""
    inner_w, inner_h = width - 2 * _SPARK_PAD, height - 2 * _SPARK_PAD
    lo, hi = sparkline_range(values, floor)
    n = len(values)
    out = []
    for i, v in enumerate(values):
        x = _SPARK_PAD + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        frac = 0.5 if hi == lo else (v - lo) / (hi - lo)
        y = _SPARK_PAD + (1 - frac) * inner_h
        out.append((round(x, 1), round(y, 1)))
    return out


def benchmark_trends(
    benches: Iterable[BenchmarkComparison], history: History, prefix: str
) -> list[BenchmarkTrends]:
    """A sparkline per metric of each benchmark with at least two points."""
    out = []
    for bench in benches:
        trends = []
        for m in bench.metrics:
            values = trend_values(history, bench, m)
            if len(values) < 2:
                continue
            points = sparkline_points(values)
            all_values = ", ".join(format_value(v, m.unit) for v in values)
            trends.append(
                Trend(
                    unit=visible(m.unit),
                    points=" ".join(f"{x},{y}" for x, y in points),
                    last_x=points[-1][0],
                    last_y=points[-1][1],
                    first=format_value(values[0], m.unit),
                    last=format_value(values[-1], m.unit),
                    low=format_value(min(values), m.unit),
                    high=format_value(max(values), m.unit),
                    runs=len(values),
                    title=f"{m.unit}, oldest first: {all_values}",
                )
            )
        if trends:
            name = visible(table_name(bench, prefix))
            out.append(BenchmarkTrends(name, bench.status, tuple(trends)))
    return out


# --- configuration --------------------------------------------------------------------


def _distinct(values: Iterable[str]) -> str:
    seen = list(dict.fromkeys(v for v in values if v))
    if not seen:
        return "—"
    shown = ", ".join(seen[:_MAX_CONFIG_VALUES])
    more = len(seen) - _MAX_CONFIG_VALUES
    return f"{shown} (+{more} more)" if more > 0 else shown


def _side_value(configs: Sequence[Mapping[str, str]], keys: Sequence[str]) -> str:
    return _distinct("/".join(c.get(k, "") for k in keys).strip("/") for c in configs)


def config_rows(comparison: Comparison) -> list[ConfigRow]:
    """Each side's machine and provenance (GOMAXPROCS, cpu, goos/goarch, commit, date),
    every distinct value when benchmarks differ; rows neither side has are left out."""
    base = [b for b in comparison.benchmarks if b.baseline_key is not None]
    cur = [b for b in comparison.benchmarks if b.status is not Status.MISSING]
    rows = [
        ConfigRow(
            "results",
            comparison.baseline_source or "(no baseline)",
            comparison.current_source,
        ),
        ConfigRow(
            "GOMAXPROCS",
            _distinct(str(b.baseline_key.procs) for b in base if b.baseline_key),
            _distinct(str(b.key.procs) for b in cur),
        ),
    ]
    base_configs = [b.baseline_config for b in base]
    cur_configs = [b.current_config for b in cur]
    for label, keys in _CONFIG_ROWS:
        row = ConfigRow(label, _side_value(base_configs, keys), _side_value(cur_configs, keys))
        if (row.baseline, row.current) != ("—", "—"):
            rows.append(row)
    return rows


# --- the page -------------------------------------------------------------------------


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("benchlens.views", "templates"),
        autoescape=True,  # names and config values are hostile input
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(
    comparison: Comparison,
    *,
    history: History | None = None,
    title: str = "Benchmark comparison",
    generated: str | None = None,
    why: Sequence[WhyBlock] = (),
) -> str:
    """The whole report as one HTML document. `generated` (a timestamp) is left out when
    None, so that the same input gives the same bytes. `why`: the saved explanations of
    regressions (`benchlens explain`), shown in their own section (`why.html.j2`)."""
    prefix = common_package_prefix(b.package for b in comparison.benchmarks)
    notable, unchanged = table_sections(comparison)
    trends_notable: list[BenchmarkTrends] = []
    trends_unchanged: list[BenchmarkTrends] = []
    if history is not None and len(history):
        trends_notable = benchmark_trends(notable, history, prefix)
        trends_unchanged = benchmark_trends(unchanged, history, prefix)
    footnotes = Footnotes()
    changed_tables, unchanged_tables = results_tables(comparison, footnotes)
    notes = difference_notes(comparison)
    warning = coverage_warning(comparison)
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        version=__version__,
        generated=generated,
        summary=summary_line(comparison),
        has_baseline=comparison.has_baseline,
        save_baseline_hint=SAVE_BASELINE_HINT,
        baseline_source=comparison.baseline_source,
        current_source=comparison.current_source,
        facts=[(label, visible(text)) for label, text in report_facts(comparison)],
        notes=[visible(n) for n in notes] + ([visible(warning)] if warning else []),
        changed_tables=changed_tables,
        unchanged_tables=unchanged_tables,
        unchanged_count=len(unchanged),
        footnotes=footnotes.items(),
        chart=change_chart(comparison),
        clamp=f"±{CLAMP_PCT:g}%",
        trends_notable=trends_notable,
        trends_unchanged=trends_unchanged,
        history_runs=len(history) if history is not None else 0,
        spark_w=_SPARK_W,
        spark_h=_SPARK_H,
        spark_floor=f"{SPARK_FLOOR * 100:g}%",
        config=config_rows(comparison),
        issues=[str(issue) for issue in comparison.issues],
        why=list(why),
    )
