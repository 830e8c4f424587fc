"""Shared by the performance scripts: whole processes timed against a reference in the same
run, alternating (A B A B ...), and the one row format that `make bench` prints.

A row is one JSON object: `{"figure", "value", "unit", "reference", "reference_value",
"ratio", "target", "met"}` (value and reference_value are medians; `ratio` the median of
the per-pair ratios A/B, so a machine whose speed drifts during the run moves both sides
of each pair alike), with `runs` and the `min`/`max` of value and ratio when known.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHSTAT = ROOT.parent / "shared" / "tools" / "benchstat" / "benchstat-linux-amd64"


@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    reference: str
    reference_value: float | None
    ratio: float | None
    target: str
    met: bool | None
    runs: int = 0
    value_min: float | None = None
    value_max: float | None = None
    ratio_min: float | None = None
    ratio_max: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        extra = data.pop("extra")
        return json.dumps({**data, **extra}, ensure_ascii=False)


def benchlens_command() -> list[str]:
    """`benchlens` as a user runs it: the venv's console script, else the module."""
    script = Path(sys.executable).parent / "benchlens"
    return [str(script)] if script.exists() else [sys.executable, "-m", "benchlens"]


def compile_package() -> None:
    """Write benchlens's bytecode (`__pycache__`) before timing it, as a user's machine has
    it from the first run on: a process started with PYTHONDONTWRITEBYTECODE set (as
    some shells and sandboxes do) would otherwise compile every module on every run."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("benchlens")
    folders = (spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)


def build_under_test() -> str:
    """Which benchlens the scripts time: `make bench` puts the compiled wheel
    (`make wheel`, unpacked in build/compiled) first on PYTHONPATH; run alone, a script
    times the sources."""
    import importlib.util
    from importlib.machinery import EXTENSION_SUFFIXES

    spec = importlib.util.find_spec("benchlens.stats")
    origin = str(spec.origin if spec is not None else "")
    if origin.endswith(tuple(EXTENSION_SUFFIXES)):
        return f"the mypyc-compiled wheel ({Path(origin).parent.parent})"
    return f"the sources, pure Python ({Path(origin).parent.parent})"


def benchstat() -> Path | None:
    """The reference benchstat binary (a yardstick only), or None when it is not here."""
    found = os.environ.get("BENCHSTAT")
    if found:
        return Path(found)
    return BENCHSTAT if BENCHSTAT.exists() else None


#: CPU seconds (user + system) of every process timed by `time_process`, in order.
CPU_SECONDS: list[float] = []


def time_process(argv: Sequence[str], cwd: Path | None = None) -> float:
    """Wall seconds of one whole process, its output discarded (its CPU seconds are
    appended to CPU_SECONDS); raises when it fails (exit status other than 0 or 1)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    CPU_SECONDS.append(usage.ru_utime + usage.ru_stime)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}")
    return elapsed


def alternate(
    a: Callable[[], float], b: Callable[[], float], runs: int, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """Time `a` and `b` in turn, `runs` times each after `warmup` unrecorded pairs."""
    for _ in range(warmup):
        a()
        b()
    times_a: list[float] = []
    times_b: list[float] = []
    del CPU_SECONDS[:]
    for _ in range(runs):
        times_a.append(a())
        times_b.append(b())
    return times_a, times_b


def cpu_ratio() -> float | None:
    """The median per-pair CPU ratio A/B of the last `alternate` of two processes."""
    pairs = list(zip(CPU_SECONDS[::2], CPU_SECONDS[1::2], strict=False))
    if not pairs or any(b <= 0 for _, b in pairs):
        return None
    return statistics.median(a / b for a, b in pairs)


def ratio_row(
    figure: str,
    reference: str,
    times_a: list[float],
    times_b: list[float],
    target: float,
    unit: str = "ms",
    scale: float = 1e3,
) -> Row:
    """A row for A against B with the per-pair ratios; met when the median ratio <= target."""
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    median_ratio = statistics.median(ratios)
    return Row(
        figure=figure,
        value=statistics.median(times_a) * scale,
        unit=unit,
        reference=reference,
        reference_value=statistics.median(times_b) * scale,
        ratio=median_ratio,
        target=f"≤ {target:g}×",
        met=median_ratio <= target,
        runs=len(times_a),
        value_min=min(times_a) * scale,
        value_max=max(times_a) * scale,
        ratio_min=min(ratios),
        ratio_max=max(ratios),
    )


def emit(rows: Sequence[Row], as_json: bool) -> int:
    """Print the rows (JSON lines or readable text); 1 when a target was missed."""
    for row in rows:
        if as_json:
            print(row.to_json(), flush=True)
        else:
            value = "—" if row.value is None else f"{row.value:.1f} {row.unit}"
            ref = "" if row.reference_value is None else f"{row.reference_value:.1f} {row.unit}"
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}×"
            state = {True: "met", False: "MISSED", None: "skipped"}[row.met]
            print(f"{row.figure}: {value} vs {row.reference} {ref} {ratio} ({row.target}) {state}")
            if row.note:
                print(f"  {row.note}")
    return 1 if any(row.met is False for row in rows) else 0
