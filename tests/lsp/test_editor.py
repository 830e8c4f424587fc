"""Code lenses, hovers, code actions, and how they follow edits (positions, staleness)."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsprotocol import types

from tests.lsp.conftest import (
    doc,
    hover_at,
    lenses,
    line_of,
    lsp_session,
    open_document,
    raw_request,
    wait_for,
    write_atomic,
)

HANDLER = Path("kafka/handler/handler_test.go")
SEGMENT = Path("storage/log/segment_test.go")
PKG = "example.com/eventpipe/kafka/handler"


def titles_at(found: list[types.CodeLens], line: int) -> list[str]:
    return [lens.command.title for lens in found if lens.range.start.line == line and lens.command]


def run_args(found: list[types.CodeLens], line: int) -> dict[str, object]:
    for lens in found:
        cmd = lens.command
        if lens.range.start.line == line and cmd and cmd.command == "benchlens.runBenchmark":
            assert cmd.arguments is not None
            args = cmd.arguments[0]
            assert isinstance(args, dict)
            return args
    raise AssertionError(f"no run lens on line {line}")


async def test_code_lenses(example_copy: Path) -> None:
    handler, segment = example_copy / HANDLER, example_copy / SEGMENT
    async with lsp_session(example_copy) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        found = await lenses(client, handler)

        func = line_of(handler, "func BenchmarkProduce(")
        # A function with sub-benchmarks sums them up on its own line.
        assert titles_at(found, func) == ["🔴 2 regressions", "▶ run benchmark", "profile"]
        validate = line_of(handler, "func BenchmarkValidate(")
        assert titles_at(found, validate)[0] == "✅ 2 ok"
        assert run_args(found, func) == {
            "folder": example_copy.as_uri(),
            "package": PKG,
            "bench": "^BenchmarkProduce$",
            "label": "BenchmarkProduce",
        }
        small = line_of(handler, 'b.Run("small"')
        status, *actions = titles_at(found, small)
        assert status.startswith("🔴 ns/op +141") and "allocs/op" in status
        assert actions == ["▶ run benchmark", "profile", "why?"]  # why? on a regression
        assert run_args(found, small)["bench"] == "^BenchmarkProduce$/^small$"
        # A benchmark without sub-benchmarks gets its status on the function line.
        record = line_of(handler, "func BenchmarkRecordSize(")
        assert titles_at(found, record)[0].startswith("✅ ns/op")

        # Three results from one `b.Run(fmt.Sprintf(...))` line: one named lens each,
        # and the run lens runs exactly those three.
        found = await lenses(client, segment)
        sprintf = line_of(segment, "b.Run(fmt.Sprintf")
        statuses = [t for t in titles_at(found, sprintf) if t.startswith("size=")]
        assert [t.split(":")[0] for t in statuses] == ["size=64", "size=1024", "size=4096"]
        assert all("🟢" in t for t in statuses)
        assert run_args(found, sprintf)["bench"] == (
            "^BenchmarkAppend$/^size=64$|^BenchmarkAppend$/^size=1024$|^BenchmarkAppend$/^size=4096$"
        )
        # A table-driven `b.Run(tc.name, ...)` gets lenses because results map to it.
        table = line_of(segment, "b.Run(tc.name")
        assert "▶ run benchmark" in titles_at(found, table)


async def test_lenses_refresh_when_results_change(example_copy: Path) -> None:
    results = example_copy / "benchmark_results"
    handler = example_copy / HANDLER
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        # The refresh that ends the start-up comes first.
        await wait_for(lambda: client.lens_refreshes >= 1, what="start-up refresh")  # type: ignore[attr-defined]
        before = client.lens_refreshes  # type: ignore[attr-defined]
        write_atomic(results / "current.txt", (results / "baseline.txt").read_text())
        await wait_for(
            lambda: client.lens_refreshes > before,  # type: ignore[attr-defined]
            what="workspace/codeLens/refresh",
        )
        small = line_of(handler, 'b.Run("small"')
        assert titles_at(await lenses(client, handler), small)[0].startswith("✅")


async def test_hover(example_copy: Path) -> None:
    handler = example_copy / HANDLER
    history = example_copy / "benchmark_results" / "history"
    history.mkdir()
    baseline = example_copy / "benchmark_results" / "baseline.txt"
    shutil.copy(baseline, history / "20250101T000000Z-aaaaaaa.txt")
    shutil.copy(baseline, history / "20250201T000000Z-bbbbbbb.txt")
    async with lsp_session(example_copy) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        small = line_of(handler, 'b.Run("small"')
        text = await hover_at(client, handler, small, col=4)
        assert text is not None
        assert "BenchmarkProduce/small-2" in text and "🔴 Regression" in text
        assert "| Metric | Baseline | Current | Change | Threshold | Status | p, n |" in text
        assert "GOMAXPROCS 2" in text and "cpu AMD EPYC" in text
        assert "Trend:" in text  # two archived runs + the current one
        assert "go tool pprof -http=:8080 cpu.prof" in text
        assert "./kafka/handler" in text
        # Not a benchmark line: nothing to say.
        assert await hover_at(client, handler, line_of(handler, "func TestHandle(")) is None


async def test_lenses_and_diagnostics_follow_edits(example_copy: Path) -> None:
    handler = example_copy / HANDLER
    uri = handler.as_uri()
    async with lsp_session(example_copy) as client:
        await wait_for(lambda: client.diagnostics.get(uri), what="diagnostics")
        small = line_of(handler, 'b.Run("small"')
        open_document(client, handler)

        # Three lines inserted above the benchmark: everything moves down by three.
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=1, character=0),
                            end=types.Position(line=1, character=0),
                        ),
                        text="// one\n// two\n// three\n",
                    )
                ],
            )
        )
        found = await lenses(client, handler)
        assert titles_at(found, small) == []
        status = titles_at(found, small + 3)[0]
        assert status.startswith("🔴") and "stale" not in status  # moved, not edited
        await wait_for(
            lambda: small + 3 in {d.range.start.line for d in client.diagnostics[uri]},
            what="diagnostics moved with the code",
        )
        assert small not in {d.range.start.line for d in client.diagnostics[uri]}

        # An edit inside the benchmark makes its results stale.
        line = small + 3 + 1  # inside the b.Run closure: `benchmarkHandle(b, ...)`
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=line, character=0),
                            end=types.Position(line=line, character=0),
                        ),
                        text="\t\tb.SetBytes(100)\n",
                    )
                ],
            )
        )
        found = await lenses(client, handler)
        assert titles_at(found, small + 3)[0].endswith("(stale: edited since the run)")
        await wait_for(
            lambda: all(
                "stale" in d.message for d in client.diagnostics[uri] if d.code == "regression"
            ),
            what="stale diagnostics",
        )


async def test_code_actions_for_editors_without_lenses(example_copy: Path) -> None:
    handler = example_copy / HANDLER
    async with lsp_session(example_copy, client="neovim") as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        small = line_of(handler, 'b.Run("small"')
        position = types.Position(line=small, character=3)
        params = types.CodeActionParams(
            text_document=doc(handler),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=[]),
        )
        actions = await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, params)
        assert [a["title"] for a in actions] == [
            "▶ Run BenchmarkProduce/small",
            "Profile BenchmarkProduce/small",
            "Why did BenchmarkProduce/small regress?",
            "▶ Run BenchmarkProduce",
            "Profile BenchmarkProduce",
            f"▶ Run all benchmarks of {PKG}",
        ]
        assert {a["kind"] for a in actions} == {""}
        assert actions[0]["command"] == {
            "title": "Run BenchmarkProduce/small",
            "command": "benchlens.runBenchmark",
            "arguments": [
                {
                    "folder": example_copy.as_uri(),
                    "package": PKG,
                    "bench": "^BenchmarkProduce$/^small$",
                    "label": "BenchmarkProduce/small",
                }
            ],
        }
        assert actions[2]["command"] == {
            "title": "Explain BenchmarkProduce/small",
            "command": "benchlens.explainRegression",
            "arguments": [
                {"folder": example_copy.as_uri(), "package": PKG, "name": "BenchmarkProduce/small"}
            ],
        }
        # Asked for source actions only: the same, with benchlens's source kind.
        params.context.only = [types.CodeActionKind.Source]
        only_source = await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, params)
        assert len(only_source) == 6
        assert {a["kind"] for a in only_source} == {"source.benchlens"}
        # Asked for quick fixes only: benchlens has none.
        params.context.only = [types.CodeActionKind.QuickFix]
        assert not await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, params)
