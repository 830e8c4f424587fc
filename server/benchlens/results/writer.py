"""Writes results back in the Go benchmark text format, readable by benchstat and by us.

Needed wherever results are combined rather than copied: `run --merge` keeps the
benchmarks that did not run and replaces those that did, so the file is rebuilt
from a `ResultSet`. Configuration lines are written where they change, `Unit`
metadata first; values are written exactly (shortest round-trip form).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TextIO

from benchlens.results.model import BenchmarkSamples, ResultSet

#: Keys written in this order when they change; others follow alphabetically.
_KEY_ORDER = ("commit", "date", "ref", "note", "goos", "goarch", "pkg", "cpu")


def format_value(value: float) -> str:
    """`18` for whole numbers, else the shortest text that reads back the same float."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _ordered(config: Mapping[str, str]) -> list[tuple[str, str]]:
    first = [(k, config[k]) for k in _KEY_ORDER if k in config]
    rest = sorted((k, v) for k, v in config.items() if k not in _KEY_ORDER)
    return first + rest


def _config_line(key: str, value: str) -> str:
    # A value cannot span lines in the format; keep it on one.
    flat = " ".join(value.split())
    return f"{key}: {flat}" if flat else f"{key}:"


def sample_lines(bench: BenchmarkSamples) -> Iterable[str]:
    """One result line per sample, as `go test` prints it (name with `-procs`)."""
    units = list(bench.samples)
    for i, iterations in enumerate(bench.iterations):
        fields = [bench.key.display_name, str(iterations)]
        for unit in units:
            values = bench.samples[unit]
            if i < len(values):
                fields.append(f"{format_value(values[i])} {unit}")
        yield "\t".join(fields)


def write_results(
    results: ResultSet,
    out: TextIO,
    header: Mapping[str, str] | None = None,
) -> None:
    """`results` as Go benchmark text: `header` configuration lines first (e.g.
    `commit`, `date`), then Unit lines, then each benchmark's samples preceded by
    the configuration lines that differ from what is in force. Keys are never
    deleted, so header keys stay in force for every result."""
    state: dict[str, str] = {}
    for key, value in _ordered(header or {}):
        out.write(_config_line(key, value) + "\n")
        state[key] = value
    for unit, meta in results.unit_metadata.items():
        pairs = " ".join(f"{k}={v}" for k, v in meta.items())
        out.write(f"Unit {unit} {pairs}\n")
    for bench in results:
        config = dict(bench.config)
        config.setdefault("pkg", bench.key.package)
        changed = [(k, v) for k, v in _ordered(config) if state.get(k) != v and v]
        if changed and (state or results.unit_metadata):
            out.write("\n")
        for key, value in changed:
            out.write(_config_line(key, value) + "\n")
            state[key] = value
        for line in sample_lines(bench):
            out.write(line + "\n")


def merge_results(previous: ResultSet, fresh: ResultSet, source: str = "") -> ResultSet:
    """`previous` with every benchmark of `fresh` replacing (or joining) its own:
    a partial re-run updates what ran and keeps the rest."""
    merged = ResultSet(source or previous.source)
    merged.unit_metadata = {u: dict(m) for u, m in previous.unit_metadata.items()}
    for unit, meta in fresh.unit_metadata.items():
        merged.unit_metadata.setdefault(unit, {}).update(meta)
    for key, bench in previous.benchmarks.items():
        replacement = fresh.benchmarks.get(key)
        merged.benchmarks[key] = replacement if replacement is not None else bench
    for key, bench in fresh.benchmarks.items():
        merged.benchmarks.setdefault(key, bench)
    merged.config = {**previous.config, **fresh.config}
    return merged
