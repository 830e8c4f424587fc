"""The hover of a benchmark: per-metric table, samples, machine, trend and profiling commands."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from benchlens.compare import BenchmarkComparison, MetricDelta
from benchlens.runner.goargs import name_pattern
from benchlens.trend import History, sparkline, trend_values
from benchlens.units import format_change, format_value
from benchlens.views.escape import md_code, md_text
from benchlens.views.facts import (
    SAVE_BASELINE_HINT,
    difference_text,
    low_confidence_text,
    threshold_text,
    value_and_spread,
)
from benchlens.views.table import Footnotes, marks


def fence(text: str, lang: str = "") -> str:
    """A fenced code block that `text` cannot break out of, whatever backticks it holds."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"


def _metric_row(m: MetricDelta, notes: str) -> str:
    p = f"p={m.p_value:.3f}" if m.p_value is not None else "—"
    threshold = threshold_text(m) if m.better is not None else "—"
    cells = [
        md_code(m.unit),
        md_code(value_and_spread(m, "baseline")),
        md_code(value_and_spread(m, "current")),
        format_change(m.change_pct),
        threshold,
        m.status.badge,
        md_text(f"{p}, n={m.n_baseline}+{m.n_current} {notes}".rstrip()),
    ]
    return "| " + " | ".join(cells) + " |"


def _machine(config: Mapping[str, str], procs: int | None) -> str:
    parts = []
    if procs is not None:
        parts.append(f"GOMAXPROCS {procs}")
    for key in ("cpu", "goos", "goarch", "goversion", "commit", "date", "benchlens"):
        if config.get(key):
            parts.append(f"{key} {config[key]}")
    return " · ".join(md_text(p) for p in parts) or "—"


def profile_commands(name: str, package_dir: str) -> str:
    """The shell commands that profile this benchmark and open the profile, quoted for sh."""
    regex = name_pattern(name)
    pkg = package_dir if package_dir.startswith((".", "/")) else f"./{package_dir}"
    run = shlex.join(
        [
            "go",
            "test",
            "-run=^$",
            f"-bench={regex}",
            "-benchmem",
            "-cpuprofile=cpu.prof",
            "-memprofile=mem.prof",
            pkg,
        ]
    )
    return "\n".join(
        [
            run,
            "go tool pprof -top cpu.prof",
            "go tool pprof -http=:8080 cpu.prof",
            f"# or: {shlex.join(['benchlens', 'profile', name, '--pkg', pkg])}",
        ]
    )


def hover_markdown(
    bench: BenchmarkComparison,
    package_dir: str | None = None,
    history: History | None = None,
    has_baseline: bool = True,
    stale: bool = False,
) -> str:
    """Everything known about one benchmark, as markdown for an editor hover."""
    title = f"**{md_text(bench.key.display_name)}** · {bench.status.badge}"
    lines = [title, "", f"package {md_code(bench.package or '?', in_table=False)}", ""]
    if stale:
        lines += ["_stale: the benchmark was edited after these results were recorded_", ""]
    if not has_baseline:
        lines += [f"_{SAVE_BASELINE_HINT}_", ""]
    lines += [
        "| Metric | Baseline | Current | Change | Threshold | Status | p, n |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    footnotes = Footnotes()
    lines += [_metric_row(m, marks(footnotes.refs(m.warnings))) for m in bench.metrics]
    lines.append("")
    if footnotes:
        lines += ["  \n".join(f"{marks([n])} {md_text(t)}" for n, t in footnotes.items()), ""]
    for m in bench.metrics:
        low = low_confidence_text(m)
        if low:
            lines += [f"_{low}_", ""]
            break
    for diff in bench.differences:
        if diff.key != "GOMAXPROCS":
            lines += [f"_{md_text(difference_text(diff))}_", ""]
    base_procs = bench.baseline_key.procs if bench.baseline_key else None
    cur_procs = bench.key.procs if bench.current_config else None
    lines += [
        f"Baseline: {_machine(bench.baseline_config, base_procs)}  ",
        f"Current: {_machine(bench.current_config, cur_procs)}",
        "",
    ]
    if bench.procs_note:
        lines += [f"_{bench.procs_note}_", ""]
    sample_lines = []
    for m in bench.metrics:
        if len(m.current_samples) > 1 or len(m.baseline_samples) > 1:
            base = ", ".join(format_value(v, m.unit) for v in m.baseline_samples) or "—"
            cur = ", ".join(format_value(v, m.unit) for v in m.current_samples) or "—"
            sample_lines.append(f"{m.unit}: baseline [{base}] · current [{cur}]")
            break
    if sample_lines:
        lines += ["Samples " + md_text(sample_lines[0]), ""]
    if history is not None and len(history):
        trends = []
        for m in bench.metrics:
            values = trend_values(history, bench, m)
            if len(values) >= 2:
                trends.append(
                    f"{md_code(m.unit)} {sparkline(values)} "
                    f"({format_value(values[0], m.unit)} → {format_value(values[-1], m.unit)}, "
                    f"{len(values)} runs)"
                )
        if trends:
            lines += ["Trend: " + " · ".join(trends), ""]
    if package_dir is not None:
        lines += ["Profile:", "", fence(profile_commands(bench.name, package_dir), "sh")]
    return "\n".join(lines).rstrip() + "\n"
