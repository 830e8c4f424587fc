"""The Go benchmark format's line grammar, in one place (proposal 14313, as benchfmt reads it).

The reader parses with these rules and the runner routes `go test` output with
them, so a line is a benchmark result for both or for neither.

* A result line's first field is a benchmark name: `Benchmark` alone or
  followed by a rune that is not lower case. That is the rule by which
  `go test` picks benchmark functions (`Benchmark_x` and `Benchmark1` run,
  `Benchmarkfoo` does not), and the proposal's "an upper case character or
  the end of the field" widened to what Go really prints. benchfmt's code
  commits to any line that starts with `Benchmark` (prose such as
  `Benchmarking ...` then becomes a syntax error); we ignore such lines.
* Fields are separated by runs of Unicode white space (Go's `unicode.IsSpace`).
* The iteration count is a Go `strconv.Atoi` integer (optional sign, decimal
  digits, int64 range); a value is a Go `strconv.ParseFloat` number (decimal
  or hexadecimal with `p` exponent, `_` between digits, `inf`/`infinity`/`nan`
  in any case) — what benchfmt accepts, except NaN: a NaN measurement has no
  order, so no statistic can use it; it is reported like a malformed value.
  Out-of-range values (`1e400`, more than 19 digits of iterations) are errors,
  as in benchfmt.
* A configuration line is `key: value`, the key starting with a lower-case
  letter and holding neither spaces nor upper-case letters.
* A line is at most `MAX_LINE` bytes (benchfmt's scanner limit): longer ones
  are skipped and reported, so memory is bounded by the lines kept.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = [
    "MAX_LINE",
    "announced_name",
    "benchmark_name",
    "is_benchmark_name",
    "is_benchmark_output",
    "looks_like_result",
    "parse_config_line",
    "parse_iterations",
    "parse_measurement",
    "split_fields",
    "split_procs",
]

#: Longest line read (bytes); benchfmt's bufio.Scanner stops at 64 KiB.
MAX_LINE = 64 * 1024
#: Longest `-procs` suffix taken as GOMAXPROCS; a longer run of digits is part of the name.
_MAX_PROCS_DIGITS = 9

_INT = re.compile(r"[+-]?[0-9]+")
_DIGITS = r"[0-9](?:_?[0-9])*"
_HEX_DIGITS = r"[0-9a-fA-F](?:_?[0-9a-fA-F])*"
_DECIMAL = re.compile(
    rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?"
)
_HEX = re.compile(
    rf"([+-]?)0[xX]_?((?:{_HEX_DIGITS}(?:\.(?:{_HEX_DIGITS})?)?|\.{_HEX_DIGITS}))"
    rf"[pP]([+-]?{_DIGITS})"
)
_SPECIAL = re.compile(r"[+-]?(?:inf|infinity)|nan", re.IGNORECASE)
_CONFIG = re.compile(r"([a-z][^\sA-Z:]*):")
#: White space for Python's str.split() but not for Go's unicode.IsSpace.
_NOT_GO_SPACE = re.compile(r"[\x1c-\x1f]")
_GO_SPACE = re.compile(r"[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_INT64_MAX = (1 << 63) - 1


def split_fields(line: str) -> list[str]:
    """The fields of a line, split on runs of Go white space."""
    fields = line.split()
    if _NOT_GO_SPACE.search(line) is None:
        return fields
    return [f for f in _GO_SPACE.split(line) if f]


def _is_lower(rune: str) -> bool:
    if rune < "\x80":
        return "a" <= rune <= "z"
    return unicodedata.category(rune) == "Ll"


def is_benchmark_name(field: str) -> bool:
    """`Benchmark`, alone or followed by a rune that is not lower case."""
    return field.startswith("Benchmark") and (len(field) == 9 or not _is_lower(field[9]))


def benchmark_name(line: str) -> str | None:
    """The benchmark name a line starts with (a result or a lone announcement), else None."""
    if not line.startswith("Benchmark"):
        return None
    fields = split_fields(line)
    return fields[0] if fields and is_benchmark_name(fields[0]) else None


def looks_like_result(line: str) -> bool:
    """A benchmark name followed by an iteration count: a result line, maybe malformed
    after that. `BenchmarkX  --- FAIL: ...` is not one (it is `go test` output)."""
    if not line.startswith("Benchmark"):
        return False
    fields = split_fields(line)
    return (
        len(fields) > 1 and is_benchmark_name(fields[0]) and parse_iterations(fields[1]) is not None
    )


def is_benchmark_output(line: str) -> bool:
    """A benchmark name followed by something other than an iteration count:
    `BenchmarkX-8  --- FAIL: ...` and the like, which `go test` prints as output."""
    if not line.startswith("Benchmark"):
        return False
    fields = split_fields(line)
    return len(fields) > 1 and is_benchmark_name(fields[0]) and parse_iterations(fields[1]) is None


def announced_name(partial: str) -> str | None:
    """The benchmark `go test` is running, from the unfinished line it prints first
    (`BenchmarkX-8   \\t`, the numbers to follow), else None."""
    if not partial.endswith("\t"):
        return None
    fields = split_fields(partial)
    if len(fields) != 1 or not is_benchmark_name(fields[0]):
        return None
    return fields[0]


def split_procs(raw_name: str) -> tuple[str, int]:
    """Split the GOMAXPROCS suffix off a printed benchmark name: `BenchmarkX/a-8` → (…, 8).

    `-0` and suffixes too long for a processor count stay part of the name."""
    dash = raw_name.rfind("-")
    digits = raw_name[dash + 1 :]
    if dash < 0 or not digits or len(digits) > _MAX_PROCS_DIGITS:
        return raw_name, 1
    if not (digits.isdigit() and digits.isascii()):
        return raw_name, 1
    procs = int(digits)
    if procs <= 0:
        return raw_name, 1
    return raw_name[:dash], procs


def parse_iterations(text: str) -> int | None:
    """A Go `Atoi` iteration count, or None when it is not one (syntax or int64 range)."""
    if text.isdigit() and text.isascii() and len(text) < 19:
        return int(text)
    if len(text) > 24 or _INT.fullmatch(text) is None:
        return None
    value = int(text)
    return value if -_INT64_MAX - 1 <= value <= _INT64_MAX else None


class BadMeasurement(ValueError):
    """A measurement that is not a number a benchmark can report; the message says why."""


def parse_measurement(text: str) -> float:
    """A Go `ParseFloat` value; raises BadMeasurement (invalid syntax, out of range, NaN)."""
    if text.replace(".", "", 1).isdigit() and text.isascii():
        return float(text)  # digits with at most one dot: the common case, read alike
    if _DECIMAL.fullmatch(text):
        value = float(text)
        if math.isinf(value):
            raise BadMeasurement("value out of range")
        return value
    hexa = _HEX.fullmatch(text)
    if hexa:
        sign, mantissa, exponent = hexa.groups()
        exp = int(exponent.replace("_", "")) if len(exponent) < 12 else 10**6
        if exp > 10**5 or exp < -(10**5):
            if exp > 0 and mantissa.strip("0._"):
                raise BadMeasurement("value out of range")
            return -0.0 if sign == "-" else 0.0
        try:
            value = float.fromhex(f"{sign}0x{mantissa.replace('_', '')}p{exp}")
        except OverflowError:
            raise BadMeasurement("value out of range") from None
        return value
    if _SPECIAL.fullmatch(text):
        if text.lower() == "nan":
            raise BadMeasurement("NaN is not a measurement")
        return -math.inf if text.startswith("-") else math.inf
    raise BadMeasurement("invalid syntax")


def parse_config_line(line: str) -> tuple[str, str] | None:
    """`key: value` → (key, value); a key starts with a lower-case letter and has no
    spaces or upper-case letters; an empty value (`key:`) deletes the key."""
    line = line.rstrip("\r\n")
    m = _CONFIG.match(line)
    if m is None:
        key, rest = _unicode_config_key(line)
        if key is None:
            return None
    else:
        key, rest = m.group(1), line[m.end() :]
        if not key.isascii() and not _valid_unicode_key(key):
            return None
    if rest and rest[0] not in " \t":
        return None
    return key, rest.strip(" \t")


def _valid_unicode_key(key: str) -> bool:
    return _is_lower(key[0]) and not any(
        c.isspace() or unicodedata.category(c) == "Lu" for c in key
    )


def _unicode_config_key(line: str) -> tuple[str | None, str]:
    """The key of a line whose first letter is a non-ASCII lower-case letter (rare)."""
    if not line or line[0] < "\x80":
        return None, ""
    colon = line.find(":")
    if colon <= 0 or not _valid_unicode_key(line[:colon]):
        return None, ""
    return line[:colon], line[colon + 1 :]
