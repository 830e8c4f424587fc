"""Property-based fuzzing of everything that reads untrusted input (issue 10).

`make test` runs a small profile (BENCHLENS_FUZZ_EXAMPLES unset: 40 inputs per
target, seconds); `make fuzz` runs 17,000 per target — 102,000 over the six targets:
the reader (text with garbage interleaved, test2json events, raw bytes in a file),
every view fed with the reader's output, the config loader and the Go name resolver.
No exception may escape, and valid result lines keep their values whatever garbage
surrounds them.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchlens.compare import compare
from benchlens.config import default_config, load_config
from benchlens.goindex import WorkspaceIndex
from benchlens.goindex.names import (
    decode_go_string,
    go_quote_meta,
    rewrite,
    split_dedup_suffix,
    sprintf_regex,
)
from benchlens.results.model import BenchmarkKey
from benchlens.results.reader import ResultsFileError, load_results, load_text
from benchlens.views.facts import benchmark_message, status_summary
from benchlens.views.hover import hover_markdown
from benchlens.views.html import render_html
from benchlens.views.json_view import render_json
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text

EXAMPLES = int(os.environ.get("BENCHLENS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
GO_DATA = Path(__file__).resolve().parent.parent / "data" / "go"
MARK = "BenchmarkFuzzValid"

# --- strategies ---------------------------------------------------------------------------

_numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["NaN", "+Inf", "-Inf", "inf", "1_000", "0x1p-2", "1e400", "9" * 5000]),
    st.text(alphabet="0123456789.eE+-_xp", max_size=12),
)
_units = st.one_of(
    st.sampled_from(["ns/op", "sec/op", "MB/s", "B/s", "B/op", "allocs/op", "MB/op"]),
    st.text(min_size=1, max_size=12).filter(lambda u: not any(c.isspace() for c in u)),
)
_hostile_lines = st.one_of(
    st.text(max_size=120),
    st.builds(
        lambda name, parts: f"Benchmark{name} " + " ".join(parts),
        st.text(max_size=20),
        st.lists(st.one_of(_numbers, _units), max_size=8),
    ),
    st.builds(lambda k, v: f"{k}: {v}", st.text(max_size=12), st.text(max_size=30)),
    st.builds(lambda u, kv: f"Unit {u} {kv}", _units, st.text(max_size=30)),
    st.sampled_from(["PASS", "ok  \tp\t1.2s", "--- FAIL: BenchmarkX", "BenchmarkX-8", "\x1b[31m"]),
)
_garbage = _hostile_lines.map(lambda s: s.replace("\n", " ")).filter(lambda s: MARK not in s)
_valid = st.tuples(
    st.integers(0, 5),  # which benchmark
    st.integers(1, 10**9),  # iterations
    st.floats(0, 1e12, allow_nan=False),  # ns/op
    st.integers(0, 10**6),  # B/op
)


def _valid_line(bench: int, iterations: int, ns: float, bytes_op: int) -> str:
    return f"{MARK}{bench}-4 \t{iterations}\t{ns!r} ns/op\t{bytes_op} B/op"


def _expected(valid: list[tuple[int, int, float, int]]) -> dict[BenchmarkKey, list[float]]:
    out: dict[BenchmarkKey, list[float]] = {}
    for bench, _, ns, _ in valid:
        out.setdefault(BenchmarkKey("fuzz", f"{MARK}{bench}", 4), []).append(ns)
    return out


def _check_values(rs_text: str, valid: list[tuple[int, int, float, int]], source: str) -> None:
    rs = load_text(rs_text, source)
    for key, values in _expected(valid).items():
        assert rs.benchmarks[key].samples["ns/op"] == values


# --- the reader ---------------------------------------------------------------------------


@FUZZ
@given(st.lists(st.one_of(_valid.map(lambda v: ("valid", v)), _garbage), max_size=30))
def test_text_valid_lines_keep_their_values_among_garbage(items: list[object]) -> None:
    lines: list[str] = []
    valid: list[tuple[int, int, float, int]] = []
    for item in items:
        if isinstance(item, tuple):
            valid.append(item[1])
            lines += ["pkg: fuzz", _valid_line(*item[1])]
        else:
            lines.append(str(item))
    _check_values("\n".join(lines) + "\n", valid, "fuzz.txt")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_json_garbage = st.one_of(
    _json_values.map(lambda v: json.dumps(v)),
    st.dictionaries(
        st.sampled_from(["Action", "Package", "Output", "Test", "Elapsed"]), _json_values
    ).map(json.dumps),
    st.builds(
        lambda out, pkg: json.dumps({"Action": "output", "Package": pkg, "Output": out}),
        _hostile_lines,
        st.text(max_size=10),
    ),
    st.text(max_size=80).map(lambda s: s.replace("\n", " ")),
    st.sampled_from(['{"Action":"output","Output":"\\ud800\\n"}', "[" * 5000 + "]" * 5000]),
).filter(lambda s: MARK not in s)


@FUZZ
@given(st.lists(st.one_of(_valid.map(lambda v: ("valid", v)), _json_garbage), max_size=25))
def test_test2json_valid_events_keep_their_values_among_garbage(items: list[object]) -> None:
    lines = ['{"Action":"start","Package":"fuzz"}']
    valid: list[tuple[int, int, float, int]] = []
    for item in items:
        if isinstance(item, tuple):
            valid.append(item[1])
            event = {"Action": "output", "Package": "fuzz", "Output": _valid_line(*item[1])}
            # a complete line, also when garbage left the package's output unterminated
            event["Output"] = "\npkg: fuzz\n" + str(event["Output"]) + "\n"
            lines.append(json.dumps(event))
        else:
            lines.append(str(item))
    rs = load_text("\n".join(lines) + "\n", "fuzz.json")
    for key, values in _expected(valid).items():
        got = rs.benchmarks[key].samples["ns/op"]
        assert got == values


@FUZZ
@given(st.binary(max_size=2000), st.booleans())
def test_any_bytes_in_a_file_read_or_refused_cleanly(data: bytes, crlf: bool) -> None:
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "current.txt"
        path.write_bytes(data)
        try:
            rs = load_results(path)
        except ResultsFileError:  # pragma: no cover - a regular file is always readable
            raise
        for issue in rs.issues:
            assert str(issue).startswith(f"{path}:")


# --- the views ----------------------------------------------------------------------------


@FUZZ
@given(
    st.lists(st.one_of(_valid.map(lambda v: _valid_line(*v)), _garbage)),
    st.lists(st.one_of(_valid.map(lambda v: _valid_line(*v)), _garbage)),
)
def test_every_view_renders_what_the_reader_yields(base: list[str], cur: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = default_config(Path(tmp))
        comparison = compare(
            load_text("\n".join(base) + "\n", "base.txt"),
            load_text("\n".join(cur) + "\n", "cur.txt"),
            config,
        )
        for out in (
            render_text(comparison),
            render_markdown(comparison),
            render_html(comparison),
        ):
            out.encode("utf-8")
        json.loads(render_json(comparison), parse_constant=_no_constant)
        for bench in comparison.benchmarks:
            hover_markdown(bench).encode("utf-8")
            benchmark_message(bench).encode("utf-8")
            status_summary(bench).encode("utf-8")


def _no_constant(name: str) -> float:
    raise AssertionError(f"JSON output holds {name}")


# --- the config loader --------------------------------------------------------------------

_toml_scalars = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.booleans(),
)
_toml_keys = st.sampled_from(
    [
        "packages",
        "alpha",
        "paths",
        "thresholds",
        "units",
        "run",
        "severity",
        "baseline",
        "current",
        "history",
        "report",
        "latency",
        "count",
        "flags",
        "benchtime",
        "go",
        "timeout",
        "regression",
        "benchmarks",
        "frames/op",
    ]
) | st.text(max_size=10)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
        )
    return json.dumps(value)


_toml_docs = st.one_of(
    st.text(max_size=300),
    st.dictionaries(
        _toml_keys,
        st.recursive(
            _toml_scalars,
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_toml_keys, inner),
            max_leaves=8,
        ),
        max_size=6,
    ).map(lambda d: "\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in d.items())),
    st.sampled_from(  # issue 10 item 7: nesting thousands deep, 5,000 digits, a NUL in a path
        [
            "a = " + "[" * 3000 + "]" * 3000,
            "x = " + "{ a = " * 2000 + "1" + " }" * 2000,
            "alpha = " + "9" * 5000,
            '[paths]\nbaseline = "a\\u0000b"',
        ]
    ),
)


@FUZZ
@given(_toml_docs, st.sampled_from([".benchlens.toml", "benchlens.toml"]))
def test_any_config_file_loads_with_issues_not_exceptions(text: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        config, issues = load_config(root)
        assert config.root == root.resolve()
        for issue in issues:
            str(issue).encode("utf-8", "surrogatepass")


# --- the Go name resolver -----------------------------------------------------------------

_INDEX: WorkspaceIndex | None = None


def _names_index() -> WorkspaceIndex:
    global _INDEX
    if _INDEX is None:
        _INDEX = WorkspaceIndex([GO_DATA / "names"])
        _INDEX.build()
    return _INDEX


_result_names = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda fn, subs: "/".join([fn, *subs]),
        st.sampled_from(["BenchmarkTable", "BenchmarkLiteral", "BenchmarkPlain", "Benchmark"]),
        st.lists(st.text(max_size=12), max_size=4),
    ),
)


@FUZZ
@given(_result_names, st.text(max_size=30), st.sampled_from(["example.com/names/hash", "", "x"]))
def test_name_resolution_never_raises(name: str, literal: str, package: str) -> None:
    index = _names_index()
    res = index.resolve(package, name)
    assert res.kind is not None
    rewritten = rewrite(literal)
    assert re.fullmatch(go_quote_meta(rewritten), rewritten)
    split_dedup_suffix(literal)
    decode_go_string(f'"{literal}"')
    decode_go_string(literal)
    pattern = sprintf_regex(literal)
    re.compile(pattern)
    if "%" not in literal:
        assert re.fullmatch(pattern, rewritten)
