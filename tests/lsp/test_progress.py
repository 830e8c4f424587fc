"""Progress bars against a slow client: a bar that ends while the client is still making
it (`window/workDoneProgress/create` not yet answered) is shown and then closed, never
left open."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import lsp_session, wait_for

HANDLER = Path("kafka/handler/handler_test.go")


async def test_a_bar_ended_while_the_client_makes_it_is_closed(example_copy: Path) -> None:
    results = example_copy / "benchmark_results"
    handler = example_copy / HANDLER
    baseline = (results / "baseline.txt").read_text().splitlines(keepends=True)
    # One run of every package with the baseline's numbers: it clears kafka's regressions.
    packages = [i for i, line in enumerate(baseline) if line.startswith("pkg: ")]
    one_run = baseline[: baseline.index("PASS\n", packages[3]) + 1]
    asked, answer = asyncio.Event(), asyncio.Event()
    tokens: list[types.ProgressToken] = []

    async def create(client: LanguageClient, params: types.WorkDoneProgressCreateParams) -> None:
        tokens.append(params.token)
        client.progress_reports.setdefault(params.token, [])
        asked.set()
        await answer.wait()  # a slow client: answers once the run has been taken

    features = {types.WINDOW_WORK_DONE_PROGRESS_CREATE: create}
    init = {"debounce_ms": 50}
    async with lsp_session(example_copy, init_options=init, client_features=features) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        with (results / "current.txt").open("w", encoding="utf-8") as out:
            out.writelines(one_run[:4])  # a run that has just started: "being written"
            out.flush()
            await asyncio.wait_for(asked.wait(), 30)
            out.writelines(one_run[4:])
        await wait_for(lambda: not client.diagnostics.get(handler.as_uri()), what="the run taken")
        answer.set()

        def kinds() -> list[str]:
            return [type(v).__name__ for v in client.progress_reports[tokens[0]]]

        await wait_for(lambda: "WorkDoneProgressEnd" in kinds(), what="the bar closed")
        assert kinds()[0] == "WorkDoneProgressBegin" and kinds()[-1] == "WorkDoneProgressEnd"
