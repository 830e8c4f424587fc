"""`--filter`: which benchmarks a table shows, in benchstat's `-filter` syntax (a subset).

    .name:Encode                 the function name without `Benchmark` (exact)
    .fullname:Encode/size=4k     the full name with sub-benchmarks and `-procs`
    /size:(64 OR 128)            a `key=value` element of the name; `/gomaxprocs` the procs
    pkg:example.com/m/x          any configuration key of the results (pkg, goos, cpu...)
    key:/regexp/                 a regular expression (searched, as benchstat does)
    x y, x AND y, x OR y, -x, (…), *    as in benchstat

Our one addition: a term without `key:` is a glob on the full name (`Encode/*`,
`"*json*"`), and a value with `*`, `?` or `[` is a glob. A filter is a predicate on
one `BenchmarkComparison`, so every view is filtered the same way.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from benchlens.compare import BenchmarkComparison

Predicate = Callable[[BenchmarkComparison], bool]

_GLOB = re.compile(r"[*?\[]")
_PUNCT = "():"


class FilterError(ValueError):
    """A filter that cannot be parsed, with where it went wrong."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "regexp", "(", ")", ":", "-", "*", "end"
    text: str
    pos: int


def _tokens(expr: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    n = len(expr)
    while i < n:
        ch = expr[i]
        if ch.isspace():
            i += 1
        elif ch in _PUNCT or (ch in "-*" and _at_match_start(out)):
            out.append(_Token(ch, ch, i))
            i += 1
        elif ch == '"':
            j = i + 1
            text = []
            while j < n and expr[j] != '"':
                if expr[j] == "\\" and j + 1 < n:
                    j += 1
                text.append(expr[j])
                j += 1
            if j >= n:
                raise FilterError(f"unterminated string at column {i + 1}")
            out.append(_Token("word", "".join(text), i))
            i = j + 1
        elif ch == "/" and out and out[-1].kind == ":":
            j = i + 1
            while j < n and expr[j] != "/":
                j += 2 if expr[j] == "\\" else 1
            if j >= n:
                raise FilterError(f"unterminated regexp at column {i + 1}")
            out.append(_Token("regexp", expr[i + 1 : j], i))
            i = j + 1
        else:
            j = i
            while j < n and not expr[j].isspace() and expr[j] not in _PUNCT:
                j += 1
            out.append(_Token("word", expr[i:j], i))
            i = j
    out.append(_Token("end", "", n))
    return out


def _at_match_start(tokens: list[_Token]) -> bool:
    """`-` and `*` are operators only where a term may begin (not inside a word)."""
    return not tokens or tokens[-1].kind in ("(", "-", "word", "regexp", ")", "*")


class _Parser:
    def __init__(self, expr: str) -> None:
        self.tokens = _tokens(expr)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self, kind: str) -> _Token:
        token = self.peek()
        if token.kind != kind:
            where = "the end" if token.kind == "end" else f"{token.text!r}"
            raise FilterError(f"expected {kind!r} at column {token.pos + 1}, found {where}")
        self.i += 1
        return token

    def expr(self) -> Predicate:
        terms = [self.and_expr()]
        while self.peek().kind == "word" and self.peek().text == "OR":
            self.i += 1
            terms.append(self.and_expr())
        return terms[0] if len(terms) == 1 else lambda b: any(t(b) for t in terms)

    def and_expr(self) -> Predicate:
        terms = [self.match()]
        while self.peek().kind not in ("end", ")") and self.peek().text != "OR":
            if self.peek().kind == "word" and self.peek().text == "AND":
                self.i += 1
            terms.append(self.match())
        return terms[0] if len(terms) == 1 else lambda b: all(t(b) for t in terms)

    def match(self) -> Predicate:
        token = self.peek()
        if token.kind == "(":
            self.i += 1
            inner = self.expr()
            self.take(")")
            return inner
        if token.kind == "-":
            self.i += 1
            negated = self.match()
            return lambda b: not negated(b)
        if token.kind == "*":
            self.i += 1
            return lambda b: True
        key = self.take("word")
        if self.peek().kind != ":":
            return _name_glob(key.text)
        self.i += 1
        if self.peek().kind == "(":
            self.i += 1
            tests = [self.value(key.text)]
            while self.peek().kind == "word" and self.peek().text == "OR":
                self.i += 1
                tests.append(self.value(key.text))
            self.take(")")
            return lambda b: any(t(b) for t in tests)
        return self.value(key.text)

    def value(self, key: str) -> Predicate:
        token = self.peek()
        if token.kind == "regexp":
            self.i += 1
            try:
                regex = re.compile(token.text)
            except re.error as exc:
                raise FilterError(f"bad regexp /{token.text}/: {exc}") from exc
            field = _field(key)
            return lambda b: (v := field(b)) is not None and regex.search(v) is not None
        return _value_test(self.take("word").text, key)


def _value_test(value: str, key: str) -> Predicate:
    field = _field(key)
    if _GLOB.search(value):
        pattern = re.compile(fnmatch.translate(value))
        return lambda b: (v := field(b)) is not None and pattern.match(v) is not None
    return lambda b: field(b) == value


def _name_glob(pattern: str) -> Predicate:
    """Our bare term: a glob (or an exact name) on the full name, with or without the
    `Benchmark` prefix and the `-procs` suffix."""
    regex = re.compile(fnmatch.translate(pattern.removeprefix("Benchmark")))

    def test(b: BenchmarkComparison) -> bool:
        name = b.key.name.removeprefix("Benchmark")
        return bool(regex.match(name) or regex.match(f"{name}-{b.key.procs}"))

    return test


def _name_config(bench: BenchmarkComparison) -> Mapping[str, str]:
    """The `key=value` elements of the sub-benchmark names, as benchproc reads them."""
    out: dict[str, str] = {}
    for part in bench.key.sub_parts:
        key, eq, value = part.partition("=")
        if eq:
            out[key] = value
    return out


def _field(key: str) -> Callable[[BenchmarkComparison], str | None]:
    """How to read `key` from a benchmark (None: the benchmark has no such field)."""
    if key == ".name":
        return lambda b: b.key.top_level.removeprefix("Benchmark")
    if key == ".fullname":
        return lambda b: b.key.display_name.removeprefix("Benchmark")
    if key == "/gomaxprocs":
        return lambda b: _name_config(b).get("gomaxprocs", str(b.key.procs))
    if key.startswith("/"):
        sub = key[1:]
        return lambda b: _name_config(b).get(sub)
    if key.startswith("."):
        raise FilterError(f"unknown key {key}: use .name, .fullname, /KEY or a config key")
    if key == "pkg":
        return lambda b: b.package
    return lambda b: (b.current_config or b.baseline_config).get(key)


def parse_filter(expr: str) -> Predicate:
    """The predicate of a filter expression; raises FilterError naming the problem."""
    parser = _Parser(expr)
    if parser.peek().kind == "end":
        raise FilterError("empty filter")
    predicate = parser.expr()
    parser.take("end")
    return predicate
