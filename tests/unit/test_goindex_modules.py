"""go.mod and go.work reading, and import path ⇄ directory through modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchlens.goindex.modules import (
    Module,
    ModuleResolver,
    find_go_work,
    parse_go_work_uses,
    parse_module_path,
)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("module example.com/m\n\ngo 1.22\n", "example.com/m"),
        ("// header\nmodule example.com/m // trailing\n", "example.com/m"),
        ('module "example.com/quoted"\n', "example.com/quoted"),
        ("module\texample.com/tab\n", "example.com/tab"),
        ("module (\n\texample.com/block\n)\n", "example.com/block"),
        ("module std\n\ngo 1.27\n\nrequire (\n\tgolang.org/x/net v0.1.0\n)\n", "std"),
        ("go 1.22\n", None),
        ("modules example.com/x\n", None),
        ("module\n", None),
    ],
)
def test_parse_module_path(text: str, path: str | None) -> None:
    assert parse_module_path(text) == path


def test_parse_go_work_uses() -> None:
    text = """go 1.22

use ./single // a comment
use (
	./a
	"./b" // quoted
	// a commented-out line
	../outside
)
use (./c ./d)
toolchain go1.22.1
"""
    assert parse_go_work_uses(text) == ["./single", "./a", "./b", "../outside", "./c", "./d"]


def test_import_paths_of_a_module(tmp_path: Path) -> None:
    m = Module("example.com/m", tmp_path)
    assert m.import_path(tmp_path) == "example.com/m"
    assert m.import_path(tmp_path / "storage" / "log") == "example.com/m/storage/log"
    assert m.import_path(tmp_path.parent) is None
    assert m.directory("example.com/m/storage/log") == tmp_path / "storage" / "log"
    assert m.directory("example.com/m") == tmp_path
    assert m.directory("example.com/mm/x") is None
    assert m.directory("other.org/x") is None


def test_the_standard_library_has_no_module_prefix(tmp_path: Path) -> None:
    std = Module("std", tmp_path)
    assert std.import_path(tmp_path / "encoding" / "json") == "encoding/json"
    assert std.directory("encoding/json") == tmp_path / "encoding" / "json"
    assert std.directory("example.com/x") is None


def test_nearest_go_mod_wins(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/outer\n")
    inner = tmp_path / "sub" / "inner"
    (inner / "pkg").mkdir(parents=True)
    (inner / "go.mod").write_text("module example.com/inner\n")
    resolver = ModuleResolver()
    assert resolver.import_path(inner / "pkg") == "example.com/inner/pkg"
    assert resolver.import_path(tmp_path / "sub") == "example.com/outer/sub"
    assert resolver.import_path(tmp_path / "sub" / "other") == "example.com/outer/sub/other"
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "go.mod").write_text("go 1.22\n")  # no module line: not a usable module
    assert resolver.module_of_dir(bare) is None


def test_find_go_work_looks_upwards(tmp_path: Path) -> None:
    (tmp_path / "go.work").write_text("go 1.22\nuse ./a\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_go_work(deep) == tmp_path / "go.work"
