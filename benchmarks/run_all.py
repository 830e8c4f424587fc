"""`make bench`: every performance script of `benchmarks/`, one table.

    python benchmarks/run_all.py [--only NAME[,NAME]] [--runs N]

Runs each script here that measures something (all but `generate.py`,
`timing.py`, this one and modules whose name starts with `_`) with `--json`:
each prints one JSON object per row, `{"figure", "value", "unit", "reference",
"reference_value", "ratio", "target", "met"}` (plus `runs` and min/max when
known; `timing.py` has the row type and the alternating timer), and exits
non-zero when one of its targets is missed. Every figure is timed against its
reference in the same run, alternating. Prints one table (median, with min–max of the runs)
and exits 1 when a target is missed or a script fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import build_under_test, compile_package

HERE = Path(__file__).resolve().parent
#: Not speed figures: helpers, this runner, and `make bench-signal`'s verdict-quality
#: experiment (about 1.5 h, its own table in the README).
NOT_SCRIPTS = {"generate.py", "timing.py", "run_all.py", "verdict_signal.py"}
#: Scripts that take --runs (the others choose their own repetitions).
TAKES_RUNS = {"compare_bench.py", "index_bench.py"}


def scripts(only: set[str] | None) -> list[Path]:
    found = sorted(
        p for p in HERE.glob("*.py") if p.name not in NOT_SCRIPTS and not p.name.startswith("_")
    )
    return [p for p in found if only is None or p.stem in only or p.name in only]


def run_script(path: Path, runs: int | None) -> tuple[list[dict[str, Any]], int, float, str]:
    argv = [sys.executable, str(path), "--json"]
    if runs is not None and path.name in TAKES_RUNS:
        argv += ["--runs", str(runs)]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    rows = []
    for line in proc.stdout.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "figure" in row:
            row["script"] = path.name
            rows.append(row)
    tail = (proc.stderr.strip().splitlines() or [""])[-1]
    return rows, proc.returncode, time.perf_counter() - t0, tail


def _num(value: Any, unit: str = "") -> str:
    if not isinstance(value, int | float):
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def _spread(row: dict[str, Any], key: str, unit: str = "") -> str:
    lo, hi = row.get(f"{key}_min"), row.get(f"{key}_max")
    if isinstance(lo, int | float) and isinstance(hi, int | float):
        if key == "ratio":
            return f" ({lo:.2f}–{hi:.2f})"
        return f" ({_num(lo)}–{_num(hi)})"
    return ""


def table(rows: list[dict[str, Any]]) -> str:
    header = ("Figure", "Value (min–max)", "Reference", "Ratio (min–max)", "Target", "Met")
    lines = [header]
    for row in rows:
        unit = str(row.get("unit", ""))
        ratio = row.get("ratio")
        met = row.get("met")
        lines.append(
            (
                str(row["figure"]),
                _num(row.get("value"), unit) + _spread(row, "value"),
                f"{row.get('reference', '')}: {_num(row.get('reference_value'), unit)}",
                (f"{ratio:.2f}×" if isinstance(ratio, int | float) else "—")
                + _spread(row, "ratio")
                + (
                    f"; CPU {row['cpu_ratio']:.2f}×"
                    if isinstance(row.get("cpu_ratio"), int | float)
                    else ""
                ),
                str(row.get("target", "")),
                {True: "yes", False: "NO", None: "skipped"}.get(met, str(met)),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated script names (without .py)")
    parser.add_argument("--runs", type=int, help="runs per figure where a script takes it")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    all_rows: list[dict[str, Any]] = []
    failed = False
    compile_package()  # every script times benchlens with its bytecode, as users run it
    print(f"benchlens under test: {build_under_test()}", file=sys.stderr, flush=True)
    for path in scripts(only):
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        rows, code, seconds, tail = run_script(path, args.runs)
        print(f"  {len(rows)} rows in {seconds:.0f} s (exit {code})", file=sys.stderr)
        if not rows:
            failed = True
            all_rows.append(
                {"figure": f"{path.name}: no result (exit {code}: {tail})", "met": False}
            )
        elif code != 0 and not any(row.get("met") is False for row in rows):
            failed = True
            all_rows.append({"figure": f"{path.name}: exit {code} ({tail})", "met": False})
        all_rows.extend(rows)
        for row in rows:
            if row.get("met") is None and row.get("note"):
                print(f"  {row['figure']}: {row['note']}", file=sys.stderr)
    print(f"benchlens under test: {build_under_test()}\n")
    print(table(all_rows))
    missed = [row["figure"] for row in all_rows if row.get("met") is False]
    if missed:
        print(f"\ntargets missed: {', '.join(missed)}")
    return 1 if missed or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
