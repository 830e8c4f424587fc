"""How fast the Go source index is, against grep over the same tree, measured in the same run.

    python benchmarks/index_bench.py [--root DIR] [--runs N] [--check] [--json]

Full index: `WorkspaceIndex(root).build()` over GOROOT/src (~1,900 `_test.go`
files, ~2,000 benchmarks) vs `grep -rn '^func Benchmark' --include=*_test.go`
over the same tree, alternated run by run (so load on the machine hits both
alike); the ratio is the median of the per-pair ratios (target <= 2x). Single
file: `update_document` after a one-line edit (the editor's didChange), median
of N, for a typical benchmark file and for the largest one,
`encoding/json/v2/arshal_test.go` (351 KiB; target <= 20 ms). `--check` (and
`--json`, one JSON row per figure for `make bench`) exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from benchlens.goindex import WorkspaceIndex

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import Row, alternate, emit, ratio_row

FULL_RATIO_TARGET = 2.0
SINGLE_FILE_TARGET_MS = 20.0


def _goroot_src() -> Path:
    go = shutil.which("go") or str(Path(sys.executable).parent / "go")
    out = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()) / "src"


def _grep(root: Path) -> Callable[[], object]:
    cmd = ["grep", "-rn", "^func Benchmark", "--include=*_test.go", str(root)]
    return lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)


def _build(root: Path) -> WorkspaceIndex:
    index = WorkspaceIndex([root])
    index.build()
    return index


def _edit_timer(index: WorkspaceIndex, path: Path, repeat: int) -> tuple[float, float]:
    """(open, didChange) medians in CPU ms: first full parse, then one-line edits re-parsed.

    CPU time of this process, not wall time: on a machine shared by many busy
    processes the wall time of a few milliseconds of work measures the scheduler."""
    text = path.read_text(encoding="utf-8")
    opens = []
    for _ in range(repeat):
        index.close_document(path)
        t0 = time.process_time()
        index.update_document(path, text)
        opens.append(time.process_time() - t0)
    lines = text.splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if line.startswith("func Benchmark")) + 1
    changes = []
    for i in range(repeat + 1):
        lines[target] = f"\t_ = {i} // edited\n" + lines[target]
        new = "".join(lines)
        t0 = time.process_time()
        index.update_document(path, new)
        changes.append(time.process_time() - t0)
    index.close_document(path)
    return statistics.median(opens) * 1e3, statistics.median(changes[1:]) * 1e3


def _timed(fn: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="tree to index (default: GOROOT/src)")
    parser.add_argument("--runs", "--repeat", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", action="store_true", help="one JSON row per figure")
    args = parser.parse_args(argv)
    root: Path = args.root or _goroot_src()
    out = sys.stderr if args.json else sys.stdout

    index_times, grep_times = alternate(
        _timed(lambda: _build(root)), _timed(_grep(root)), args.runs
    )
    index = _build(root)
    functions = index.functions()
    files = {f.path for f in functions}
    full = ratio_row(
        f"index GOROOT/src ({len(functions):,} benchmarks in {len(files):,} files)",
        "grep -rn '^func Benchmark', same tree",
        index_times,
        grep_times,
        FULL_RATIO_TARGET,
    )
    print(f"tree: {root}", file=out)
    print(
        f"  {index.files_read} _test.go files read, {len(files)} with benchmarks, "
        f"{len(functions)} benchmark functions, {len(index.packages())} packages",
        file=out,
    )
    rebuild = statistics.median(_timed(index.build)() for _ in range(args.runs))
    print(f"  re-build, nothing changed: {rebuild * 1e3:.1f} ms (stat only)", file=out)

    typical = next((p for p in sorted(files) if p.name == "strings_test.go"), sorted(files)[0])
    largest = max(files, key=lambda p: p.stat().st_size)
    rows = [full]
    for label, path in (("typical", typical), ("largest", largest)):
        open_ms, change_ms = _edit_timer(index, path, args.runs)
        size_kb = path.stat().st_size / 1024
        rows.append(
            Row(
                figure=f"didChange, {label} file ({path.relative_to(root)}, {size_kb:.0f} KiB)",
                value=change_ms,
                unit="CPU ms",
                reference="didOpen (full parse)",
                reference_value=open_ms,
                ratio=None,
                target=f"≤ {SINGLE_FILE_TARGET_MS:.0f} ms",
                met=change_ms <= SINGLE_FILE_TARGET_MS,
                runs=args.runs,
            )
        )
    missed = emit(rows, args.json)
    return missed if args.check or args.json else 0


if __name__ == "__main__":
    os.environ.setdefault("GOTOOLCHAIN", "local")
    raise SystemExit(main())
