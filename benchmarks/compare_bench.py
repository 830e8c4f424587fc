"""`benchlens compare` and `benchlens check` against benchstat, whole processes, same run.

    python benchmarks/compare_bench.py [--runs 9] [--formats text,markdown,json] [--json]

Inputs come from `generate.py`: a pair of 2,000 benchmarks x 10 samples x 4 units
(20,000 result lines per file) for `compare --format F`, and GOROOT/src as a
workspace with results for its ~1,940 benchmarks for `check` (what the editor
shows, on a large real tree). The reference is the real benchstat binary on the
same two files (`../shared/tools/benchstat/`, or $BENCHSTAT): its rows are
skipped, with a message, when it is missing. Each pair of runs alternates the
two commands; the ratio is the median of the per-pair ratios. benchlens's
bytecode is written first, as it is on a user's machine after the first run.

Targets: compare ≤ 1.0× benchstat in every format, check ≤ 1.5×. Exit 1 on a miss.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_goroot_workspace, write_pair
from timing import (
    Row,
    alternate,
    benchlens_command,
    benchstat,
    compile_package,
    cpu_ratio,
    emit,
    ratio_row,
    time_process,
)

COMPARE_TARGET = 1.0
CHECK_TARGET = 1.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 9 pairs: a shared 2-core machine moves single runs by ±15 %; the median of 9 holds.
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--formats", default="text,markdown,json")
    parser.add_argument("--work", type=Path, help="where to keep the generated inputs")
    parser.add_argument("--no-check", action="store_true", help="skip the check row")
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.gettempdir()) / "benchlens-bench"
    reference = benchstat()
    if reference is None:
        rows = [
            Row(
                figure=f"compare --format {fmt}" if fmt != "check" else "check",
                value=None,
                unit="ms",
                reference="benchstat",
                reference_value=None,
                ratio=None,
                target="—",
                met=None,
                note="skipped: benchstat not found (../shared/tools/benchstat/ or $BENCHSTAT)",
            )
            for fmt in [*args.formats.split(","), "check"]
        ]
        return emit(rows, args.json)

    base, cur = write_pair(work / "pair")
    compile_package()
    cli = benchlens_command()
    bs = [str(reference), str(base), str(cur)]
    rows = []
    for fmt in args.formats.split(","):
        ours = [*cli, "compare", str(base), str(cur), "--format", fmt]
        times_a, times_b = alternate(
            lambda ours=ours: time_process(ours), lambda: time_process(bs), args.runs
        )
        row = ratio_row(
            f"compare --format {fmt} (2,000 benchmarks × 10 × 4 units)",
            "benchstat, same files",
            times_a,
            times_b,
            COMPARE_TARGET,
        )
        row.extra["cpu_ratio"] = cpu_ratio()
        rows.append(row)
        emit([row], args.json)
    if not args.no_check:
        workspace = work / "goroot"
        names = make_goroot_workspace(workspace)
        results = workspace / "benchmark_results"
        ours = [*cli, "check", str(workspace)]
        ref = [str(reference), str(results / "baseline.txt"), str(results / "current.txt")]
        times_a, times_b = alternate(
            lambda: time_process(ours), lambda: time_process(ref), args.runs
        )
        row = ratio_row(
            f"check GOROOT/src ({len(names):,} benchmarks × 10)",
            "benchstat, same two files",
            times_a,
            times_b,
            CHECK_TARGET,
        )
        row.extra["cpu_ratio"] = cpu_ratio()
        rows.append(row)
        emit([row], args.json)
    return 1 if any(row.met is False for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
