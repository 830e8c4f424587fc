"""The tree-sitter extraction and the byte scan: benchmarks, b.Run sites, recovery, agreement."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchlens.goindex.model import NameKind, RunSite, SourceRange
from benchlens.goindex.parse import edit_tree, parse_bytes, parse_file
from benchlens.goindex.scan import has_benchmarks, scan_benchmarks

GO_DATA = Path(__file__).resolve().parent.parent / "data" / "go"
HASH_TEST = GO_DATA / "names" / "hash" / "hash_test.go"
BROKEN = GO_DATA / "broken" / "broken_test.go"


def marker_line(path: Path, tag: str) -> int:
    """The 0-based line carrying the `// L:tag` marker."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.rstrip().endswith(f"// L:{tag}"):
            return i
    raise AssertionError(f"no marker {tag} in {path}")


def sites_by_line(sites: list[RunSite] | tuple[RunSite, ...]) -> dict[int, RunSite]:
    return {s.line: s for s in sites}


def test_functions_and_parameters() -> None:
    parsed = parse_file(HASH_TEST, HASH_TEST.read_bytes())
    names = [f.name for f in parsed.functions]
    assert names == [
        "BenchmarkPlain",
        "BenchmarkLiteral",
        "BenchmarkSprintf",
        "BenchmarkConst",
        "BenchmarkTable",
        "BenchmarkNested",
        "BenchmarkRewrite",
        "BenchmarkDedup",
        "BenchmarkVar",
        "BenchmarkHelper",
    ]
    plain = parsed.functions[0]
    line = marker_line(HASH_TEST, "plain")
    assert plain.name_range == SourceRange(line, 5, line, 5 + len("BenchmarkPlain"))
    assert plain.body_range is not None and plain.body_range.start_line == line
    assert plain.param == "b"
    nested = next(f for f in parsed.functions if f.name == "BenchmarkNested")
    assert nested.param == "outer"
    assert not parsed.has_errors


@pytest.mark.parametrize(
    ("tag", "kind", "shown"),
    [
        ("lit-alpha", NameKind.LITERAL, "alpha"),
        ("lit-raw", NameKind.LITERAL, "raw_beta"),
        ("lit-tab", NameKind.LITERAL, "tab_here"),
        ("sprintf-size", NameKind.SPRINTF, 'fmt.Sprintf("size=%d", n)'),
        ("const-local", NameKind.CONSTANT, "local-const"),
        ("const-file", NameKind.CONSTANT, "file-const"),
        ("table-fixed", NameKind.LITERAL, "fixed"),
        ("table-loop", NameKind.DYNAMIC, "tc.name"),
        ("nested-3", NameKind.PATTERN, "strconv.Itoa(3)"),
        ("rw-zw", NameKind.LITERAL, "zero\\u200bwidth"),
        ("dup-empty", NameKind.LITERAL, ""),
        ("var-sprintf", NameKind.SPRINTF, "name"),
        ("var-concat", NameKind.PATTERN, "label"),
    ],
)
def test_name_kinds(tag: str, kind: NameKind, shown: str) -> None:
    parsed = parse_file(HASH_TEST, HASH_TEST.read_bytes())
    site = sites_by_line(parsed.sites)[marker_line(HASH_TEST, tag)]
    assert site.name.kind is kind
    assert (site.name.value if site.name.value is not None else site.name.source) == shown


def test_constant_from_another_file_needs_the_package_lookup() -> None:
    data = HASH_TEST.read_bytes()
    line = marker_line(HASH_TEST, "const-package")
    alone = sites_by_line(parse_file(HASH_TEST, data).sites)[line]
    assert alone.name.kind is NameKind.DYNAMIC
    lookup = {"otherFileName": "other-file"}.get
    parsed = parse_file(HASH_TEST, data, lookup=lookup)
    site = sites_by_line(parsed.sites)[line]
    assert (site.name.kind, site.name.value) == (NameKind.CONSTANT, "other-file")
    assert parsed.external_names == {"otherFileName"}


def test_nesting_through_renamed_parameters() -> None:
    parsed = parse_file(HASH_TEST, HASH_TEST.read_bytes())
    by_line = sites_by_line(parsed.sites)
    level1 = by_line[marker_line(HASH_TEST, "nested-1")]
    level2 = by_line[marker_line(HASH_TEST, "nested-2")]
    level3 = by_line[marker_line(HASH_TEST, "nested-3")]
    p = by_line[marker_line(HASH_TEST, "nested-p")]
    assert (level1.parent, level2.parent, level3.parent, p.parent) == (None, level1, level2, level1)
    assert (level1.depth, level2.depth, level3.depth) == (1, 2, 3)
    assert level3.display_name == "BenchmarkNested/level1/level2/strconv.Itoa(3)"
    assert level3.bench_regex == "^BenchmarkNested$/^level1$/^level2$/^-?[0-9]+$"
    assert all(s.function == "BenchmarkNested" for s in (level1, level2, level3, p))


def test_helper_functions_are_not_benchmarks_and_their_calls_are_not_sites() -> None:
    parsed = parse_file(HASH_TEST, HASH_TEST.read_bytes())
    assert "runInHelper" not in {f.name for f in parsed.functions}
    assert not [s for s in parsed.sites if s.name.value == "in-helper"]


def test_ranges_are_utf16_and_cover_the_call_head() -> None:
    data = HASH_TEST.read_bytes()
    site = sites_by_line(parse_file(HASH_TEST, data).sites)[marker_line(HASH_TEST, "rw-emoji")]
    line_text = data.decode().splitlines()[site.line]
    start = line_text.index("b.Run")
    head = 'b.Run("smile🙂"'
    assert site.range.start_col == start
    assert site.range.end_col == start + len(head) + 1  # 🙂 is two UTF-16 code units
    assert site.call_range.end_col > site.range.end_col


def test_aliased_and_dot_imports_of_testing() -> None:
    src = b"""package p

import (
	tt "testing"
)

func BenchmarkAliased(b *tt.B) {
	b.Run("x", func(c *tt.B) { c.Run("y", nil) })
}
"""
    parsed = parse_file(Path("a_test.go"), src)
    assert [s.display_name for s in parsed.sites] == ["BenchmarkAliased/x", "BenchmarkAliased/x/y"]
    dot = src.replace(b'tt "testing"', b'. "testing"').replace(b"tt.B", b"B")
    assert len(parse_file(Path("a_test.go"), dot).sites) == 2


def test_not_benchmarks() -> None:
    src = b"""package p

import "testing"

func Benchmarkish(b *testing.B) { b.Run("no", nil) }

func (s *S) BenchmarkMethod(b *testing.B) {}

func BenchmarkGeneric[T any](b *testing.B) {}

func BenchmarkOK(b *testing.B) {
	other.Run("not a b", nil)
	var x struct{ b *testing.B }
	x.b.Run("not a param", nil)
	b.Run("yes", nil)
}
"""
    parsed = parse_file(Path("a_test.go"), src)
    assert [f.name for f in parsed.functions] == ["BenchmarkOK"]
    assert [s.name.value for s in parsed.sites] == ["yes"]
    assert [s.name for s in scan_benchmarks(src)] == ["BenchmarkOK"]


def test_a_syntax_error_in_one_function_does_not_hide_the_others() -> None:
    parsed = parse_file(BROKEN, BROKEN.read_bytes())
    assert parsed.has_errors
    names = [f.name for f in parsed.functions]
    assert names == ["BenchmarkBefore", "BenchmarkBroken", "BenchmarkAfter", "BenchmarkLast"]
    owners = {s.name.value: s.function for s in parsed.sites}
    assert owners["before-run"] == "BenchmarkBefore"
    assert owners["after-run"] == "BenchmarkAfter"  # not swallowed by the broken body
    lines = BROKEN.read_text().splitlines()
    for fn in parsed.functions:
        assert lines[fn.line].startswith(f"func {fn.name}(")


def test_incremental_reparse_gives_the_same_answer_as_a_fresh_parse() -> None:
    old = HASH_TEST.read_bytes()
    tree = parse_bytes(old)
    edits = [
        old.replace(b'"alpha"', b'"alpha-renamed"'),
        old.replace(b"func BenchmarkPlain", b"func BenchmarkPlainer"),
        old.replace(
            b"func BenchmarkVar(", b"func BenchmarkNew(b *testing.B) {}\n\nfunc BenchmarkVar("
        ),
        old[: len(old) // 2],  # half a file: syntax errors
        old,
    ]
    current = old
    for new in edits:
        edit_tree(tree, current, new)
        tree = parse_bytes(new, tree)
        incremental = parse_file(HASH_TEST, new, tree)
        fresh = parse_file(HASH_TEST, new)
        assert incremental == fresh
        current = new


def test_scan_finds_declarations_at_line_starts_only() -> None:
    src = (
        b"func BenchmarkFirst(b *testing.B) {}\n"
        b"// func BenchmarkComment(b *testing.B) {}\n"
        b"\tfunc BenchmarkIndented(b *testing.B) {}\n"
        b"func Benchmarkish(b *testing.B) {}\n"
        b"func BenchmarkGeneric[T any](b *testing.B) {}\n"
        b"func BenchmarkSpaced (b *testing.B) {}\n"
        b"func Benchmark\xc3\x9cber(b *testing.B) {}\n"
        b"func BenchmarkLast(b *testing.B) {}"
    )
    found = [(s.name, s.line, s.start_col, s.end_col) for s in scan_benchmarks(src)]
    assert found == [
        ("BenchmarkFirst", 0, 5, 19),
        ("BenchmarkSpaced", 5, 5, 20),
        ("BenchmarkÜber", 6, 5, 18),
        ("BenchmarkLast", 7, 5, 18),
    ]
    assert has_benchmarks(src)
    assert not has_benchmarks(b"package p\nfunc TestX(t *testing.T) {}\n")


def _scan_and_parse_agree(path: Path) -> None:
    data = path.read_bytes()
    scanned = [(s.name, s.line, s.start_col, s.end_col) for s in scan_benchmarks(data)]
    parsed = [
        (f.name, f.name_range.start_line, f.name_range.start_col, f.name_range.end_col)
        for f in parse_file(path, data).functions
    ]
    assert scanned == parsed, path


def test_scan_agrees_with_the_parse_on_the_fixtures() -> None:
    files = sorted(GO_DATA.rglob("*_test.go"))
    assert len(files) >= 5
    for path in files:
        _scan_and_parse_agree(path)


def _goroot_src() -> Path:
    out = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()) / "src"


@pytest.mark.slow
def test_scan_agrees_with_the_parse_on_the_standard_library() -> None:
    """Every GOROOT/src test file with benchmarks (~320 files, ~2,000 benchmarks)."""
    src = _goroot_src()
    checked = 0
    for dirpath, _, filenames in os.walk(src):
        for name in filenames:
            if name.endswith("_test.go"):
                path = Path(dirpath) / name
                if has_benchmarks(path.read_bytes()):
                    _scan_and_parse_agree(path)
                    checked += 1
    assert checked > 200
