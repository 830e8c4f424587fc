"""Command arguments, structured strictly by the server's converter."""

from __future__ import annotations

from typing import Any

import pytest

from benchlens.lsp.arguments import BadArguments, FolderArgs, RunArgs, make_converter, structure

CONVERTER = make_converter()


def run_args(*args: Any) -> RunArgs:
    return structure(CONVERTER, args, RunArgs)


def test_one_object_or_the_two_strings() -> None:
    full = run_args(
        {"package": "example.com/m", "name": ["BenchmarkA", "BenchmarkB"], "mode": "full",
         "count": 3, "benchtime": "100x", "label": "A and B", "folder": "file:///w"}
    )  # fmt: skip
    assert full == RunArgs(
        folder="file:///w",
        package="example.com/m",
        name=("BenchmarkA", "BenchmarkB"),
        label="A and B",
        mode="full",
        count=3,
        benchtime="100x",
    )
    assert run_args("example.com/m", "^BenchmarkA$") == RunArgs(
        package="example.com/m", bench="^BenchmarkA$"
    )
    assert run_args({"benchmark": ".", "name": "BenchmarkA"}) == RunArgs(
        bench=".", name=("BenchmarkA",)
    )
    assert run_args() == RunArgs()
    assert run_args({"name": "BenchmarkA"}).display == "BenchmarkA"
    assert structure(CONVERTER, [], FolderArgs) == FolderArgs()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([{"bench": 3}], "bench: expected a Go regexp, got 3"),
        ([{"count": True}], "count: expected a positive whole number, got True"),
        ([{"count": 0}], "count: expected a positive whole number, got 0"),
        ([{"count": "2"}], "count: expected a positive whole number, got '2'"),
        ([{"mode": "fast"}], "mode: expected quick, default or full, got 'fast'"),
        ([{"name": ["A", 1]}], "name: expected a benchmark name or a list of names"),
        ([{"package": ["a"]}], "package: expected an import path, got ['a']"),
        ([42], 'expected one object {"package": ..., "bench": ...}'),
        (["a", "b", "c"], "or the strings package, bench"),
    ],
)
def test_a_wrong_argument_is_named(args: list[Any], message: str) -> None:
    with pytest.raises(BadArguments) as caught:
        run_args(*args)
    assert message in str(caught.value)


def test_lsprotocol_types_still_structure_as_before() -> None:
    from lsprotocol import types

    position = CONVERTER.structure({"line": 3, "character": 4}, types.Position)
    assert position == types.Position(line=3, character=4)
