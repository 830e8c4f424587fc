"""Units in one place: which metric a unit measures, which direction is better, how to show it.

Modeled on golang.org/x/perf/benchunit. Everything that knows "ns/op is a
latency, lower is better" lives here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Metric(StrEnum):
    """The kind of quantity a unit measures; thresholds are set per metric."""

    LATENCY = "latency"
    THROUGHPUT = "throughput"
    ALLOCATIONS = "allocations"
    MEMORY = "memory"
    CUSTOM = "custom"


class Better(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"


_KNOWN: dict[str, tuple[Metric, Better]] = {
    "ns/op": (Metric.LATENCY, Better.LOWER),
    "sec/op": (Metric.LATENCY, Better.LOWER),
    "MB/s": (Metric.THROUGHPUT, Better.HIGHER),
    "B/s": (Metric.THROUGHPUT, Better.HIGHER),
    "allocs/op": (Metric.ALLOCATIONS, Better.LOWER),
    "B/op": (Metric.MEMORY, Better.LOWER),
}


@dataclass(frozen=True)
class UnitInfo:
    """What a unit means for comparison. `better` None: direction unknown, never a regression."""

    unit: str
    metric: Metric
    better: Better | None
    assume_exact: bool = False


def unit_info(
    unit: str,
    metadata: Mapping[str, str] | None = None,
    configured: Mapping[str, Better] | None = None,
) -> UnitInfo:
    """Classify `unit`; `Unit` metadata lines from the file and config can set direction."""
    metric, better = _KNOWN.get(unit, (Metric.CUSTOM, None))
    meta = metadata or {}
    if configured and unit in configured:
        better = configured[unit]
    elif meta.get("better") in ("higher", "lower"):
        better = Better(meta["better"])
    exact = meta.get("assume") == "exact"
    return UnitInfo(unit, metric, better, exact)


_TIME_SCALES = ((1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns"))
_BYTE_SCALES = ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"), (1, "B"))


def _sig(value: float, digits: int = 3) -> str:
    """`value` with about `digits` significant digits, no exponent for everyday sizes."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    mag = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - mag)
    return f"{value:.{decimals}f}"


def format_value(value: float, unit: str) -> str:
    """A human-scaled value: `1.70µs`, `512 MB/s`, `4.00KiB`, `12 allocs`."""
    if unit in ("ns/op", "sec/op"):
        ns = value * 1e9 if unit == "sec/op" else value
        for scale, suffix in _TIME_SCALES:
            if abs(ns) >= scale or scale == 1.0:
                return f"{_sig(ns / scale)}{suffix}"
    if unit == "B/op":
        for size, suffix in _BYTE_SCALES:
            if abs(value) >= size or size == 1:
                text = f"{value:.0f}" if size == 1 else _sig(value / size)
                return f"{text}{suffix}"
    if unit == "allocs/op":
        return f"{value:.0f}" if value == int(value) else _sig(value)
    if unit == "MB/s":
        return f"{_sig(value)} MB/s"
    return f"{_sig(value)} {unit}"


def format_change(pct: float | None) -> str:
    """A signed percent change, `+27.3%`, `−8.1%` (unicode minus, as benchstat), `0%`."""
    if pct is None:
        return "n/a"
    if not math.isfinite(pct):
        return "+∞%" if pct > 0 else "−∞%"
    if abs(pct) < 0.05:
        return "0%"
    if pct >= 1000:  # `+768376.7%` says less than `×7,685`
        return f"×{1 + pct / 100:,.0f}"
    sign = "+" if pct > 0 else "−"
    return f"{sign}{abs(pct):.1f}%"
