"""How fast the Go source index is, against grep over the same tree, measured in the same run.

    python benchmarks/index_bench.py [--root DIR] [--repeat N] [--check]

Full index: `WorkspaceIndex(root).build()` over GOROOT/src (~1,900 `_test.go`
files, ~2,000 benchmarks) vs `grep -rn '^func Benchmark' --include=*_test.go`
over the same tree; both warmed up once, then the median of N runs; printed as
a ratio (target <= 2x). Single file: `update_document` of an open file after a
one-line edit (the editor's didChange; incremental re-parse), median of N
(target <= 20 ms), for a typical benchmark file and for the largest one. For
context it also times what the lazy design avoids: parsing every benchmark file.
`--check` exits 1 when a target is missed.
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

from benchlens.goindex import ResolutionKind, WorkspaceIndex
from benchlens.goindex.parse import parse_bytes
from benchlens.goindex.scan import MARKER

FULL_RATIO_TARGET = 2.0
SINGLE_FILE_TARGET_MS = 20.0


def _median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: OS page cache, imports, regex compilation
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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
    """(open, didChange) medians in ms: first full parse, then one-line edits re-parsed."""
    text = path.read_text(encoding="utf-8")
    opens = []
    for _ in range(repeat):
        index.close_document(path)
        t0 = time.perf_counter()
        index.update_document(path, text)
        opens.append(time.perf_counter() - t0)
    lines = text.splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if line.startswith("func Benchmark")) + 1
    changes = []
    for i in range(repeat + 1):
        lines[target] = f"\t_ = {i} // edited\n" + lines[target]
        t0 = time.perf_counter()
        index.update_document(path, "".join(lines))
        changes.append(time.perf_counter() - t0)
    index.close_document(path)
    return statistics.median(opens) * 1e3, statistics.median(changes[1:]) * 1e3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="tree to index (default: GOROOT/src)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    root: Path = args.root or _goroot_src()

    grep_s = _median_seconds(_grep(root), args.repeat)
    index_s = _median_seconds(lambda: _build(root), args.repeat)
    index = _build(root)
    functions = index.functions()
    files = {f.path for f in functions}
    ratio = index_s / grep_s
    print(f"tree: {root}")
    print(f"  {index.files_read} _test.go files read, {len(files)} with benchmarks,")
    print(f"  {len(functions)} benchmark functions, {len(index.packages())} packages")
    print(f"full index:  {index_s * 1e3:7.1f} ms   (median of {args.repeat})")
    print(f"grep -rn:    {grep_s * 1e3:7.1f} ms")
    print(f"ratio:       {ratio:7.2f}x grep   (target <= {FULL_RATIO_TARGET:.0f}x)")
    rebuild_s = _median_seconds(index.build, args.repeat)
    print(f"re-build, nothing changed: {rebuild_s * 1e3:.1f} ms (stat only)")

    # what the lazy design avoids: a tree-sitter parse of every file with benchmarks
    datas = [p.read_bytes() for p in sorted(files)]
    t0 = time.perf_counter()
    for data in datas:
        if MARKER in data:
            parse_bytes(data)
    print(
        f"for comparison, parsing all {len(datas)} benchmark files: "
        f"{(time.perf_counter() - t0) * 1e3:.0f} ms (not done by build)"
    )

    # the first sub-benchmark result of a file parses that file (once)
    sub = next((f for f in functions if f.path.name == "strings_test.go"), functions[0])
    t0 = time.perf_counter()
    res = index.resolve(index.package_of_file(sub.path) or "", f"{sub.name}/x")
    lazy_ms = (time.perf_counter() - t0) * 1e3
    assert res.kind is not ResolutionKind.UNRESOLVED
    print(f"first sub-benchmark resolution in {sub.path.name} (lazy parse): {lazy_ms:.1f} ms")

    typical = next((p for p in sorted(files) if p.name == "strings_test.go"), sorted(files)[0])
    largest = max(files, key=lambda p: p.stat().st_size)
    ok = ratio <= FULL_RATIO_TARGET
    for label, path in (("typical", typical), ("largest", largest)):
        open_ms, change_ms = _edit_timer(index, path, args.repeat)
        size_kb = path.stat().st_size / 1024
        print(
            f"single file, {label} ({path.relative_to(root)}, {size_kb:.0f} KiB): "
            f"open {open_ms:.1f} ms, didChange {change_ms:.1f} ms"
            + (f"   (target <= {SINGLE_FILE_TARGET_MS:.0f} ms)" if label == "typical" else "")
        )
        if label == "typical":
            ok = ok and change_ms <= SINGLE_FILE_TARGET_MS and open_ms <= SINGLE_FILE_TARGET_MS
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    os.environ.setdefault("GOTOOLCHAIN", "local")
    raise SystemExit(main())
