"""Lenses and code actions as plain functions of a folder's view: no server, the real
example module, its real results."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from benchlens.goindex.model import BenchmarkFunction, RunSite
from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.lenses import FileLenses, action_kind, by_line, code_actions, code_lenses
from tests.lsp.conftest import line_of

HANDLER = Path("kafka/handler/handler_test.go")
PKG = "example.com/eventpipe/kafka/handler"


class DiskOnly:
    def text(self, path: Path) -> str | None:
        return path.read_text(encoding="utf-8")

    def is_open(self, path: Path) -> bool:
        return False


@pytest.fixture
def folder(example_copy: Path) -> FolderState:
    state = FolderState(example_copy.resolve(), example_copy.as_uri())
    refreshed = state.refresh(
        RefreshRequest(settings={}, reindex=True, results=True), DiskOnly(), 0.2
    )
    assert state.adopt(refreshed)
    return state


def lenses_of(state: FolderState, path: Path, runnable: bool = True) -> list[types.CodeLens]:
    assert state.index is not None
    spec = FileLenses(
        folder=state.uri,
        path=path,
        placed=state.view.placed.get(path, ()),
        targets=state.lens_targets(path),
        package=state.index.package_of_file(path),
        runnable=runnable,
        is_stale=state.is_stale,
    )
    return code_lenses(spec)


def titles(found: list[types.CodeLens], line: int) -> list[str]:
    return [x.command.title for x in found if x.range.start.line == line and x.command]


def test_status_summary_and_actions_per_line(folder: FolderState) -> None:
    path = folder.root / HANDLER
    found = lenses_of(folder, path)
    func = line_of(path, "func BenchmarkProduce(")
    assert titles(found, func) == ["🔴 2 regressions", "▶ run benchmark", "profile"]
    small = line_of(path, 'b.Run("small"')
    status, *actions = titles(found, small)
    assert status.startswith("🔴 ns/op +141")
    assert actions == ["▶ run benchmark", "profile", "why?"]  # why? on a regression only
    why = next(x for x in found if x.range.start.line == small and x.command.title == "why?")
    assert why.command.command == "benchlens.explainRegression"
    assert why.command.arguments == [
        {"folder": folder.uri, "package": PKG, "name": "BenchmarkProduce/small"}
    ]
    validate = line_of(path, '"strict"')
    assert "why?" not in titles(found, validate)
    run = next(
        x for x in found if x.range.start.line == small and x.command and x.command.arguments
    )
    assert run.command is not None and run.command.arguments == [
        {
            "folder": folder.uri,
            "package": PKG,
            "bench": "^BenchmarkProduce$/^small$",
            "label": "BenchmarkProduce/small",
        }
    ]


def test_an_untrusted_folder_gets_no_run_or_profile_lenses(folder: FolderState) -> None:
    path = folder.root / HANDLER
    found = lenses_of(folder, path, runnable=False)
    assert found and all(x.command is not None and x.command.command == "" for x in found)
    assert titles(found, line_of(path, "func BenchmarkProduce(")) == ["🔴 2 regressions"]


def test_results_on_one_line_are_grouped(folder: FolderState) -> None:
    path = folder.root / "storage/log/segment_test.go"
    placed = folder.view.placed[path]
    sprintf = line_of(path, "b.Run(fmt.Sprintf")
    grouped = by_line(placed)
    assert [p.bench.key.sub_parts for p in grouped[sprintf]] == [
        ("size=64",),
        ("size=1024",),
        ("size=4096",),
    ]
    found = lenses_of(folder, path)
    assert [t.split(":")[0] for t in titles(found, sprintf)[:3]] == [
        "size=64",
        "size=1024",
        "size=4096",
    ]


def test_action_kind_follows_the_clients_filter() -> None:
    assert action_kind(None) == ""
    assert action_kind([]) == ""
    assert action_kind(["source"]) == "source.benchlens"
    assert action_kind(["source.benchlens"]) == "source.benchlens"
    assert action_kind(["quickfix"]) is None
    assert action_kind(["quickfix", ""]) == ""


def test_code_actions_fall_back_to_the_function_and_the_package(folder: FolderState) -> None:
    path = folder.root / HANDLER
    index = folder.index
    assert index is not None
    small = line_of(path, 'b.Run("small"')
    target = index.at_position(path, small, 3)
    assert isinstance(target, RunSite)
    function = next(f for f in index.functions_in_file(path) if f.name == target.function)
    assert isinstance(function, BenchmarkFunction)
    here = [p for p in folder.view.placed[path] if p.range.start_line == small]
    actions = code_actions(folder.uri, PKG, target, here, function, "")
    assert [a.title for a in actions] == [
        "▶ Run BenchmarkProduce/small",
        "Profile BenchmarkProduce/small",
        "Why did BenchmarkProduce/small regress?",  # a regression: the why? lens too
        "▶ Run BenchmarkProduce",
        "Profile BenchmarkProduce",
        f"▶ Run all benchmarks of {PKG}",
    ]
