"""Reading a very large results file: time and memory against benchstat on the same file.

    python benchmarks/reader_bench.py [--lines 1000000] [--runs 3] [--json]

Writes a 10⁶-line Go benchmark file (~67 MB: 1,000 benchmarks × 1,000 samples ×
3 units, the shape of issue 10's report) and reads it in a fresh process
(`load_results`, as every command does), alternating with benchstat summarising
the same file. Rows: the wall time (target ≤ 10 s: "seconds") and the peak
RSS of the reading process (target ≤ 2× the file: memory follows the samples
kept, not the bytes read). Exit 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import Row, benchstat, emit

TIME_TARGET_S = 10.0
RSS_TARGET = 2.0


def write_big(path: Path, lines: int) -> None:
    if path.exists() and path.stat().st_size > 0:
        return
    with path.open("w") as f:
        f.write("pkg: example.com/big\n")
        for i in range(lines):
            f.write(f"BenchmarkN/i={i % 1000}-8 \t1000\t{i % 97 + 1} ns/op\t0 B/op\t0 allocs/op\n")


def run_measured(argv: list[str]) -> tuple[float, float]:
    """(CPU seconds, peak RSS MiB) of one child process, its output discarded. CPU time
    (user + system): on a machine shared by many busy processes, wall time measures
    the scheduler more than the reader."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    path = Path(tempfile.gettempdir()) / "benchlens-bench" / f"big-{args.lines}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_big(path, args.lines)
    size_mib = path.stat().st_size / 2**20
    ours = [
        sys.executable,
        "-c",
        "import sys; from benchlens.results.reader import load_results; "
        "rs = load_results(sys.argv[1]); assert len(rs) == 1000",
        str(path),
    ]
    reference = benchstat()
    ref = [str(reference), str(path)] if reference else None
    times, rss, ref_times, ref_rss = [], [], [], []
    for _ in range(args.runs):
        t, m = run_measured(ours)
        times.append(t)
        rss.append(m)
        if ref:
            t, m = run_measured(ref)
            ref_times.append(t)
            ref_rss.append(m)
    label = f"{args.lines:,} lines ({size_mib:.0f} MiB)"
    ratio = (
        statistics.median(a / b for a, b in zip(times, ref_times, strict=True))
        if ref_times
        else None
    )
    rows = [
        Row(
            figure=f"read {label}",
            value=statistics.median(times),
            unit="CPU s",
            reference="benchstat, same file" if ref else "benchstat missing",
            reference_value=statistics.median(ref_times) if ref_times else None,
            ratio=ratio,
            target=f"≤ {TIME_TARGET_S:g} s",
            met=statistics.median(times) <= TIME_TARGET_S,
            runs=args.runs,
            value_min=min(times),
            value_max=max(times),
        ),
        Row(
            figure=f"peak RSS reading {label}",
            value=statistics.median(rss),
            unit="MiB",
            reference="the file's size",
            reference_value=size_mib,
            ratio=statistics.median(rss) / size_mib,
            target=f"≤ {RSS_TARGET:g}× the file",
            met=statistics.median(rss) <= RSS_TARGET * size_mib,
            runs=args.runs,
            value_min=min(rss),
            value_max=max(rss),
            extra={"benchstat_rss_mib": statistics.median(ref_rss) if ref_rss else None},
        ),
    ]
    return emit(rows, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
