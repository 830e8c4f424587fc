"""How benchmarks are named in tables: packages shortened by their common prefix."""

from __future__ import annotations

from collections.abc import Iterable

from benchlens.compare import BenchmarkComparison
from benchlens.views.facts import short_name


def common_package_prefix(packages: Iterable[str]) -> str:
    """The import-path prefix all packages share, ending in `/` (or "")."""
    pkgs = sorted({p for p in packages if p})
    if len(pkgs) < 2:
        return pkgs[0].rsplit("/", 1)[0] + "/" if pkgs and "/" in pkgs[0] else ""
    split = [p.split("/") for p in pkgs]
    shared: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        shared.append(parts[0])
    # Keep at least the last element of every package visible.
    shared = shared[: min(len(s) for s in split) - 1]
    return "/".join(shared) + "/" if shared else ""


def table_name(bench: BenchmarkComparison, prefix: str) -> str:
    """`storage/log.Append/size=4096-8`: short package, name without `Benchmark`."""
    name = short_name(bench)
    pkg = bench.key.package
    if pkg.startswith(prefix):
        pkg = pkg[len(prefix) :]
    return f"{pkg}.{name}" if pkg else name
