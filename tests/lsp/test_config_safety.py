"""The server with a hostile `.benchlens.toml`: paths that lead out of the workspace
are problems at their line and the defaults are used by `benchlens.saveBaseline` and
`benchlens.openReport` (trusted or not); values that break TOML readers (huge
integers, nesting thousands deep, NUL) give a diagnostic, and the server works on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import lsp_session, wait_for

HANDLER = Path("kafka/handler/handler_test.go")


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def lines_of(client: LanguageClient, config: Path) -> set[int]:
    return {d.range.start.line + 1 for d in client.diagnostics.get(config.as_uri(), ())}


@pytest.mark.parametrize("trusted", [True, False])
async def test_saving_and_reporting_stay_inside_the_workspace(
    example_copy: Path, tmp_path: Path, trusted: bool
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (example_copy / "link").symlink_to(outside)
    config = example_copy / ".benchlens.toml"
    config.write_text(
        "[paths]\n"
        'baseline = "../outside/evil.sh"\n'
        f'history = "{outside / "history"}"\n'
        'report = "link/x.md"\n'
    )
    results = example_copy / "benchmark_results"
    async with lsp_session(example_copy, init_options={"trusted": trusted}) as client:
        await wait_for(lambda: lines_of(client, config) == {2, 3, 4}, what="config diagnostics")
        messages = [d.message for d in client.diagnostics[config.as_uri()]]
        assert all("outside the workspace" in m for m in messages), messages
        await wait_for(
            lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="findings"
        )
        saved = await execute(client, "benchlens.saveBaseline")
        assert saved["status"] == "ok", saved
        report = await execute(client, "benchlens.openReport")
        assert report["status"] == "ok", report
    assert list(outside.rglob("*")) == []
    assert (results / "baseline.txt").read_text().endswith((results / "current.txt").read_text())
    assert len(list((results / "history").glob("*.txt"))) == 1
    assert (results / "report.html").is_file()  # openReport writes the HTML report


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"alpha = 0.01\n\n[run]\ncount = {'9' * 5000}\n", 4),
        ("alpha = 0.01\npackages = " + "[" * 5000 + "]" * 5000 + "\n", 2),
        ("alpha = 0.01\nx = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", 2),
        ('[paths]\ncurrent = "a\\u0000b"\n', 2),
    ],
    ids=["digits", "arrays", "inline-tables", "nul"],
)
async def test_unreadable_values_give_a_diagnostic_and_the_defaults(
    example_copy: Path, text: str, line: int
) -> None:
    config = example_copy / ".benchlens.toml"
    config.write_text(text)
    async with lsp_session(example_copy) as client:
        await wait_for(lambda: lines_of(client, config) == {line}, what="a config diagnostic")
        # The defaults are used: the example's regressions are shown as usual.
        await wait_for(
            lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="findings"
        )


async def test_a_results_folder_linked_out_of_the_workspace_is_not_written(
    example_copy: Path, tmp_path: Path
) -> None:
    """A repository can commit `benchmark_results` as a symbolic link to anywhere: the
    server reads through it but saves, reports and runs nothing there."""
    outside = tmp_path / "outside"
    results = example_copy / "benchmark_results"
    results.rename(outside)
    results.symlink_to(outside)
    before = sorted(p.name for p in outside.iterdir())
    async with lsp_session(example_copy) as client:
        await wait_for(
            lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="findings"
        )
        for command in ("benchlens.saveBaseline", "benchlens.openReport"):
            answer = await execute(client, command)
            assert answer["status"] == "failed", (command, answer)
            assert "outside the workspace" in answer["message"]
        answer = await execute(
            client,
            "benchlens.runBenchmark",
            {"package": "example.com/eventpipe/throttle", "bench": "."},
        )
        assert answer["status"] == "refused" and "outside the workspace" in answer["message"]
    assert sorted(p.name for p in outside.iterdir()) == before


async def test_the_workspaces_own_settings_cannot_lead_out_but_the_users_may(
    example_copy: Path, tmp_path: Path
) -> None:
    """As the VS Code extension sends them: the user's settings at the top, what the
    workspace's `.vscode/settings.json` set in the `workspace` table. A baseline path of
    the workspace's that leads out is refused (the default is written, the log says why);
    the user's own history folder outside the workspace is used."""
    outside = tmp_path / "outside"
    outside.mkdir()
    settings = {
        "paths": {"history": str(outside / "history")},
        "workspace": {"paths": {"baseline": "../outside/evil.txt"}, "run": {"count": 2}},
    }
    results = example_copy / "benchmark_results"
    async with lsp_session(
        example_copy, init_options={"trusted": True, **settings}, settings=settings
    ) as client:
        await wait_for(
            lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="findings"
        )
        refused = await wait_for(
            lambda: next(
                (m.message for m in client.log_messages if "workspace settings" in m.message),
                None,
            ),
            what="the refused path in the log",
        )
        assert "paths.baseline" in refused and "outside the workspace" in refused, refused
        saved = await execute(client, "benchlens.saveBaseline")
        assert saved["status"] == "ok", saved
    assert not (outside / "evil.txt").exists()
    assert (results / "baseline.txt").read_text().endswith((results / "current.txt").read_text())
    assert len(list((outside / "history").glob("*.txt"))) == 1
