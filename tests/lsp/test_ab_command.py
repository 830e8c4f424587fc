"""`benchlens.abCompare` end to end: a real server, a real A/B run of two commits of a Go
module (see `tests.ab_helpers` for why the verdicts hold on a loaded machine)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from benchlens.results.reader import load_results
from tests.ab_helpers import make_repo, slow_down, worktree_count
from tests.conftest import go_binary
from tests.lsp.conftest import line_of, lsp_session, wait_for

pytestmark = pytest.mark.go

AB = "benchlens.abCompare"
WORK_TEST = Path("work/work_test.go")


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def messages_of(client: LanguageClient, token: Any) -> list[str]:
    return [getattr(v, "message", None) or "" for v in client.progress_reports[token]]


async def test_ab_compare_reports_progress_flags_the_slowed_benchmark_and_saves(
    tmp_path: Path,
) -> None:
    go_binary()
    root, first = make_repo(tmp_path)
    slow_down(root)
    results = root / "benchmark_results"
    work_test = root / WORK_TEST
    async with lsp_session(root) as client:
        answer = await execute(
            client, AB, {"ref": "HEAD~1", "benchtime": "10000x", "count": 6, "save": True}
        )
        assert answer["status"] == "ok", answer
        assert [r.split("-")[0] for r in answer["regressions"]] == ["BenchmarkSlowed"]
        assert answer["commit"] == first and answer["saved"] is True
        assert answer["summary"]["regression"] == 1 and answer["summary"]["ok"] == 3

        # $/progress: begin, reports naming both sides, end with the summary (other bars,
        # such as "results being written", may come and go meanwhile).
        [(token, values)] = [
            (t, v)
            for t, v in client.progress_reports.items()
            if v and isinstance(v[0], types.WorkDoneProgressBegin) and "against the" in v[0].title
        ]
        assert isinstance(values[0], types.WorkDoneProgressBegin) and values[0].cancellable
        assert isinstance(values[-1], types.WorkDoneProgressEnd)
        texts = messages_of(client, token)
        assert any("alternating base and head" in t for t in texts)
        assert any(t.startswith("run 2: head ") for t in texts)
        assert "1 regression" in texts[-1]

        # Both sides' files, the report, the worktree gone; saved as baseline and current.
        assert load_results(results / "ab" / "base.txt").config["commit"] == first
        assert "Slowed" in (results / "regression_report.md").read_text()
        assert worktree_count(root) == 1
        assert load_results(results / "baseline.txt").config["commit"] == first
        assert (results / "current.txt").read_text() == (results / "ab" / "head.txt").read_text()

        # The saved comparison is what the editor shows: a regression at BenchmarkSlowed.
        line = line_of(work_test, "func BenchmarkSlowed")

        def slowed_regression() -> bool:
            found = client.diagnostics.get(work_test.as_uri(), [])
            return any(d.range.start.line == line and d.code == "regression" for d in found)

        await wait_for(slowed_regression, what="the regression diagnostic")
        flagged = {d.range.start.line for d in client.diagnostics[work_test.as_uri()]}
        assert flagged == {line}


async def test_ab_compare_cancel_and_bad_arguments(tmp_path: Path) -> None:
    go_binary()
    root, _ = make_repo(tmp_path)
    async with lsp_session(root) as client:
        bad = await execute(client, AB, {"save": "yes"})
        assert bad["status"] == "failed" and "save: expected true or false" in bad["message"]
        unknown = await execute(client, AB, {"ref": "no-such-ref"})
        assert unknown["status"] == "failed" and "no-such-ref: not a commit" in unknown["message"]
        assert not client.progress_reports  # nothing started

        # The progress bar's cancel button stops both sides and removes the worktree.
        running = asyncio.ensure_future(execute(client, AB, {"benchtime": "30s", "count": 2}))

        def ab_token() -> Any:
            return next(
                (
                    t
                    for t, v in client.progress_reports.items()
                    # A token's list exists (empty) from workDoneProgress/create on.
                    if v
                    and isinstance(v[0], types.WorkDoneProgressBegin)
                    and "against the working" in v[0].title
                ),
                None,
            )

        token = await wait_for(ab_token, what="progress")
        await wait_for(
            lambda: any(t.startswith("run 1: ") for t in messages_of(client, token)),
            timeout=120,
            what="a benchmark running",
        )
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        answer = await asyncio.wait_for(running, 60)
        assert answer["status"] == "cancelled", answer
        assert worktree_count(root) == 1
        assert not (root / "benchmark_results" / "ab").exists()
