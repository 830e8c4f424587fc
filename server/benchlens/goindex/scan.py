"""The fast path: benchmark functions found by scanning bytes, without parsing.

gofmt puts every top-level `func` at the start of a line, so the lines that
begin with `func Benchmark` are the benchmark declarations. Finding them is a
few `bytes.find` calls per file — as cheap as grep — whereas a tree-sitter parse
of every test file in a large tree costs seconds. The scan gives names and
lines; the parse (done lazily, see `parse.py`) is the truth and replaces the
scan's answer for a file once it has been done.

Where the scan can be wrong: a `func Benchmark...` at the start of a line inside
a raw string or block comment (reported as a benchmark), and a declaration not
at column 0 (missed). Neither happens in gofmt'ed code outside embedded sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from benchlens.goindex.names import is_benchmark_name, utf16_len

__all__ = ["MARKER", "ScannedFunction", "has_benchmarks", "scan_benchmarks"]

#: The byte pre-filter: a file without it declares no benchmark and is never parsed.
MARKER = b"func Benchmark"
_LINE_MARKER = b"\n" + MARKER
_NAME_START = len(b"func ")
_PREFIX_LEN = len(MARKER)


class ScannedFunction(NamedTuple):
    """A benchmark declaration line: the name and where it is (0-based line, UTF-16 cols)."""

    name: str
    line: int
    start_col: int
    end_col: int


def has_benchmarks(data: bytes) -> bool:
    """The pre-filter: could this file declare a benchmark at all?"""
    return MARKER in data


# the rest of an identifier: ASCII letters, digits, '_' and the bytes of any multi-byte
# UTF-8 rune (Go allows Unicode letters), then the opening parenthesis
_NAME_REST = re.compile(rb"[0-9A-Za-z_\x80-\xff]*[ \t]*\(")


def _declaration_starts(data: bytes) -> Iterator[int]:
    """Offsets of every line that starts with `func Benchmark`."""
    if data.startswith(MARKER):
        yield 0
    pos = data.find(_LINE_MARKER)
    while pos >= 0:
        yield pos + 1
        pos = data.find(_LINE_MARKER, pos + 1)


def scan_benchmarks(data: bytes) -> list[ScannedFunction]:
    """Every `func BenchmarkX(` declaration at the start of a line, in file order.

    Applies the `go test` naming rule (`Benchmarkfoo` is not a benchmark) and
    skips generic functions (`go test` rejects benchmarks with type parameters).
    """
    found: list[ScannedFunction] = []
    line = 0
    counted_to = 0
    for start in _declaration_starts(data):
        m = _NAME_REST.match(data, start + _PREFIX_LEN)
        if m is None:
            continue
        name = data[start + _NAME_START : m.end() - 1].rstrip(b" \t").decode("utf-8", "replace")
        if not is_benchmark_name(name):
            continue
        line += data.count(b"\n", counted_to, start)
        counted_to = start
        found.append(ScannedFunction(name, line, _NAME_START, _NAME_START + utf16_len(name)))
    return found
