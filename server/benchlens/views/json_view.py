"""`compare --format json`: the schema of SPEC §4, plus `notes` (what makes the sides
hard to compare, e.g. a different cpu: every format says it)."""

from __future__ import annotations

import json
import math
from typing import Any

from benchlens.compare import Comparison, MetricDelta
from benchlens.views.facts import coverage_warning, difference_notes


def _number(value: float | None) -> float | None:
    """JSON has no infinity or NaN: a change from zero is null."""
    if value is None or not math.isfinite(value):
        return None
    return value


def _metric(m: MetricDelta) -> dict[str, Any]:
    return {
        "unit": m.unit,
        "metric": m.metric.value,
        "baseline": _number(m.baseline.center) if m.baseline else None,
        "current": _number(m.current.center) if m.current else None,
        "change_pct": _number(m.change_pct),
        "p_value": _number(m.p_value),
        "n_baseline": m.n_baseline,
        "n_current": m.n_current,
        "status": m.status.value,
    }


def comparison_to_json(comparison: Comparison) -> dict[str, Any]:
    notes = difference_notes(comparison)
    warning = coverage_warning(comparison)
    if warning:
        notes.append(warning)
    return {
        "summary": comparison.summary,
        "notes": notes,
        "benchmarks": [
            {
                "package": b.package,
                "name": b.name,
                "procs": b.key.procs,
                "status": b.status.value,
                "metrics": [_metric(m) for m in b.metrics],
            }
            for b in comparison.benchmarks
        ],
    }


def render_json(comparison: Comparison) -> str:
    # Compact, so that the C encoder writes it (indent= falls back to pure Python:
    # ~1 s for 2,000 benchmarks).
    data = comparison_to_json(comparison)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
