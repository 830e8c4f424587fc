"""Argument lists and Go-regexp quoting: exact names stay exact, nothing is a shell string."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchlens.runner.goargs import (
    binary_args,
    build_test_binary_args,
    go_list_args,
    go_rewrite,
    go_test_args,
    name_pattern,
    names_pattern,
    quote_meta,
    split_flags,
)
from tests.runner_helpers import GOMODS, env, go_path

HOSTILE = "$(touch pwned); `rm -rf x` | 'q' && \"d\""


def test_quote_meta_escapes_go_special_bytes() -> None:
    assert quote_meta("a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o") == (
        r"a\.b\+c\*d\?e\(f\)g\|h\[i\]j\{k\}l\^m\$n\\o"
    )
    assert quote_meta("size=64,n#01-x/y") == "size=64,n#01-x/y"
    assert quote_meta("") == ""


def test_go_rewrite_matches_testing_rewrite() -> None:
    assert go_rewrite("a b\tc") == "a_b_c"
    assert go_rewrite("no\x00nul") == "no\\x00nul"
    assert go_rewrite("zero\u200bwidth") == "zero\\u200bwidth"
    assert go_rewrite("héllo 世界") == "héllo_世界"
    # Names read back from results files are already rewritten: a fixed point.
    assert go_rewrite(go_rewrite(HOSTILE)) == go_rewrite(HOSTILE)


def test_name_pattern_anchors_each_level() -> None:
    assert name_pattern("BenchmarkX") == "^BenchmarkX$"
    assert name_pattern("BenchmarkX/size=64") == "^BenchmarkX$/^size=64$"
    assert name_pattern("BenchmarkX/a b/c.d") == r"^BenchmarkX$/^a_b$/^c\.d$"
    assert names_pattern(["BenchmarkA", "BenchmarkB/x", "BenchmarkA"]) == (
        "^BenchmarkA$|^BenchmarkB$/^x$"
    )
    with pytest.raises(ValueError):
        names_pattern([])


def test_hostile_name_is_one_argument() -> None:
    pattern = name_pattern(f"BenchmarkShell/{HOSTILE}")
    args = binary_args(bench=pattern, benchtime="10x")
    assert f"-test.bench={pattern}" in args
    assert len(args) == 5
    args = go_test_args(bench=pattern, benchtime="1s", packages=["./..."], count=3)
    assert args == [
        "test",
        "-run=^$",
        f"-bench={pattern}",
        "-benchmem",
        "-benchtime=1s",
        "-count=3",
        "./...",
    ]


def test_build_and_list_args() -> None:
    assert build_test_binary_args("example.com/a", "/tmp/a.test", ["-tags=x"]) == [
        "test",
        "-c",
        "-o",
        "/tmp/a.test",
        "-tags=x",
        "example.com/a",
    ]
    assert go_list_args(["./..."])[:2] == ["list", "-e"]


def test_split_flags_sends_test_flags_to_the_binary() -> None:
    split = split_flags(["-cpu=1,4", "-tags", "integration", "-race", "-short", "-timeout", "5m"])
    assert split.build == ("-tags", "integration", "-race")
    assert split.test == ("-test.cpu=1,4", "-test.short", "-test.timeout=5m")


def test_split_flags_tells_exec_and_go_test_only_flags_apart() -> None:
    """`go list` accepts build flags only: `-exec` runs the binary, `-vet` builds it."""
    split = split_flags(
        ["-exec", "env 'A=b c' X=1", "-tags=x", "-vet=off", "-json", "-o", "out", "-count=2"]
    )
    assert split.exec == ("env", "A=b c", "X=1")
    assert split.list == ("-tags=x",)
    assert split.build == ("-tags=x", "-vet=off")
    assert split.test == ("-test.count=2",)
    assert split_flags(["-exec=prog 'unpaired"]).exec == ("prog", "'unpaired")


def test_runner_never_uses_a_shell() -> None:
    runner = Path(__file__).resolve().parents[2] / "server" / "benchlens" / "runner"
    for source in runner.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "shell=True" not in text, source
        assert "os.system" not in text, source


# The printable names a b.Run may produce after rewriting, including RE2 metacharacters.
_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/"),
    max_size=30,
)


@given(_names)
def test_quoted_pattern_matches_only_itself_in_python_re(s: str) -> None:
    # Python's re agrees with RE2 on escaped metacharacters: a cheap first check.
    assert re.fullmatch(quote_meta(s), s, flags=re.DOTALL)
    assert not re.fullmatch(quote_meta(s), s + "x", flags=re.DOTALL)


@pytest.mark.go
@settings(max_examples=1, deadline=None)
@given(st.lists(_names, min_size=200, max_size=200))
def test_quote_meta_agrees_with_go(samples: list[str]) -> None:
    """Go's own regexp.QuoteMeta and RE2 matching, on hostile and random strings."""
    samples += [HOSTILE, "a.b", "[x]", "(?i)", "\\", "^$", "{1,2}", "a|b", "日本語 text"]
    lines = "\n".join(json.dumps([s, quote_meta(s)]) for s in samples) + "\n"
    proc = subprocess.run(
        [go_path(), "run", "."],
        cwd=GOMODS / "quotemeta",
        input=lines,
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"checked {len(samples)}", proc.stdout
