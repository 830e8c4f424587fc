"""How benchmarks are named in tables: packages shortened by their common prefix."""

from __future__ import annotations

import re
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


_MAJOR_VERSION = re.compile(r"v[0-9]+(?:/|$)")


def short_package(package: str, prefix: str) -> str:
    """`package` without `prefix`, but never a bare major version: the `/v2` of
    `github.com/cespare/xxhash/v2` keeps its module's name (`xxhash/v2`)."""
    if not prefix or not package.startswith(prefix):
        return package
    rest = package[len(prefix) :]
    if _MAJOR_VERSION.match(rest):
        parent = prefix.rstrip("/").rsplit("/", 1)[-1]
        rest = f"{parent}/{rest}" if parent else rest
    return rest


def table_name(bench: BenchmarkComparison, prefix: str) -> str:
    """`storage/log.Append/size=4096-8`: short package, name without `Benchmark`."""
    name = short_name(bench)
    pkg = short_package(bench.key.package, prefix)
    return f"{pkg}.{name}" if pkg else name
