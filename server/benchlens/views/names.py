"""How benchmarks are named in tables: packages shortened by their common prefix."""

from __future__ import annotations

import os
from collections.abc import Iterable

from benchlens.compare import BenchmarkComparison


def common_package_prefix(packages: Iterable[str]) -> str:
    """The import-path prefix all packages share, ending in `/` (or "")."""
    pkgs = sorted({p for p in packages if p})
    if len(pkgs) < 2:
        return pkgs[0].rsplit("/", 1)[0] + "/" if pkgs and "/" in pkgs[0] else ""
    prefix = os.path.commonprefix(pkgs)
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""


def table_name(bench: BenchmarkComparison, prefix: str) -> str:
    """`storage/log.Append/size=4096-8`: short package, name without `Benchmark`."""
    name = bench.key.display_name
    name = name[len("Benchmark") :] if name.startswith("Benchmark") else name
    pkg = bench.key.package
    if pkg.startswith(prefix):
        pkg = pkg[len(prefix) :]
    return f"{pkg}.{name}" if pkg else name
