"""`benchlens profile BENCH`: CPU and memory profiles of one benchmark.

Writes `benchmark_results/profiles/<bench>/{cpu,mem}.prof` and, next to them, the
test binary they were taken from, so that `go tool pprof` can show symbols and
source. Prints the top of the CPU profile and the commands to explore both.
Without `--pkg`, the package is the one whose `_test.go` files declare
`func BENCH(`.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from benchlens.cli.common import load_config_reporting, warn
from benchlens.cli.run import INTERRUPTED, signals_as_interrupt
from benchlens.config import Config
from benchlens.runner.events import GoPackage
from benchlens.runner.goargs import build_test_binary_args, name_pattern, split_flags
from benchlens.runner.gotool import (
    GoListError,
    GoNotFound,
    benchmark_functions,
    list_packages,
    resolve_go,
)
from benchlens.runner.process import StreamingProcess, run_captured

#: Lines of `go tool pprof -top` shown.
TOP_LINES = 15


class ProfileError(Exception):
    """Why the benchmark cannot be profiled (printed, exit 2)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "profile",
        help="CPU and memory profiles of one benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bench", metavar="BENCH", help="benchmark name: BenchmarkX or BenchmarkX/sub")
    p.add_argument("--pkg", help="package (import path or ./dir); default: found by name")
    p.add_argument("--benchtime", metavar="T", help="benchtime (default: config default mode)")
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="workspace root (default: .)")
    p.set_defaults(func=profile_command)


def safe_dir_name(bench: str) -> str:
    """A directory name for a benchmark: `BenchmarkX/size=64` → `BenchmarkX_size=64`.
    Only letters, digits and `._=-` survive; never empty, `.` or `..`, never hidden."""
    name = re.sub(r"[^A-Za-z0-9._=-]+", "_", bench).strip("._") or "benchmark"
    return name[:120]


def find_package(go: str, config: Config, bench: str, pkg: str | None) -> GoPackage:
    """The package to profile: `--pkg`, else the one declaring the benchmark function."""
    patterns = [pkg] if pkg else list(config.packages)
    build = split_flags(config.run.flags).build
    try:
        packages = list_packages(go, config.root, patterns, build)
    except GoListError as exc:
        raise ProfileError(str(exc)) from exc
    if pkg:
        if len(packages) != 1:
            raise ProfileError(f"--pkg {pkg} matches {len(packages)} packages; give exactly one")
        return packages[0]
    func = bench.split("/", 1)[0]
    found = [p for p in packages if func in benchmark_functions(p)]
    if not found:
        where = " ".join(config.packages)
        raise ProfileError(f"no package in {where} declares func {func}; use --pkg")
    if len(found) > 1:
        names = ", ".join(p.import_path for p in found)
        raise ProfileError(f"{func} is declared in several packages ({names}); use --pkg")
    return found[0]


def _display(path: Path) -> str:
    """A path as short as possible for a command to copy: relative to the cwd if inside."""
    try:
        return shlex.quote(str(path.relative_to(Path.cwd())))
    except ValueError:
        return shlex.quote(str(path))


def profile_command(args: argparse.Namespace) -> int:
    config = load_config_reporting(args.dir)
    bench = args.bench if args.bench.startswith("Benchmark") else f"Benchmark{args.bench}"
    try:
        go = resolve_go(config.run.go)
        with signals_as_interrupt():
            return _profile(go, config, bench, args)
    except (GoNotFound, ProfileError) as exc:
        warn(str(exc))
        return 2
    except KeyboardInterrupt:
        warn("interrupted")
        return INTERRUPTED


def _profile(go: str, config: Config, bench: str, args: argparse.Namespace) -> int:
    pkg = find_package(go, config, bench, args.pkg)
    out_dir = config.current.parent / "profiles" / safe_dir_name(bench)
    out_dir.mkdir(parents=True, exist_ok=True)
    binary = out_dir / f"{pkg.name or 'pkg'}.test"
    cpu, mem = out_dir / "cpu.prof", out_dir / "mem.prof"
    flags = split_flags(config.run.flags)

    print(f"build {pkg.import_path}", flush=True)
    code, out = run_captured(
        [go, *build_test_binary_args(pkg.import_path, str(binary), flags.build)], config.root
    )
    if code != 0 or not binary.exists():
        warn(f"{pkg.import_path}: build failed:\n{out.strip()}")
        return 1

    benchtime = args.benchtime or config.run.benchtime.get("default", "5s")
    argv = [
        str(binary),
        "-test.run=^$",
        f"-test.bench={name_pattern(bench)}",
        "-test.benchmem",
        f"-test.benchtime={benchtime}",
        "-test.count=1",
        f"-test.cpuprofile={cpu}",
        f"-test.memprofile={mem}",
        *([f"-test.timeout={config.run.timeout}"] if config.run.timeout else []),
        *flags.test,
    ]
    print(f"profile {bench} in {pkg.import_path} (benchtime {benchtime})", flush=True)
    proc = StreamingProcess(argv, pkg.dir)
    proc.start()
    ran = False
    try:
        for line in proc.lines():
            ran = ran or line.startswith("Benchmark")
            print(line, flush=True)
    finally:
        code = proc.finish()
    if code != 0:
        warn(f"{bench}: the benchmark failed (exit status {code})")
        return 1
    if not ran or not cpu.exists():
        warn(f"{bench}: no benchmark of that name ran in {pkg.import_path}")
        return 2

    code, top = run_captured([go, "tool", "pprof", "-top", str(binary), str(cpu)], config.root)
    print()
    if code == 0:
        print("\n".join(top.splitlines()[:TOP_LINES]))
    else:
        warn(f"go tool pprof failed:\n{top.strip()}")
    b, c, m = _display(binary), _display(cpu), _display(mem)
    print()
    print(f"profiles in {_display(out_dir)}/")
    print("explore them in a browser:")
    print(f"  go tool pprof -http=:8080 {b} {c}")
    print(f"  go tool pprof -http=:8080 -sample_index=alloc_space {b} {m}")
    sys.stdout.flush()
    return 0
