"""The workspace index: result resolution, workspace layout, laziness and incremental updates."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benchlens.goindex import (
    BenchmarkFunction,
    NameKind,
    ResolutionKind,
    RunSite,
    WorkspaceIndex,
)

GO_DATA = Path(__file__).resolve().parent.parent / "data" / "go"
NAMES = GO_DATA / "names"
HASH = "example.com/names/hash"
HASH_TEST = NAMES / "hash" / "hash_test.go"

FUNCTION, RUN, FALLBACK, UNRESOLVED = (
    ResolutionKind.FUNCTION,
    ResolutionKind.RUN,
    ResolutionKind.FALLBACK,
    ResolutionKind.UNRESOLVED,
)

#: Every result `go test -bench . ./hash` prints for the fixture (checked against Go in
#: test_goindex_go.py), with the marker of the line it belongs to and how it resolves.
EXPECTED: dict[str, tuple[str, ResolutionKind]] = {
    "BenchmarkPlain": ("plain", FUNCTION),
    "BenchmarkLiteral/alpha": ("lit-alpha", RUN),
    "BenchmarkLiteral/raw_beta": ("lit-raw", RUN),
    "BenchmarkLiteral/tab_here": ("lit-tab", RUN),
    "BenchmarkSprintf/size=16": ("sprintf-size", RUN),
    "BenchmarkSprintf/size=4096": ("sprintf-size", RUN),
    "BenchmarkSprintf/ratio=0.50/g=0.5": ("sprintf-float", RUN),
    "BenchmarkSprintf/ratio=1000000.00/g=1e+06": ("sprintf-float", RUN),
    'BenchmarkSprintf/k-___42-ff-true-"q"-3': ("sprintf-mixed", RUN),
    "BenchmarkConst/local-const": ("const-local", RUN),
    "BenchmarkConst/file-const": ("const-file", RUN),
    "BenchmarkConst/other-file": ("const-package", RUN),
    "BenchmarkTable/fixed": ("table-fixed", RUN),
    "BenchmarkTable/small": ("table-loop", RUN),
    "BenchmarkTable/large": ("table-loop", RUN),
    "BenchmarkNested/level1/level2/3": ("nested-3", RUN),
    "BenchmarkNested/level1/p=2": ("nested-p", RUN),
    "BenchmarkRewrite/a_b": ("rw-space", RUN),
    "BenchmarkRewrite/bell\\a": ("rw-bell", RUN),
    "BenchmarkRewrite/zero\\u200bwidth": ("rw-zw", RUN),
    "BenchmarkRewrite/smile🙂": ("rw-emoji", RUN),
    "BenchmarkRewrite/slash/inside": ("rw-slash", RUN),
    "BenchmarkDedup/dup": ("dup-1", RUN),
    "BenchmarkDedup/dup#01": ("dup-2", RUN),
    "BenchmarkDedup/loop": ("dup-loop", RUN),
    "BenchmarkDedup/loop#01": ("dup-loop", RUN),
    "BenchmarkDedup/#00": ("dup-empty", RUN),
    "BenchmarkVar/v7": ("var-sprintf", RUN),
    "BenchmarkVar/pre-5": ("var-concat", RUN),
    "BenchmarkHelper/in-helper": ("helper", FALLBACK),  # b.Run in a helper: the function
}


def marker_line(path: Path, tag: str) -> int:
    """The 0-based line carrying the `// L:tag` marker."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.rstrip().endswith(f"// L:{tag}"):
            return i
    raise AssertionError(f"no marker {tag} in {path}")


def check_expected(index: WorkspaceIndex, names: dict[str, tuple[str, ResolutionKind]]) -> None:
    for name, (tag, kind) in names.items():
        res = index.resolve(HASH, name)
        assert (res.kind, res.path, res.line) == (kind, HASH_TEST, marker_line(HASH_TEST, tag)), (
            name,
            res,
        )


@pytest.fixture(scope="module")
def names_index() -> WorkspaceIndex:
    index = WorkspaceIndex([NAMES])
    index.build()
    return index


@pytest.fixture
def names_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "names"
    shutil.copytree(NAMES, dest)
    return dest


def test_every_result_of_the_fixture_maps_to_its_line(names_index: WorkspaceIndex) -> None:
    check_expected(names_index, EXPECTED)


def test_resolution_details(names_index: WorkspaceIndex) -> None:
    res = names_index.resolve(HASH, "BenchmarkSprintf/size=4096")
    assert res.precise and res.resolved
    assert res.function is not None and res.function.name == "BenchmarkSprintf"
    assert res.run_site is not None and res.run_site.name.kind is NameKind.SPRINTF
    assert res.range == res.run_site.range and res.matched_parts == 1
    top = names_index.resolve(HASH, "BenchmarkPlain")
    assert (
        top.run_site is None and top.function is not None and top.range == top.function.name_range
    )


def test_intermediate_levels_and_partial_matches(names_index: WorkspaceIndex) -> None:
    level1 = marker_line(HASH_TEST, "nested-1")
    res = names_index.resolve(HASH, "BenchmarkNested/level1")
    assert (res.kind, res.line) == (RUN, level1)
    partial = names_index.resolve(HASH, "BenchmarkNested/level1/nope")
    assert (partial.kind, partial.line, partial.matched_parts) == (FALLBACK, level1, 1)
    assert not partial.precise
    assert partial.reason is not None and "'nope'" in partial.reason
    none = names_index.resolve(HASH, "BenchmarkLiteral/zzz")
    assert (none.kind, none.line) == (FALLBACK, marker_line(HASH_TEST, "literal"))
    assert none.run_site is None and none.matched_parts == 0


def test_literal_ranks_above_a_table_driven_loop(names_index: WorkspaceIndex) -> None:
    fixed = names_index.resolve(HASH, "BenchmarkTable/fixed")
    assert fixed.run_site is not None and fixed.run_site.name.kind is NameKind.LITERAL
    other = names_index.resolve(HASH, "BenchmarkTable/anything-at-all")
    assert other.run_site is not None and other.run_site.name.kind is NameKind.DYNAMIC
    # a dynamic name stands for one element, not two
    two = names_index.resolve(HASH, "BenchmarkTable/a/b")
    assert (two.kind, two.matched_parts) == (FALLBACK, 1)


def test_dedup_suffix_beyond_the_duplicates_stays_on_the_literal(
    names_index: WorkspaceIndex,
) -> None:
    res = names_index.resolve(HASH, "BenchmarkDedup/dup#05")
    assert (res.kind, res.line) == (RUN, marker_line(HASH_TEST, "dup-1"))


def test_unresolved_results_say_why(names_index: WorkspaceIndex) -> None:
    missing_fn = names_index.resolve(HASH, "BenchmarkMissing/x")
    assert missing_fn.kind is UNRESOLVED and not missing_fn.resolved
    assert missing_fn.reason == f"no function BenchmarkMissing in package {HASH}"
    missing_pkg = names_index.resolve("example.com/elsewhere", "BenchmarkPlain")
    assert missing_pkg.kind is UNRESOLVED
    assert missing_pkg.reason == "package example.com/elsewhere is not in the workspace"
    no_bench = names_index.resolve("example.com/names", "BenchmarkPlain")
    assert no_bench.reason is not None and "has no benchmarks" in no_bench.reason
    assert names_index.resolve(HASH, "").reason == "the benchmark name is empty"


def test_the_build_does_not_parse(names_copy: Path) -> None:
    index = WorkspaceIndex([names_copy])
    index.build()
    assert index.files_parsed == 0
    fns = index.functions(HASH)
    assert "BenchmarkNested" in {f.name for f in fns}
    assert all(f.body_range is None for f in fns)  # scanned, not parsed
    assert index.resolve(HASH, "BenchmarkPlain").kind is FUNCTION
    assert index.files_parsed == 0
    assert index.resolve(HASH, "BenchmarkTable/small").kind is RUN
    assert index.files_parsed == 1
    assert index.resolve(HASH, "BenchmarkNested/level1/p=2").kind is RUN
    assert index.files_parsed == 1  # cached
    assert all(f.body_range is not None for f in index.functions(HASH))  # the parse wins


def test_rebuild_reads_only_changed_files(names_copy: Path) -> None:
    index = WorkspaceIndex([names_copy])
    index.build()
    first = index.files_read
    assert first == 1  # one _test.go file
    index.build()
    assert index.files_read == first
    test_file = names_copy / "hash" / "hash_test.go"
    text = test_file.read_text().replace("BenchmarkPlain", "BenchmarkSimple")
    test_file.write_text(text)
    st = test_file.stat()
    os.utime(test_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    index.build()
    assert index.files_read == first + 1
    assert index.resolve(HASH, "BenchmarkSimple").kind is FUNCTION


def test_files_without_benchmarks_are_remembered(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/t\n")
    (tmp_path / "x_test.go").write_text("package t\n\nfunc TestX(t *testing.T) {}\n")
    index = WorkspaceIndex([tmp_path])
    index.build()
    index.build()
    assert index.files_read == 1
    assert index.functions() == []


def _write(path: Path, text: str) -> None:
    """Write and move the mtime forward, so (mtime, size) changes even within one tick."""
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_editor_text_overrides_the_disk(names_copy: Path) -> None:
    path = names_copy / "hash" / "hash_test.go"
    index = WorkspaceIndex([names_copy])
    index.build()
    read = index.files_read
    disk = path.read_text()
    edited = disk.replace(
        "func BenchmarkPlain(b *testing.B) { // L:plain",
        "// a new line above\nfunc BenchmarkPlain(b *testing.B) { // L:plain",
    ).replace('b.Run("alpha"', 'b.Run("omega"')
    index.update_document(path, edited)
    assert index.files_read == read  # no disk access for the editor's text
    plain = index.resolve(HASH, "BenchmarkPlain")
    assert plain.line == marker_line(HASH_TEST, "plain") + 1
    assert index.resolve(HASH, "BenchmarkLiteral/omega").kind is RUN
    assert index.resolve(HASH, "BenchmarkLiteral/alpha").kind is FALLBACK
    # a watcher event for the file on disk does not override the open document
    _write(path, disk.replace("BenchmarkPlain", "BenchmarkOnDisk"))
    index.refresh_file(path)
    assert index.resolve(HASH, "BenchmarkPlain").kind is FUNCTION
    index.close_document(path)
    assert index.resolve(HASH, "BenchmarkOnDisk").kind is FUNCTION
    assert index.resolve(HASH, "BenchmarkPlain").kind is UNRESOLVED


def test_incremental_edits_keep_answers_exact(names_copy: Path) -> None:
    path = names_copy / "hash" / "hash_test.go"
    index = WorkspaceIndex([names_copy])
    index.build()
    text = path.read_text()
    index.update_document(path, text)
    for i in range(3):
        text = text.replace(f'"fixed{i - 1 if i else ""}"', f'"fixed{i}"')
        index.update_document(path, text)
        assert index.resolve(HASH, f"BenchmarkTable/fixed{i}").run_site is not None
        fresh = WorkspaceIndex([names_copy])
        fresh.update_document(path, text)
        assert index.run_sites_in_file(path) == fresh.run_sites_in_file(path)


def test_new_changed_and_removed_files(names_copy: Path) -> None:
    index = WorkspaceIndex([names_copy])
    index.build()
    new_dir = names_copy / "extra"
    new_dir.mkdir()
    new_file = new_dir / "extra_test.go"
    _write(new_file, 'package extra\n\nimport "testing"\n\nfunc BenchmarkExtra(b *testing.B) {}\n')
    index.refresh_file(new_file)
    res = index.resolve("example.com/names/extra", "BenchmarkExtra")
    assert (res.kind, res.path, res.line) == (FUNCTION, new_file, 4)
    _write(
        new_file, 'package extra\n\nimport "testing"\n\n\nfunc BenchmarkExtra(b *testing.B) {}\n'
    )
    index.refresh_file(new_file)
    assert index.resolve("example.com/names/extra", "BenchmarkExtra").line == 5
    new_file.unlink()
    index.refresh_file(new_file)  # a deletion seen as a change
    assert index.resolve("example.com/names/extra", "BenchmarkExtra").kind is UNRESOLVED
    index.remove_file(names_copy / "hash")  # a whole directory
    assert index.resolve(HASH, "BenchmarkPlain").kind is UNRESOLVED


def test_a_constant_changed_in_another_file(names_copy: Path) -> None:
    index = WorkspaceIndex([names_copy])
    index.build()
    assert index.resolve(HASH, "BenchmarkConst/other-file").kind is RUN
    consts = names_copy / "hash" / "hash.go"
    _write(consts, consts.read_text().replace('"other-file"', '"renamed"'))
    index.refresh_file(consts)
    assert index.resolve(HASH, "BenchmarkConst/renamed").kind is RUN
    index.update_document(consts, consts.read_text().replace('"renamed"', '"in-editor"'))
    assert index.resolve(HASH, "BenchmarkConst/in-editor").kind is RUN


def test_positions_for_hover_and_run(names_index: WorkspaceIndex) -> None:
    line = marker_line(HASH_TEST, "nested-3")
    target = names_index.at_position(HASH_TEST, line, 40)
    assert isinstance(target, RunSite) and target.depth == 3
    inner = names_index.at_position(HASH_TEST, marker_line(HASH_TEST, "nested-2") + 1, 1)
    assert isinstance(inner, RunSite) and inner.name.value == "level2"
    plain = marker_line(HASH_TEST, "plain")
    fn = names_index.at_position(HASH_TEST, plain + 1, 2)
    assert isinstance(fn, BenchmarkFunction) and fn.name == "BenchmarkPlain"
    assert fn.bench_regex == "^BenchmarkPlain$"
    assert names_index.at_position(HASH_TEST, 0, 0) is None
    helper = marker_line(HASH_TEST, "helper") + 4  # inside runInHelper: not a benchmark
    assert names_index.at_position(HASH_TEST, helper, 2) is None


def test_lens_targets_in_line_order(names_index: WorkspaceIndex) -> None:
    targets = names_index.lens_targets(HASH_TEST)
    lines = [t.line for t in targets]
    assert lines == sorted(lines)
    assert sum(isinstance(t, BenchmarkFunction) for t in targets) == 10
    assert sum(isinstance(t, RunSite) for t in targets) == len(
        names_index.run_sites_in_file(HASH_TEST)
    )


def test_packages_and_locations(names_index: WorkspaceIndex) -> None:
    assert names_index.packages() == [HASH]
    loc = names_index.package_location(HASH)
    assert loc is not None
    assert (loc.dir, loc.module_path, loc.module_root) == (
        NAMES / "hash",
        "example.com/names",
        NAMES,
    )
    assert loc.test_files == (HASH_TEST,)
    root = names_index.package_location("example.com/names")
    assert root is not None and root.dir == NAMES
    assert names_index.package_location("example.com/nowhere") is None
    assert names_index.package_of_dir(NAMES / "hash") == HASH
    assert names_index.package_of_file(HASH_TEST) == HASH
    assert names_index.package_of_dir(GO_DATA / "broken") == "example.com/broken"


# --- workspace layout ---------------------------------------------------------------------

WORKSPACE = GO_DATA / "workspace"


@pytest.fixture(scope="module")
def workspace_index() -> WorkspaceIndex:
    index = WorkspaceIndex([WORKSPACE])
    index.build()
    return index


def test_modules_of_a_go_work_and_a_nested_module(workspace_index: WorkspaceIndex) -> None:
    assert workspace_index.packages() == [
        "example.com/alpha/pkg",
        "example.com/beta",
        "example.com/nested/inner",
    ]
    res = workspace_index.resolve("example.com/nested/inner", "BenchmarkNestedModule")
    assert res.path == WORKSPACE / "beta" / "nested" / "inner" / "n_test.go"
    shared_a = workspace_index.resolve("example.com/alpha/pkg", "BenchmarkShared")
    shared_b = workspace_index.resolve("example.com/beta", "BenchmarkShared")
    assert shared_a.path != shared_b.path and shared_a.resolved and shared_b.resolved


def test_skipped_directories_and_naming_rules(workspace_index: WorkspaceIndex) -> None:
    names = {f.name for f in workspace_index.functions()}
    assert "BenchmarkSkipped" not in names  # vendor, testdata, .hidden, node_modules, _skip
    assert "Benchmarkish" not in names
    assert {"Benchmark", "BenchmarkÜber", "BenchmarkOrphan"} <= names
    assert workspace_index.package_of_dir(WORKSPACE / "outside") is None


def test_a_result_without_package(workspace_index: WorkspaceIndex) -> None:
    alpha = workspace_index.resolve("", "BenchmarkAlpha")
    assert alpha.kind is FUNCTION
    shared = workspace_index.resolve("", "BenchmarkShared")
    assert shared.kind is UNRESOLVED and shared.reason is not None
    assert "several packages" in shared.reason


def test_go_work_modules_outside_the_roots(tmp_path: Path) -> None:
    ws, ext = tmp_path / "ws", tmp_path / "ext"
    ws.mkdir()
    ext.mkdir()
    (ws / "go.work").write_text("go 1.22\n\nuse (\n\t.\n\t../ext\n)\n")
    (ws / "go.mod").write_text("module example.com/ws\n")
    (ext / "go.mod").write_text("module example.com/ext\n")
    (ext / "e_test.go").write_text(
        'package ext\n\nimport "testing"\n\nfunc BenchmarkExt(b *testing.B) {}\n'
    )
    index = WorkspaceIndex([ws])
    index.build()
    res = index.resolve("example.com/ext", "BenchmarkExt")
    assert (res.kind, res.path) == (FUNCTION, ext / "e_test.go")


def test_a_file_opened_outside_any_module(tmp_path: Path) -> None:
    index = WorkspaceIndex([tmp_path / "ws"])
    index.build()
    loose = tmp_path / "loose_test.go"
    index.update_document(
        loose, 'package x\n\nimport "testing"\n\nfunc BenchmarkLoose(b *testing.B) {\n}\n'
    )
    assert [f.name for f in index.functions_in_file(loose)] == ["BenchmarkLoose"]
    assert index.package_of_file(loose) is None
    assert index.resolve("", "BenchmarkLoose").path == loose


def test_a_new_directory_seen_by_the_watcher(names_copy: Path) -> None:
    index = WorkspaceIndex([names_copy])
    index.build()
    new_dir = names_copy / "later" / "deeper"
    new_dir.mkdir(parents=True)
    (new_dir / "l_test.go").write_text(
        'package deeper\n\nimport "testing"\n\nfunc BenchmarkLater(b *testing.B) {}\n'
    )
    (names_copy / "later" / "testdata").mkdir()
    (names_copy / "later" / "testdata" / "t_test.go").write_text(
        'package t\n\nimport "testing"\n\nfunc BenchmarkIgnored(b *testing.B) {}\n'
    )
    index.refresh_file(names_copy / "later")
    assert index.resolve("example.com/names/later/deeper", "BenchmarkLater").kind is FUNCTION
    assert "BenchmarkIgnored" not in {f.name for f in index.functions()}
    index.refresh_file(names_copy / "later" / "testdata" / "t_test.go")
    assert "BenchmarkIgnored" not in {f.name for f in index.functions()}
    shutil.rmtree(names_copy / "later")
    index.refresh_file(names_copy / "later")
    assert index.resolve("example.com/names/later/deeper", "BenchmarkLater").kind is UNRESOLVED


def test_a_file_with_a_syntax_error_still_resolves_its_other_benchmarks() -> None:
    index = WorkspaceIndex([GO_DATA / "broken"])
    index.build()
    after = index.resolve("example.com/broken", "BenchmarkAfter/after-run")
    assert after.kind is RUN and after.run_site is not None
    assert index.resolve("example.com/broken", "BenchmarkLast").kind is FUNCTION


def test_half_typed_code_in_the_editor(names_copy: Path) -> None:
    path = names_copy / "hash" / "hash_test.go"
    index = WorkspaceIndex([names_copy])
    index.build()
    text = path.read_text()
    typing = text.replace(
        "\twork(b)\n}\n\nfunc BenchmarkLiteral", "\twork(b\n}\n\nfunc BenchmarkLiteral"
    )
    index.update_document(path, typing)
    assert len(index.functions_in_file(path)) == 10
    res = index.resolve(HASH, "BenchmarkLiteral/alpha")
    assert (res.kind, res.line) == (RUN, marker_line(HASH_TEST, "lit-alpha"))


def test_edits_to_a_file_whose_parse_has_errors_keep_answers_exact(names_copy: Path) -> None:
    """A file tree-sitter cannot parse whole (Go 1.26's `new(expr)`, as in the 351 KiB
    encoding/json/v2/arshal_test.go) is re-parsed declaration by declaration on a change;
    the answers are those of a fresh full parse of the same text."""
    path = names_copy / "hash" / "hash_test.go"
    index = WorkspaceIndex([names_copy])
    index.build()
    text = path.read_text() + "\nfunc helper() *int64 { return new(int64(3)) }\n"
    index.update_document(path, text)
    for i in range(3):
        text = text.replace(f'"fixed{i - 1 if i else ""}"', f'"fixed{i}"')
        text = text.replace("func BenchmarkLiteral", f"// edit {i}\nfunc BenchmarkLiteral")
        index.update_document(path, text)
        assert index.resolve(HASH, f"BenchmarkTable/fixed{i}").run_site is not None
        fresh = WorkspaceIndex([names_copy])
        fresh.update_document(path, text)
        assert index.functions_in_file(path) == fresh.functions_in_file(path)
        assert index.run_sites_in_file(path) == fresh.run_sites_in_file(path)
