"""`benchlens.openReport`: the HTML report written beside the results and opened in the
browser through `window/showDocument` with `external: true`; a client that cannot show
documents is told where the file is."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.conftest import lsp_session, wait_for

HANDLER = Path("kafka") / "handler" / "handler_test.go"


async def execute(client: object, command: str) -> dict[str, object]:
    result = await client.workspace_execute_command_async(  # type: ignore[attr-defined]
        types.ExecuteCommandParams(command=command, arguments=[])
    )
    assert isinstance(result, dict), result
    return result


async def test_open_report_shows_the_html_page_in_the_browser(example_copy: Path) -> None:
    report = example_copy / "benchmark_results" / "report.html"
    async with lsp_session(example_copy) as client:
        handler = (example_copy / HANDLER).as_uri()
        await wait_for(lambda: client.diagnostics.get(handler), what="diagnostics")
        answer = await execute(client, "benchlens.openReport")
        assert answer["status"] == "ok", answer
        assert answer["path"] == str(report)
        [shown] = client.shown_documents
        assert shown.uri == report.as_uri()
        assert shown.external is True  # the browser, not an editor tab
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Produce" in page and "🔴" in page  # the example's regressions are on it
    assert "<script" not in page.lower()  # self-contained: no script


async def test_a_client_without_show_document_is_told_the_path(example_copy: Path) -> None:
    report = example_copy / "benchmark_results" / "report.html"
    async with lsp_session(example_copy, client="emacs") as client:
        handler = (example_copy / HANDLER).as_uri()
        await wait_for(lambda: client.diagnostics.get(handler), what="diagnostics")
        answer = await execute(client, "benchlens.openReport")
        assert answer["status"] == "ok" and answer["message"] == f"wrote {report}"
        assert client.shown_documents == []
        await wait_for(
            lambda: any(str(report) in m.message for m in client.log_messages),
            what="a message with the report's path",
        )
    assert report.is_file()


async def test_no_results_no_report(example_copy: Path) -> None:
    (example_copy / "benchmark_results" / "current.txt").unlink()
    async with lsp_session(example_copy) as client:
        answer = await execute(client, "benchlens.openReport")
        assert answer["status"] == "failed" and "no results" in str(answer["message"])
        assert client.shown_documents == []
    assert not (example_copy / "benchmark_results" / "report.html").exists()
