"""Streaming reader of the Go benchmark format (proposal 14313) and of `go test -json`.

Modeled on golang.org/x/perf/benchfmt: the reader yields a stream of records —
a `Result`, a `UnitMetadata` or a `SyntaxIssue` — so one bad line never stops
the file and the caller decides what to do with errors. The line grammar is
`grammar`'s, shared with the runner; units are normalised on read
(`units.normalise_unit`: `sec/op` and `ns/op` samples are kept together).

Input is read in blocks of bytes, never a whole line at a time: a line longer
than `grammar.MAX_LINE` is skipped (and reported) without being held, so
memory follows the samples kept, not the bytes read. Only regular files are
read: a FIFO or a device (`/dev/zero`) is refused before anything is read,
and an I/O error in the middle of a file is a `ResultsFileError` naming the
file and line. `load_results` feeds samples straight into a `ResultSet`
without building a record per line — the result lines between two other lines
grouped by benchmark and converted a column at a time; `read_records` yields
the records, one line at a time (tests check that both read the same).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, BinaryIO, Protocol, cast

from benchlens.results.grammar import (
    _NOT_GO_SPACE,
    MAX_LINE,
    BadMeasurement,
    _is_lower,
    parse_config_line,
    parse_iterations,
    parse_measurement,
    split_fields,
    split_procs,
)
from benchlens.results.model import (
    BenchmarkKey,
    BenchmarkSamples,
    Location,
    Record,
    Result,
    ResultSet,
    SyntaxIssue,
    UnitMetadata,
    Value,
    frozen_config,
)
from benchlens.units import normalise_unit, scale

__all__ = [
    "ResultsFileError",
    "load_results",
    "load_text",
    "looks_like_test2json",
    "read_lines",
    "read_records",
    "read_stream",
    "read_test2json",
    "split_procs",
]

#: Bytes read at a time.
_BLOCK = 1 << 18
#: Longest `go test -json` event line (its Output is then held to `MAX_LINE` per text line).
MAX_JSON_LINE = 1 << 20
#: Cached parses of value and count fields (values repeat: allocs/op, B/op), so that
#: repeated numbers are one object; cleared when full.
_MAX_CACHED = 1 << 14
_values: dict[str, float] = {}
_counts: dict[str, int] = {}
#: Normalised units (and their powers of ten, None if all 0) per spelling of a line's units.
_layouts: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[int, ...] | None]] = {}


def _plain(texts: list[str], values: list[float | None]) -> bool:
    """Fill the missing `values` of `texts` when they are all plain decimals (digits, at
    most one dot: read alike by Go and Python), remembering them so that repeated values
    are one object; False (a value needs the full grammar) leaves `values` unusable."""
    joined = "".join(texts)
    if not (joined.replace(".", "").isdigit() and joined.isascii()):
        return False
    if len(_values) >= _MAX_CACHED:
        _values.clear()
    for i, value in enumerate(values):
        if value is None:
            try:
                values[i] = _values[texts[i]] = float(texts[i])
            except ValueError:  # "1..2"
                return False
    return True


def parse_value(text: str) -> float:
    """`grammar.parse_measurement`, cached; BadMeasurement's args are (reason, text)."""
    value = _values.get(text)
    if value is None:
        try:
            value = parse_measurement(text)
        except BadMeasurement as exc:
            raise BadMeasurement(str(exc), text) from None
        if len(_values) >= _MAX_CACHED:
            _values.clear()
        _values[text] = value
    return value


def _units_layout(spelled: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...] | None]:
    """The normalised units of a line's unit fields and their powers of ten (None if all
    0), cached per spelling."""
    layout = _layouts.get(spelled)
    if layout is None:
        normal = [normalise_unit(unit) for unit in spelled]
        exps = tuple(exp for _, exp in normal)
        layout = (tuple(unit for unit, _ in normal), exps if any(exps) else None)
        if len(_layouts) >= _MAX_CACHED:
            _layouts.clear()
        _layouts[spelled] = layout
    return layout


def _columns(raw: str, lines: list[str]) -> tuple[tuple[str, ...], list[tuple[str, ...]]] | None:
    """The result lines of one benchmark name split into columns: (units, the columns of
    the line's fields), or None unless every line has the same fields and units, kept
    in the unit they are written in: anything else is for the line-at-a-time path."""
    rows = list(map(str.split, lines))
    first = rows[0]
    n = len(first)
    if n < 4 or n & 1 or (len(raw) > 9 and _is_lower(raw[9])):
        return None
    m = len(rows)
    if m > 1 and len(set(map(len, rows))) != 1:
        return None
    units, exps = _units_layout(tuple(first[3::2]))
    if exps is not None or len(set(units)) != len(units):
        return None  # values to scale, or a unit twice on a line
    columns = list(zip(*rows, strict=True))
    if m > 1 and set(map(tuple.count, columns[3::2], first[3::2])) != {m}:
        return None
    return units, columns


def _numbers(texts: list[str], cache: dict[str, float], number: type[float]) -> list[float] | None:
    """Plain numbers (decimal digits, a dot in values: what Go and Python read alike),
    those seen before as the cache's objects (memory: values repeat), else None."""
    # Only a column found whole in the cache is taken from it: the first and last values
    # tell cheaply when it cannot be (fresh measurements), and spare a lookup per value.
    if texts and texts[0] in cache and texts[-1] in cache:
        cached = list(map(cache.get, texts))
        if None not in cached:
            return cast(list[float], cached)
    joined = "".join(texts)
    if not joined.isascii() or not (
        joined.replace(".", "").isdigit() if number is float else joined.isdigit()
    ):
        return None
    if number is int and max(map(len, texts)) >= 19:
        return None  # beyond int64: parse_iterations says why
    try:
        kept = list(map(number, texts))
    except ValueError:  # "1..2"
        return None
    if len(cache) < _MAX_CACHED:
        cache.update(zip(texts, kept, strict=True))
    return kept


_SURROGATE = re.compile(r"[\ud800-\udfff]")  # escapes: no surrogate in the source (mypyc)


class ResultsFileError(Exception):
    """A results file that cannot be read at all (missing, not a regular file, I/O error)."""


class _Sink(Protocol):
    def add_sample(
        self,
        key: BenchmarkKey,
        iterations: int,
        units: tuple[str, ...],
        values: list[float],
        config: Mapping[str, str],
        source: str,
        line: int,
    ) -> None: ...

    def add(self, record: Record) -> None: ...


def _clip(text: str, width: int = 60) -> str:
    """`text` for a message: quoted, at most about `width` characters."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _name(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


class _ResultParser:
    """Turns lines into samples and records, carrying the configuration between them."""

    def __init__(self, source: str, package: str = "") -> None:
        self.source = source
        self.config: dict[str, str] = {"pkg": package} if package else {}
        self._frozen = frozen_config(self.config)
        self._keys: dict[str, BenchmarkKey] = {}
        #: The samples of each printed name in the ResultSet being loaded (feed_block).
        self._benches: dict[str, BenchmarkSamples] = {}
        self._units_seen: dict[tuple[str, str], str] = {}

    def _set_config(self, key: str, value: str) -> None:
        if value:
            self.config[key] = value
        else:
            self.config.pop(key, None)
        self._frozen = frozen_config(self.config)
        if key == "pkg":
            self._keys = {}
            self._benches = {}

    def feed(self, line: str | None, lineno: int, sink: _Sink) -> None:
        """One line (without its newline; None: a line too long to read) into `sink`."""
        if line is None or len(line) > MAX_LINE:
            loc = Location(self.source, lineno)
            sink.add(SyntaxIssue(loc, f"line longer than {MAX_LINE // 1024} KiB skipped"))
        elif line.startswith("Benchmark"):
            self._result(line, lineno, sink)
        elif line.startswith("Unit"):
            fields = split_fields(line)
            if fields[0] == "Unit":
                self._unit(fields[1:], lineno, sink)
        elif line and line[0] not in " \t\r":
            kv = parse_config_line(line)
            if kv is not None:
                self._set_config(*kv)

    def feed_block(
        self, lines: list[str | None], lineno: int, results: ResultSet, plain: bool
    ) -> None:
        """Lines numbered from `lineno + 1` into `results`, a column at a time.

        The result lines between two other lines (a `pkg:` line, `PASS`...) are split
        once and grouped by name; each group is then checked and converted column by
        column (the units alike on every line, counts and values plain decimals), so
        that the work per line is one split and one append. A group that is not that
        simple sends its whole run of lines through the line-at-a-time path, which
        reads exactly the same samples, issues and line numbers, only slower."""
        if (
            not plain
            or None in lines
            or max(map(len, cast(list[str], lines)), default=0) > MAX_LINE
        ):
            self._feed_lines(lines, lineno, results, plain)
            return
        text_lines = cast(list[str], lines)
        groups: dict[str, list[str]] = {}
        firsts: dict[str, int] = {}
        start = 0
        for i, line in enumerate(text_lines):
            if line.startswith("Benchmark"):
                raw = line.split(None, 1)[0]
                rows = groups.get(raw)
                if rows is None:
                    groups[raw] = [line]
                    firsts[raw] = i
                else:
                    rows.append(line)
            elif line and line[0] not in " \t\r":
                if groups:
                    self._flush(groups, firsts, text_lines, start, i, lineno, results)
                    groups, firsts = {}, {}
                self.feed(line[:-1] if line.endswith("\r") else line, lineno + i + 1, results)
                start = i + 1
        if groups:
            self._flush(groups, firsts, text_lines, start, len(text_lines), lineno, results)

    def _flush(
        self,
        groups: dict[str, list[str]],
        firsts: dict[str, int],
        lines: list[str],
        start: int,
        end: int,
        lineno: int,
        results: ResultSet,
    ) -> None:
        """The grouped result lines of `lines[start:end]` into `results`; when a group is
        not simple, the whole run goes through the line-at-a-time path instead."""
        split = []
        counts: list[str] = []
        texts: list[str] = []
        for raw, group_lines in groups.items():
            group = _columns(raw, group_lines)
            if group is None:
                self._feed_lines(list(lines[start:end]), lineno + start, results, True)
                return
            split.append((raw, group[0], len(group_lines)))
            counts += group[1][1]
            texts += itertools.chain.from_iterable(group[1][2::2])
        iterations = _numbers(counts, cast(dict[str, float], _counts), int)
        values = _numbers(texts, _values, float)
        if iterations is None or values is None:
            self._feed_lines(list(lines[start:end]), lineno + start, results, True)
            return
        config = self._frozen
        benches, benchmarks = self._benches, results.benchmarks
        at_count = at_value = 0
        for raw, units, m in split:
            bench = benches.get(raw)
            if bench is None:
                key = self._keys.get(raw) or self._new_key(raw)
                bench = benchmarks.get(key)
                if bench is None:
                    bench = benchmarks[key] = BenchmarkSamples(key)
                    bench.first_location = Location(self.source, lineno + firsts[raw] + 1)
                benches[raw] = bench
            samples = bench.samples
            for unit in units:
                kept = values[at_value : at_value + m]
                at_value += m
                have = samples.get(unit)
                if have is None:
                    samples[unit] = kept
                else:
                    have += kept
            bench.iterations += cast(list[int], iterations[at_count : at_count + m])
            at_count += m
            bench.config = config
        if results._last_config is not config:
            results.config.update(config)
            results._last_config = config

    def _feed_lines(
        self, lines: list[str | None], lineno: int, results: ResultSet, plain: bool
    ) -> None:
        """Lines numbered from `lineno + 1` into `results`, one at a time. Result lines
        whose name, count, units and values were all seen before take a fast path; any
        other line goes through `feed`, which also fills those caches."""
        keys, counts, layouts, cache = self._keys, _counts, _layouts, _values
        benches = self._benches
        benchmarks = results.benchmarks
        config = self._frozen
        merged = results._last_config is config
        for line in lines:
            lineno += 1
            if plain and line is not None and line.startswith("Benchmark"):
                fields = line.split()
                n = len(fields)
                if n >= 4 and not n & 1:
                    raw = fields[0]
                    bench = benches.get(raw)
                    if bench is None:
                        key = keys.get(raw)
                        bench = benchmarks.get(key) if key is not None else None
                        if bench is not None:
                            benches[raw] = bench
                    count = fields[1]
                    iterations = counts.get(count)
                    if iterations is None and count.isdigit() and len(count) < 19:
                        iterations = int(count) if count.isascii() else None
                    layout = layouts.get(tuple(fields[3::2]))
                    if (
                        bench is not None
                        and iterations is not None
                        and layout is not None
                        and layout[1] is None
                        and merged
                        and len(line) <= MAX_LINE
                    ):
                        texts = fields[2::2]
                        lists = list(map(bench.samples.get, layout[0]))
                        values = [cache.get(text) for text in texts]
                        if None not in lists and (None not in values or _plain(texts, values)):
                            any(map(list.append, lists, values))  # type: ignore[arg-type]
                            bench.iterations.append(iterations)
                            bench.config = config
                            continue
            if line is not None and line.endswith("\r"):
                line = line[:-1]
            self.feed(line, lineno, results)
            keys, benches, config = self._keys, self._benches, self._frozen
            merged = results._last_config is config

    def _new_key(self, raw: str) -> BenchmarkKey:
        """The key of a benchmark name as written (`Name-8`) under the current `pkg`,
        cached by the raw name (bounded: a hostile file of unique names stays small)."""
        name, procs = split_procs(raw)
        key = BenchmarkKey(self.config.get("pkg", ""), name, procs)
        if len(self._keys) >= _MAX_CACHED:
            self._keys.clear()
        self._keys[raw] = key
        return key

    def _result(self, line: str, lineno: int, sink: _Sink) -> None:
        fields = line.split() if _NOT_GO_SPACE.search(line) is None else split_fields(line)
        raw = fields[0]
        if len(raw) > 9 and _is_lower(raw[9]):
            return  # `Benchmarking ...`: prose, not a benchmark (see grammar)
        n = len(fields)
        if n == 1:
            return  # a name alone: how `go test -v`/`-json` announce a benchmark
        key = self._keys.get(raw) or self._new_key(raw)
        count = fields[1]
        iterations = _counts.get(count)
        if iterations is None:
            iterations = parse_iterations(count)
            if iterations is not None:
                if len(_counts) >= _MAX_CACHED:
                    _counts.clear()
                _counts[count] = iterations
        if iterations is None:
            self._issue(sink, lineno, f"{_name(raw)}: parsing iteration count {_clip(count)}")
            return
        if n == 2:
            self._issue(sink, lineno, f"{_name(raw)}: missing measurements")
            return
        texts = fields[2::2]
        layout = _layouts.get(tuple(fields[3::2]))
        if layout is None or len(texts) != len(layout[0]):
            layout = self._layout(fields, raw, lineno, sink)
            if layout is None:
                return
        cache = _values
        cached = [cache.get(text) for text in texts]
        if None not in cached:
            values = cast(list[float], cached)
        else:
            try:
                values = [parse_value(text) for text in texts]
            except BadMeasurement as exc:
                text = str(exc.args[1])
                message = f"{_name(raw)}: parsing measurement {_clip(text)}: {exc.args[0]}"
                self._issue(sink, lineno, message)
                return
        units, exps = layout
        if exps is not None:
            values = [scale(v, e) for v, e in zip(values, exps, strict=True)]
        sink.add_sample(key, iterations, units, values, self._frozen, self.source, lineno)

    def _layout(
        self, fields: list[str], raw: str, lineno: int, sink: _Sink
    ) -> tuple[tuple[str, ...], tuple[int, ...] | None] | None:
        """The normalised units of a line's value/unit fields (cached), or None after
        reporting why the line has none (a value without its unit, a bad value)."""
        if len(fields) % 2:
            for text in fields[2::2]:
                try:
                    parse_value(text)
                except BadMeasurement as exc:
                    message = f"{_name(raw)}: parsing measurement {_clip(text)}: {exc.args[0]}"
                    self._issue(sink, lineno, message)
                    return None
            message = f"{_name(raw)}: missing units after {_clip(fields[-1])}"
            self._issue(sink, lineno, message)
            return None
        return _units_layout(tuple(fields[3::2]))

    def _issue(self, sink: _Sink, lineno: int, message: str) -> None:
        sink.add(SyntaxIssue(Location(self.source, lineno), message))

    def _unit(self, fields: list[str], lineno: int, sink: _Sink) -> None:
        loc = Location(self.source, lineno)
        if not fields:
            sink.add(SyntaxIssue(loc, "Unit line: missing unit"))
            return
        unit = normalise_unit(fields[0])[0]
        for pair in fields[1:]:
            key, eq, value = pair.partition("=")
            if not eq or not key:
                sink.add(
                    SyntaxIssue(loc, f"Unit {_name(unit)}: expected key=value, got {_clip(pair)}")
                )
                continue
            have = self._units_seen.get((unit, key))
            if have is not None and have != value:
                sink.add(
                    SyntaxIssue(
                        loc, f"Unit {_name(unit)}: {_name(key)} already set to {_name(have)}"
                    )
                )
                continue
            self._units_seen[(unit, key)] = value
            sink.add(UnitMetadata(unit, key, value, loc))


class _Records:
    """A sink that keeps records, for the streaming API."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def add_sample(
        self,
        key: BenchmarkKey,
        iterations: int,
        units: tuple[str, ...],
        values: list[float],
        config: Mapping[str, str],
        source: str,
        line: int,
    ) -> None:
        result_values = tuple(Value(v, u) for u, v in zip(units, values, strict=True))
        self.records.append(Result(key, iterations, result_values, config, Location(source, line)))

    def add(self, record: Record) -> None:
        self.records.append(record)

    def drain(self) -> list[Record]:
        out, self.records = self.records, []
        return out


# ---------------------------------------------------------------------------
# Lines


Block = tuple[list[str | None], bool]


def _byte_blocks(stream: BinaryIO, limit: int) -> Iterator[Block]:
    """The `\\n`-separated lines of a byte stream, a block at a time, decoded as UTF-8
    (bad bytes replaced), without the newline; None in place of a line longer than
    `limit` bytes, which is skipped without being held. The flag says that the block
    holds no character that Python's str.split() takes for white space and Go does not."""
    pending = b""
    skipping = False
    while block := stream.read(_BLOCK):
        start = 0
        lines: list[str | None] = []
        if skipping:
            first = block.find(b"\n")
            if first < 0:
                continue
            lines.append(None)
            skipping = False
            start = first + 1
        last = block.rfind(b"\n", start)
        if last < 0:
            pending += block[start:]
            plain = True
        else:
            chunk = pending + block[start:last] if pending else block[start:last]
            pending = block[last + 1 :]
            text = chunk.decode("utf-8", "replace")
            plain = _NOT_GO_SPACE.search(text) is None
            lines += (line if len(line) <= limit else None for line in text.split("\n"))
        if len(pending) > limit:
            pending = b""
            skipping = True
        if lines:
            yield lines, plain
    if skipping:
        yield [None], True
    elif pending:
        text = pending.decode("utf-8", "replace")
        yield [text], _NOT_GO_SPACE.search(text) is None


def _text_stream_lines(stream: IO[str], limit: int) -> Iterator[str | None]:
    """The lines of a text stream, without newlines; None for a line over `limit` characters."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith("\n"):
            while (rest := stream.readline(limit + 1)) and not rest.endswith("\n"):
                pass
            yield None
            continue
        yield line[:-1] if line.endswith("\n") else line


def _strip_cr(line: str | None) -> str | None:
    return line[:-1] if line is not None and line.endswith("\r") else line


def looks_like_test2json(first_line: str) -> bool:
    """True when a stream starts with a test2json event."""
    s = first_line.lstrip()
    return s.startswith("{") and '"Action"' in s


def _split_head(lines: Iterator[str | None]) -> tuple[list[str | None], bool]:
    """The lines up to the first non-blank one, and whether that one is a test2json event."""
    head: list[str | None] = []
    for line in lines:
        head.append(line)
        if line is None or line.strip():
            return head, line is not None and looks_like_test2json(line)
    return head, False


def _chain(head: list[str | None], rest: Iterator[str | None]) -> Iterator[str | None]:
    yield from head
    yield from rest


# ---------------------------------------------------------------------------
# The Go benchmark text format


def read_lines(lines: Iterable[str], source: str = "<stream>") -> Iterator[Record]:
    """Records of the Go benchmark text format, one line at a time (newlines optional)."""
    parser = _ResultParser(source)
    sink = _Records()
    for lineno, line in enumerate(lines, start=1):
        parser.feed(line.rstrip("\r\n"), lineno, sink)
        if sink.records:
            yield from sink.drain()


# ---------------------------------------------------------------------------
# go test -json


def _clean(text: str) -> str:
    """Lone surrogates (JSON `\\ud800`) as U+FFFD, like bad bytes in a text file."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def _test2json_lines(lines: Iterable[str | None]) -> Iterator[tuple[int, str | None, str | None]]:
    """Join the `Output` of test2json events per package and split it into text lines.

    A result line may arrive split across events, so text is buffered per
    package until its newline (at most `MAX_LINE` characters: a longer one is
    dropped and reported as None). Yields (JSON line number where the text
    line started, text, package); package None means the text is a message
    about a bad JSON line.
    """
    import json as _json  # test2json only: the text format needs no JSON decoder

    buffers: dict[str, tuple[int, str]] = {}
    skipping: set[str] = set()
    for lineno, raw in enumerate(lines, start=1):
        if raw is None:
            yield lineno, f"event line longer than {MAX_JSON_LINE // 1024} KiB skipped", None
            continue
        raw = raw.strip()
        if not raw:
            continue
        try:
            event = _json.loads(raw)
        except _json.JSONDecodeError as exc:
            yield lineno, f"invalid JSON event: {exc.msg}", None
            continue
        except RecursionError:
            yield lineno, "invalid JSON event: nested too deeply", None
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            yield lineno, f"invalid JSON event: {_clip(str(exc), 80)}", None
            continue
        if not isinstance(event, dict) or event.get("Action") != "output":
            continue
        out = event.get("Output")
        if not isinstance(out, str):
            continue
        pkg = event.get("Package", "")
        pkg = _clean(pkg) if isinstance(pkg, str) else ""
        out = _clean(out)
        start, buf = buffers.get(pkg, (lineno, ""))
        if not buf:
            start = lineno
        buf += out
        while "\n" in buf:
            text, buf = buf.split("\n", 1)
            if pkg in skipping:
                skipping.discard(pkg)
                yield start, None, pkg
            else:
                yield start, text, pkg
            start = lineno
        if len(buf) > MAX_LINE:
            buf = ""
            skipping.add(pkg)
        buffers[pkg] = (start, buf)
    for pkg, (start, buf) in buffers.items():
        if pkg in skipping:
            yield start, None, pkg
        elif buf:
            yield start, buf, pkg


def _feed_test2json(lines: Iterable[str | None], source: str, sink: _Sink) -> Iterator[None]:
    """Feed `go test -json` output into `sink`, yielding after each text line."""
    parsers: dict[str, _ResultParser] = {}
    for lineno, text, pkg in _test2json_lines(lines):
        if pkg is None:
            sink.add(SyntaxIssue(Location(source, lineno), text or ""))
        else:
            parser = parsers.get(pkg)
            if parser is None:
                # The event's Package stands in for a `pkg:` line the output may lack.
                parser = parsers[pkg] = _ResultParser(source, pkg)
            parser.feed(_strip_cr(text), lineno, sink)
        yield None


def read_test2json(lines: Iterable[str], source: str = "<stream>") -> Iterator[Record]:
    """Records of `go test -json` output; line numbers are those of the JSON events."""
    sink = _Records()
    for _ in _feed_test2json(lines, source, sink):
        if sink.records:
            yield from sink.drain()


# ---------------------------------------------------------------------------
# Files and streams


def _records_of(lines: Iterator[str | None], source: str) -> Iterator[Record]:
    head, is_json = _split_head(lines)
    every = _chain(head, lines)
    sink = _Records()
    if is_json:
        for _ in _feed_test2json(every, source, sink):
            if sink.records:
                yield from sink.drain()
        return
    parser = _ResultParser(source)
    for lineno, line in enumerate(every, start=1):
        parser.feed(_strip_cr(line), lineno, sink)
        if sink.records:
            yield from sink.drain()


def read_stream(stream: IO[str], source: str) -> Iterator[Record]:
    """Records of either format from a text stream, detected from the first non-blank line."""
    return _records_of(_text_stream_lines(stream, MAX_JSON_LINE), source)


def _open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file; a FIFO is opened without waiting
    for a writer, and refused like a device or a directory."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ResultsFileError(f"{path}: cannot read results: {exc.strerror or exc}") from exc
    except ValueError as exc:  # a NUL in the path
        raise ResultsFileError(f"{path}: cannot read results: {exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
            raise ResultsFileError(f"{path}: cannot read results: {kind}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


def _guarded(path: Path, stream: BinaryIO) -> Iterator[Block]:
    """Blocks of lines of a file whose I/O errors become ResultsFileError naming file and line."""
    blocks = _byte_blocks(stream, MAX_JSON_LINE)
    count = 0
    while True:
        try:
            block = next(blocks)
        except StopIteration:
            return
        except OSError as exc:
            raise ResultsFileError(
                f"{path}:{count + 1}: read error: {exc.strerror or exc}"
            ) from exc
        count += len(block[0])
        yield block


def _lines_of(blocks: Iterable[Block]) -> Iterator[str | None]:
    for lines, _ in blocks:
        yield from lines


def read_records(path: str | Path) -> Iterator[Record]:
    """Records of a results file of either format, streamed; raises ResultsFileError."""
    p = Path(path)
    with _open_regular(p) as stream:
        yield from _records_of(_lines_of(_guarded(p, stream)), str(p))


def _load_blocks(blocks: Iterator[Block], results: ResultSet) -> ResultSet:
    """Every block into `results`: the format is decided by the first non-blank line."""
    head: list[Block] = []
    is_json = None
    for block in blocks:
        head.append(block)
        first = next((line for line in block[0] if line is None or line.strip()), "")
        if first != "":
            is_json = first is not None and looks_like_test2json(first)
            break
    every = itertools.chain(head, blocks)
    if is_json:
        for _ in _feed_test2json(_lines_of(every), results.source, results):
            pass
        return results
    parser = _ResultParser(results.source)
    lineno = 0
    for lines, plain in every:
        parser.feed_block(lines, lineno, results, plain)
        lineno += len(lines)
    return results


def load_results(path: str | Path) -> ResultSet:
    """A whole results file gathered into a `ResultSet` (samples per benchmark)."""
    p = Path(path)
    with _open_regular(p) as stream:
        return _load_blocks(_guarded(p, stream), ResultSet(str(path)))


def load_text(text: str, source: str = "<text>") -> ResultSet:
    """A `ResultSet` from text in memory (tests, editor buffers, streamed runs)."""
    parts = text.split("\n")
    if parts and not parts[-1]:
        parts.pop()
    lines = [line if len(line) <= MAX_JSON_LINE else None for line in parts]
    return _load_blocks(iter([(lines, _NOT_GO_SPACE.search(text) is None)]), ResultSet(source))
