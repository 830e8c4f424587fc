"""Go's sub-benchmark name rewriting, Go string literals and Sprintf formats as regexes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchlens.goindex.names import (
    decode_go_string,
    go_quote_meta,
    is_benchmark_name,
    rewrite,
    split_dedup_suffix,
    sprintf_regex,
    utf16_len,
)


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("plain", "plain"),
        ("a b", "a_b"),
        ("tab\there", "tab_here"),
        ("nl\nx", "nl_x"),
        ("nbsp\xa0x", "nbsp_x"),
        ("em\u2003space", "em_space"),
        ("ideographic\u3000", "ideographic_"),
        ("bell\a", "bell\\a"),
        ("back\b", "back\\b"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("soft\xadhyphen", "soft\\u00adhyphen"),
        ("tag\U000e0001", "tag\\U000e0001"),
        ("smile🙂", "smile🙂"),
        ("size=4096,k=v", "size=4096,k=v"),
        ("", ""),
    ],
)
def test_rewrite_matches_go_testing(name: str, printed: str) -> None:
    assert rewrite(name) == printed


@settings(derandomize=True)
@given(st.text())
def test_rewrite_leaves_no_white_space(name: str) -> None:
    out = rewrite(name)
    assert not any(ch.isspace() for ch in out)
    assert rewrite(out) == out  # printed names are stable


@pytest.mark.parametrize(
    ("element", "split"),
    [
        ("dup#01", ("dup", 1)),
        ("dup#10", ("dup", 10)),
        ("dup#123", ("dup", 123)),
        ("#00", ("", 0)),
        ("dup", None),
        ("dup#1", None),
        ("dup#x1", None),
        ("a#01b", None),
    ],
)
def test_dedup_suffix(element: str, split: tuple[str, int] | None) -> None:
    assert split_dedup_suffix(element) == split


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ('"plain"', "plain"),
        ("`raw \\n text`", "raw \\n text"),
        ("`cr\r\nlf`", "cr\nlf"),
        ('"tab\\tx"', "tab\tx"),
        ('"q\\"x\\\\"', 'q"x\\'),
        ('"\\x41\\101\\u00e9\\U0001F642"', "AAé🙂"),
        ('"bad\\xff"', "bad\ufffd"),
        ('"unterminated', None),
        ('"bad escape \\z"', None),
        ('"short \\x4"', None),
    ],
)
def test_decode_go_string(literal: str, value: str | None) -> None:
    assert decode_go_string(literal) == value


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Benchmark", True),
        ("BenchmarkX", True),
        ("Benchmark_x", True),
        ("Benchmark1", True),
        ("BenchmarkÜber", True),
        ("Benchmarkish", False),
        ("Benchmarkéx", False),
        ("benchmarkX", False),
        ("TestX", False),
    ],
)
def test_benchmark_name_rule(name: str, ok: bool) -> None:
    assert is_benchmark_name(name) is ok


@pytest.mark.parametrize(
    ("fmt", "matching", "not_matching"),
    [
        ("size=%d", ["size=4096", "size=-1", "size=0"], ["size=", "size=4k", "x=1"]),
        ("%s", ["anything", "", "a_b"], ["a/b"]),
        ("%v-%q", ['3-"x"', "a-`y`"], ["3-x"]),
        ("%x/%X", ["ff/FF", "0xff/0XFF"], ["ff/ff", "fg/FF"]),
        ("%.2f", ["0.50", "1000000.00", "-3.25", "NaN", "+Inf"], ["x"]),
        ("%g", ["1e+06", "0.5", "3"], ["e"]),
        ("%t", ["true", "false"], ["yes"]),
        ("%5d", ["___42", "42", "12345"], ["4_2x"]),
        ("%-5d|", ["42___|"], ["42|x"]),
        ("%[1]d-%[1]d", ["3-3"], ["3-"]),
        ("100%%", ["100%"], ["100"]),
        ("a b %d", ["a_b_1"], ["a b 1"]),
        ("x%", ["x%!(NOVERB)"], ["x"]),
        ("%c%U", ["zU+1F642"], ["zU+1"]),
    ],
)
def test_sprintf_regex(fmt: str, matching: list[str], not_matching: list[str]) -> None:
    regex = re.compile(sprintf_regex(fmt))
    for name in matching:
        assert regex.fullmatch(name), (fmt, name)
    for name in not_matching:
        assert not regex.fullmatch(name), (fmt, name)


@settings(derandomize=True)
@given(st.integers(), st.integers(min_value=0, max_value=12))
def test_sprintf_int_widths_agree_with_formatting(n: int, width: int) -> None:
    # Go's %Nd pads like Python's; the padding spaces are rewritten to `_`
    printed = rewrite(f"n={n:{width}d}")
    assert re.fullmatch(sprintf_regex(f"n=%{width}d"), printed)


@settings(derandomize=True)
@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_sprintf_float_agrees_with_formatting(x: float) -> None:
    assert re.fullmatch(sprintf_regex("%.3f"), f"{x:.3f}")
    assert re.fullmatch(sprintf_regex("%g"), f"{x:g}".replace("inf", "Inf"))


def test_quote_meta_escapes_like_go() -> None:
    assert (
        go_quote_meta("a.b*c(d)[e]{f}|^$+?\\")
        == "a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|\\^\\$\\+\\?\\\\"
    )
    assert go_quote_meta("size=4096/x-y,z#01") == "size=4096/x-y,z#01"
    assert re.fullmatch(go_quote_meta("a.b(c)"), "a.b(c)")


def test_utf16_len() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("é") == 1
    assert utf16_len("🙂") == 2
