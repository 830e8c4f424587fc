"""Units in one place: which metric a unit measures, which direction is better, how to show it.

Modeled on golang.org/x/perf/benchunit. Everything that knows "ns/op is a
latency, lower is better" lives here and nowhere else.

Units are normalised when results are read, as benchfmt does with
`benchunit.Tidy` (`ns` → `sec`, `MB` → `B` in the numerator), so that a file
written in `sec/op` pairs with one in `ns/op`. The key a quantity is kept
under is its tidied unit *in the familiar form* — `sec` shown as `ns`,
`B/s` as `MB/s` — so every view and the JSON keep printing `ns/op` and
`MB/s`, and a file in the usual units is read exactly, with no rescaling.
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
    chosen = _configured_direction(unit, configured) if configured else None
    if chosen is not None:
        better = chosen
    elif meta.get("better") in ("higher", "lower"):
        better = Better(meta["better"])
    exact = meta.get("assume") == "exact"
    return UnitInfo(unit, metric, better, exact)


def _tokens(unit: str) -> list[tuple[int, int, bool]]:
    """(start, end, in denominator) of each token of a unit, as benchunit's parser splits it:
    `*` and `/` switch numerator and denominator, `-` and spaces only separate."""
    out = []
    denom = False
    i, n = 0, len(unit)
    while i < n:
        c = unit[i]
        if c == "*":
            denom = False
        elif c == "/":
            denom = True
        elif not (c == "-" or c.isspace()):
            j = i
            while j < n and unit[j] not in "*/-" and not unit[j].isspace():
                j += 1
            out.append((i, j, denom))
            i = j
            continue
        i += 1
    return out


def _edit_numerator(unit: str, edits: Mapping[str, tuple[str, int]]) -> tuple[str, int]:
    """`unit` with numerator tokens replaced per `edits` (token → (new, exponent of 10))."""
    exp = 0
    pieces: list[str] = []
    last = 0
    for start, end, denom in _tokens(unit):
        edit = None if denom else edits.get(unit[start:end])
        if edit is not None:
            pieces += [unit[last:start], edit[0]]
            last = end
            exp += edit[1]
    if not pieces:
        return unit, 0
    pieces.append(unit[last:])
    return "".join(pieces), exp


_TIDY = {"ns": ("sec", -9), "MB": ("B", 6)}
_FAMILIAR = {"sec": ("ns", 9)}
_MAX_CACHED_UNITS = 4096
_normalised: dict[str, tuple[str, int]] = {
    "ns/op": ("ns/op", 0),
    "MB/s": ("MB/s", 0),
    "B/op": ("B/op", 0),
    "allocs/op": ("allocs/op", 0),
}


def tidy_unit(unit: str) -> tuple[str, int]:
    """benchunit.Tidy: (`unit` in base units, the power of ten that converts a value to it).

    `ns/op` → (`sec/op`, -9), `MB/s` → (`B/s`, 6); denominators are left alone."""
    if "ns" not in unit and "MB" not in unit:
        return unit, 0
    return _edit_numerator(unit, _TIDY)


def familiar_unit(tidied: str) -> tuple[str, int]:
    """A tidied unit in the form Go's testing package prints: `sec/…` as `ns/…`, `B/s` as
    `MB/s` (and the power of ten that converts a value to it)."""
    if tidied == "B/s":
        return "MB/s", -6
    if "sec" not in tidied:
        return tidied, 0
    return _edit_numerator(tidied, _FAMILIAR)


def normalise_unit(unit: str) -> tuple[str, int]:
    """The key samples in `unit` are kept under, and the power of ten that converts a value:
    `ns/op` → (`ns/op`, 0), `sec/op` → (`ns/op`, 9), `B/s` → (`MB/s`, -6). Cached."""
    found = _normalised.get(unit)
    if found is None:
        tidied, exp = tidy_unit(unit)
        key, back = familiar_unit(tidied)
        found = (key, exp + back)
        if len(_normalised) >= _MAX_CACHED_UNITS:
            _normalised.clear()
        _normalised[unit] = found
    return found


def scale(value: float, exp10: int) -> float:
    """`value` × 10**exp10 with one rounding (dividing by the exact power for negative ones)."""
    if exp10 == 0:
        return value
    return value * 10.0**exp10 if exp10 > 0 else value / 10.0**-exp10


def _configured_direction(unit: str, configured: Mapping[str, Better]) -> Better | None:
    """The configured direction of `unit`, whichever spelling the config used (`sec/op`)."""
    if unit in configured:
        return configured[unit]
    for spelled, better in configured.items():
        if normalise_unit(spelled)[0] == unit:
            return better
    return None


_TIME_SCALES = ((1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns"))
_BYTE_SCALES = ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"), (1, "B"))


def _sig(value: float, digits: int = 3) -> str:
    """`value` with about `digits` significant digits, no exponent for everyday sizes
    (from 10⁻⁶ to below 10¹⁵; beyond them `1.00e+20`)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    mag = math.floor(math.log10(abs(value)))
    if mag >= 15 or mag < -6:
        return f"{value:.{digits - 1}e}"
    decimals = max(0, digits - 1 - mag)
    return f"{value:.{decimals}f}"


def format_value(value: float, unit: str) -> str:
    """A human-scaled value: `1.70µs`, `512 MB/s`, `4.00KiB`, `12 allocs`; `+Inf ns/op`."""
    if not math.isfinite(value):
        text = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        return f"{text} {unit}"
    if unit in ("ns/op", "sec/op"):
        ns = value * 1e9 if unit == "sec/op" else value
        for scale, suffix in _TIME_SCALES:
            if abs(ns) >= scale or scale == 1.0:
                return f"{_sig(ns / scale)}{suffix}"
    if unit == "B/op":
        for size, suffix in _BYTE_SCALES:
            if abs(value) >= size or size == 1:
                if size > 1:
                    text = _sig(value / size)
                else:  # whole bytes as such; half a byte (a median) is not 0B
                    text = f"{value:.0f}" if value == int(value) else _sig(value)
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
    if math.isnan(pct):
        return "?"  # as benchstat: no meaningful change (e.g. an infinite median on both sides)
    if not math.isfinite(pct):
        return "+∞%" if pct > 0 else "−∞%"
    if abs(pct) < 0.05:
        return "0%"
    if pct >= 1000:  # `+768376.7%` says less than `×7,685`
        return f"×{1 + pct / 100:,.0f}"
    sign = "+" if pct > 0 else "−"
    return f"{sign}{abs(pct):.1f}%"
