"""Streaming reader of the Go benchmark format (proposal 14313) and of `go test -json`.

Modeled on golang.org/x/perf/benchfmt: the reader yields a stream of records —
a `Result`, a `UnitMetadata` or a `SyntaxIssue` — so one bad line never stops
the file and the caller decides what to do with errors. Lines are read one at
a time, so files of hundreds of MB never sit in memory whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from benchlens.results.model import (
    BenchmarkKey,
    Location,
    Record,
    Result,
    ResultSet,
    SyntaxIssue,
    UnitMetadata,
    Value,
    frozen_config,
)

_PROCS_SUFFIX = re.compile(r"-(\d+)$")
_CONFIG_KEY = re.compile(r"[a-z][^\sA-Z:]*")


class ResultsFileError(Exception):
    """A results file that cannot be read at all (missing, unreadable, not text)."""


def split_procs(raw_name: str) -> tuple[str, int]:
    """Split the GOMAXPROCS suffix off a printed benchmark name: `BenchmarkX/a-8` → (…, 8)."""
    m = _PROCS_SUFFIX.search(raw_name)
    if m is None:
        return raw_name, 1
    procs = int(m.group(1))
    if procs <= 0:
        return raw_name, 1
    return raw_name[: m.start()], procs


def _parse_config_line(line: str) -> tuple[str, str] | None:
    """`key: value` where key starts with no upper-case letter and has no spaces (benchfmt)."""
    colon = line.find(":")
    if colon <= 0:
        return None
    key = line[:colon]
    if not _CONFIG_KEY.fullmatch(key):
        return None
    rest = line[colon + 1 :]
    if rest and rest[0] not in " \t":
        return None
    return key, rest.strip(" \t")


def _is_benchmark_line(fields: list[str]) -> bool:
    """A result line starts with `Benchmark` followed by nothing or a non-lower-case rune."""
    name = fields[0]
    if not name.startswith("Benchmark"):
        return False
    return len(name) == 9 or not name[9].islower()


class _ResultParser:
    """Turns lines into records, carrying the configuration between them."""

    def __init__(self, source: str, package: str = "") -> None:
        self.source = source
        self.config: dict[str, str] = {"pkg": package} if package else {}
        self._frozen = frozen_config(self.config)
        self._units_seen: dict[tuple[str, str], str] = {}

    def _set_config(self, key: str, value: str) -> None:
        if value:
            self.config[key] = value
        else:
            self.config.pop(key, None)
        self._frozen = frozen_config(self.config)

    def parse_line(self, raw: str, lineno: int) -> Iterator[Record]:
        line = raw.rstrip("\r\n")
        fields = line.split()
        if not fields:
            return
        loc = Location(self.source, lineno)
        if _is_benchmark_line(fields):
            # A name alone is how `go test -v`/`-json` announce a benchmark before its result.
            if len(fields) > 1:
                yield self._parse_result(fields, loc)
            return
        if fields[0] == "Unit":
            yield from self._parse_unit(fields[1:], loc)
            return
        kv = _parse_config_line(line)
        if kv is not None:
            self._set_config(*kv)

    def _parse_result(self, fields: list[str], loc: Location) -> Result | SyntaxIssue:
        name, procs = split_procs(fields[0])
        try:
            iterations = int(fields[1])
        except ValueError:
            return SyntaxIssue(loc, f"{fields[0]}: parsing iteration count {fields[1]!r}")
        rest = fields[2:]
        if not rest:
            return SyntaxIssue(loc, f"{fields[0]}: missing measurements")
        values: list[Value] = []
        for i in range(0, len(rest), 2):
            try:
                v = float(rest[i])
            except ValueError:
                return SyntaxIssue(loc, f"{fields[0]}: parsing measurement {rest[i]!r}")
            if i + 1 >= len(rest):
                return SyntaxIssue(loc, f"{fields[0]}: missing units after {rest[i]!r}")
            values.append(Value(v, rest[i + 1]))
        key = BenchmarkKey(self.config.get("pkg", ""), name, procs)
        return Result(key, iterations, tuple(values), self._frozen, loc)

    def _parse_unit(self, fields: list[str], loc: Location) -> Iterator[Record]:
        if not fields:
            yield SyntaxIssue(loc, "Unit line: missing unit")
            return
        unit, pairs = fields[0], fields[1:]
        for pair in pairs:
            key, eq, value = pair.partition("=")
            if not eq or not key:
                yield SyntaxIssue(loc, f"Unit {unit}: expected key=value, got {pair!r}")
                continue
            have = self._units_seen.get((unit, key))
            if have is not None and have != value:
                yield SyntaxIssue(loc, f"Unit {unit}: {key} already set to {have}")
                continue
            self._units_seen[(unit, key)] = value
            yield UnitMetadata(unit, key, value, loc)


def read_lines(lines: Iterable[str], source: str = "<stream>") -> Iterator[Record]:
    """Records of the Go benchmark text format, one line at a time."""
    parser = _ResultParser(source)
    for lineno, line in enumerate(lines, start=1):
        yield from parser.parse_line(line, lineno)


def _test2json_lines(lines: Iterable[str]) -> Iterator[tuple[int, str, str | None]]:
    """Join the `Output` of test2json events per package and split it into text lines.

    A result line may arrive split across events, so text is buffered per
    package until its newline. Yields (JSON line number where the text line
    started, text, package); package None means the JSON line itself was bad.
    """
    buffers: dict[str, tuple[int, str]] = {}
    for lineno, raw in enumerate(lines, start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            event = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield lineno, f"invalid JSON event: {exc.msg}", None
            continue
        if not isinstance(event, dict) or event.get("Action") != "output":
            continue
        out = event.get("Output")
        if not isinstance(out, str):
            continue
        pkg = str(event.get("Package", ""))
        start, buf = buffers.get(pkg, (lineno, ""))
        if not buf:
            start = lineno
        buf += out
        while "\n" in buf:
            text, buf = buf.split("\n", 1)
            yield start, text, pkg
            start = lineno
        buffers[pkg] = (start, buf)
    for pkg, (start, buf) in buffers.items():
        if buf:
            yield start, buf, pkg


def read_test2json(lines: Iterable[str], source: str = "<stream>") -> Iterator[Record]:
    """Records of `go test -json` output; line numbers are those of the JSON events."""
    parsers: dict[str, _ResultParser] = {}
    for lineno, text, pkg in _test2json_lines(lines):
        if pkg is None:
            yield SyntaxIssue(Location(source, lineno), text)
            continue
        parser = parsers.get(pkg)
        if parser is None:
            # The event's Package stands in for a `pkg:` line the output may lack.
            parser = parsers[pkg] = _ResultParser(source, pkg)
        yield from parser.parse_line(text, lineno)


def looks_like_test2json(first_line: str) -> bool:
    """True when a stream starts with a test2json event."""
    s = first_line.lstrip()
    return s.startswith("{") and '"Action"' in s


def read_stream(stream: IO[str], source: str) -> Iterator[Record]:
    """Records of either format, detected from the first non-blank line."""
    first_lines: list[str] = []
    for line in stream:
        first_lines.append(line)
        if line.strip():
            break
    head = first_lines[-1] if first_lines else ""

    def all_lines() -> Iterator[str]:
        yield from first_lines
        yield from stream

    if looks_like_test2json(head):
        return read_test2json(all_lines(), source)
    return read_lines(all_lines(), source)


def read_records(path: str | Path) -> Iterator[Record]:
    """Records of a results file of either format, streamed; raises ResultsFileError."""
    p = Path(path)
    try:
        stream = p.open(encoding="utf-8", errors="replace", newline="")
    except OSError as exc:
        raise ResultsFileError(f"{p}: cannot read results: {exc.strerror or exc}") from exc
    with stream:
        yield from read_stream(stream, str(p))


def load_results(path: str | Path) -> ResultSet:
    """A whole results file gathered into a `ResultSet` (samples per benchmark)."""
    results = ResultSet(str(path))
    for record in read_records(path):
        results.add(record)
    return results


def load_text(text: str, source: str = "<text>") -> ResultSet:
    """A `ResultSet` from text in memory (tests, editor buffers, streamed runs)."""
    results = ResultSet(source)
    lines = text.splitlines(keepends=True)
    head = next((ln for ln in lines if ln.strip()), "")
    reader = read_test2json if looks_like_test2json(head) else read_lines
    for record in reader(lines, source):
        results.add(record)
    return results
