"""`benchlens.explainRegression` end to end: the `why?` lens of a regressed benchmark runs
`benchlens explain` (a real worktree of the commit before, real Go profiles); the lines of
the code under test where the cost grew get information diagnostics and hovers, the
benchmark's hover links to them, and an edit of that file makes them go away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.cli.test_explain import repo_with_slower_finish
from tests.conftest import go_binary
from tests.lsp.conftest import doc, hover_at, lenses, line_of, lsp_session, open_document, wait_for

PKG = "example.com/explain/work"
EXPLAIN = "benchlens.explainRegression"


def results(root: Path, first: str) -> None:
    """Six samples a side: BenchmarkProcess regressed (the baseline records `first`)."""
    out = root / "benchmark_results"
    out.mkdir()
    head = f"pkg: {PKG}\n"
    base = "".join(f"BenchmarkProcess-2 1000000 {120 + i} ns/op\n" for i in range(6))
    cur = "".join(f"BenchmarkProcess-2 100000 {3500 + i} ns/op\n" for i in range(6))
    (out / "baseline.txt").write_text(f"commit: {first}\n{head}{base}")
    (out / "current.txt").write_text(head + cur)


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def why_diagnostics(client: LanguageClient, path: Path) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(path.as_uri(), ()) if d.code == "why"]


@pytest.mark.go
async def test_why_lens_explains_and_an_edit_clears_it(tmp_path: Path) -> None:
    go_binary()
    root, first, slow_line = repo_with_slower_finish(tmp_path)
    results(root, first)
    test_file, source = root / "work" / "work_test.go", root / "work" / "work.go"
    options = {"run": {"benchtime": {"quick": "200ms"}}, "debounce_ms": 100}
    async with lsp_session(root, init_options=options) as client:
        await wait_for(
            lambda: any(
                d.code == "regression" for d in client.diagnostics.get(test_file.as_uri(), ())
            ),
            what="the regression",
        )
        bench_line = line_of(test_file, "func BenchmarkProcess")
        why = [
            lens
            for lens in await lenses(client, test_file)
            if lens.command is not None and lens.command.command == EXPLAIN
        ]
        assert [lens.range.start.line for lens in why] == [bench_line]
        assert why[0].command is not None and why[0].command.title == "why?"

        result = await execute(client, EXPLAIN, *(why[0].command.arguments or []))
        assert result["status"] == "ok", result
        assert {"path": str(source), "line": slow_line} in result["lines"]
        assert any(
            isinstance(v, types.WorkDoneProgressEnd)
            for values in client.progress_reports.values()
            for v in values
        )

        diags = await wait_for(lambda: why_diagnostics(client, source), what="why diagnostics")
        first_diag = diags[0]
        assert first_diag.range.start.line == slow_line - 1
        assert first_diag.severity == types.DiagnosticSeverity.Information
        assert first_diag.source == "benchlens"
        assert first_diag.message.startswith("BenchmarkProcess: +")
        assert "/op here (new or changed line; " in first_diag.message
        assert not why_diagnostics(client, test_file)  # only the code under test

        line_hover = await hover_at(client, source, slow_line - 1)
        assert line_hover is not None and "why it regressed" in line_hover
        assert "/op here (new or changed line; " in line_hover
        bench_hover = await hover_at(client, test_file, bench_line)
        assert bench_hover is not None and "**Why**" in bench_hover
        assert f"{source.as_uri()}#L{slow_line}" in bench_hover

        # Editing the file makes its lines go away.
        text = open_document(client, source)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=source.as_uri(), version=2),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=text + "\n// edited\n")
                ],
            )
        )
        await wait_for(lambda: not why_diagnostics(client, source), what="cleared after the edit")
        assert await hover_at(client, source, slow_line - 1) is None


async def test_untrusted_workspace_does_not_explain(tmp_path: Path) -> None:
    root = tmp_path / "mod"
    (root / "work").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/explain\n\ngo 1.22\n")
    (root / "work" / "work_test.go").write_text(
        'package work\n\nimport "testing"\n\nfunc BenchmarkProcess(b *testing.B) {}\n'
    )
    results(root, "0" * 40)
    async with lsp_session(root, init_options={"trusted": False}) as client:
        test_file = root / "work" / "work_test.go"
        await wait_for(lambda: client.diagnostics.get(test_file.as_uri()), what="diagnostics")
        assert not [
            lens
            for lens in await lenses(client, test_file)
            if lens.command is not None and lens.command.command == EXPLAIN
        ]
        result = await execute(client, EXPLAIN, {"package": PKG, "name": "BenchmarkProcess"})
        assert result["status"] == "refused" and "not trusted" in result["message"]
        assert not list((root / "benchmark_results").glob("explain"))
    assert doc(test_file).uri == test_file.as_uri()
