"""`--filter`: benchstat's -filter syntax (a subset) plus globs on the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchlens.compare import compare
from benchlens.config import default_config
from benchlens.filter import FilterError, parse_filter
from benchlens.results.reader import load_text

RESULTS = """goos: linux
pkg: example.com/enc
BenchmarkEncode/format=json/size=64-8 10 5 ns/op
BenchmarkEncode/format=gob/size=64-8 10 5 ns/op
BenchmarkEncode/format=json/size=4k-8 10 5 ns/op
BenchmarkDecode/size=64-8 10 5 ns/op
goos: windows
pkg: example.com/other
BenchmarkDecode/size=64 10 5 ns/op
"""


def names(expr: str) -> list[str]:
    rs = load_text(RESULTS, "r.txt")
    comparison = compare(rs, rs, default_config(Path("/nonexistent")))
    keep = parse_filter(expr)
    return [
        f"{b.package.rsplit('/', 1)[-1]}:{b.key.display_name}"
        for b in comparison.benchmarks
        if keep(b)
    ]


def test_keys_of_benchstat() -> None:
    assert names(".name:Decode") == [
        "enc:BenchmarkDecode/size=64-8",
        "other:BenchmarkDecode/size=64",
    ]
    assert names(".fullname:Decode/size=64-8") == ["enc:BenchmarkDecode/size=64-8"]
    assert names("/format:json") == [
        "enc:BenchmarkEncode/format=json/size=64-8",
        "enc:BenchmarkEncode/format=json/size=4k-8",
    ]
    assert names("/gomaxprocs:1") == ["other:BenchmarkDecode/size=64"]
    assert names("pkg:example.com/other") == ["other:BenchmarkDecode/size=64"]
    assert names("goos:windows") == ["other:BenchmarkDecode/size=64"]
    assert len(names("*")) == 5


def test_operators_regexps_and_value_lists() -> None:
    assert names("/size:(64 OR 4k) -/format:gob .name:Encode") == [
        "enc:BenchmarkEncode/format=json/size=64-8",
        "enc:BenchmarkEncode/format=json/size=4k-8",
    ]
    assert names(".name:Decode AND goos:linux") == ["enc:BenchmarkDecode/size=64-8"]
    assert names("(/format:gob OR goos:windows)") == [
        "enc:BenchmarkEncode/format=gob/size=64-8",
        "other:BenchmarkDecode/size=64",
    ]
    assert names(".fullname:/^Enc.*4k/") == ["enc:BenchmarkEncode/format=json/size=4k-8"]
    # Exact, -procs suffix included: only the GOMAXPROCS=1 result has none.
    assert names('.fullname:"Decode/size=64"') == ["other:BenchmarkDecode/size=64"]


def test_globs_on_the_name() -> None:
    assert names("Encode/*/size=4k") == ["enc:BenchmarkEncode/format=json/size=4k-8"]
    assert names("BenchmarkDecode/*") == [
        "enc:BenchmarkDecode/size=64-8",
        "other:BenchmarkDecode/size=64",
    ]
    assert names("Decode/size=64") == [
        "enc:BenchmarkDecode/size=64-8",
        "other:BenchmarkDecode/size=64",
    ]
    assert names('"*json*"') == [
        "enc:BenchmarkEncode/format=json/size=64-8",
        "enc:BenchmarkEncode/format=json/size=4k-8",
    ]
    assert names("/format:j*") == names("/format:json")


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("", "empty filter"),
        ("(.name:X", "expected ')'"),
        (".name:X)", "expected 'end'"),
        (".name:", "expected 'word'"),
        (".name:/[/", "bad regexp"),
        (".name:/abc", "unterminated regexp"),
        ('"abc', "unterminated string"),
        (".unit:ns/op", "unknown key .unit"),
    ],
)
def test_bad_filters_say_what_is_wrong(expr: str, message: str) -> None:
    with pytest.raises(
        FilterError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        parse_filter(expr)
