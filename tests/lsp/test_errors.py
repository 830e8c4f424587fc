"""Bad input never takes the server down: it says what is wrong, where, and keeps serving."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from lsprotocol import types

from tests.lsp.conftest import hover_at, lenses, line_of, lsp_session, wait_for

HANDLER = Path("kafka/handler/handler_test.go")


async def test_malformed_results_file(example_copy: Path) -> None:
    current = example_copy / "benchmark_results" / "current.txt"
    lines = current.read_text().splitlines(keepends=True)
    lines.insert(7, "BenchmarkBroken-2   12x   3.5 ns/op\n")  # line 8: bad iteration count
    current.write_text("".join(lines))
    handler = example_copy / HANDLER
    # Warnings pop up only when asked for (the default is errors only; all are logged).
    async with lsp_session(example_copy, init_options={"notifications": "onWarning"}) as client:
        message = await wait_for(
            lambda: next((m for m in client.messages if "line 8" in m.message), None),
            what="a message naming the file and line",
        )
        assert message.type == types.MessageType.Warning
        assert str(current) in message.message and "iteration count" in message.message
        # The rest of the file is read and shown; requests are answered.
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        small = line_of(handler, 'b.Run("small"')
        assert "Regression" in (await hover_at(client, handler, small, col=4) or "")
        assert await lenses(client, handler)


async def test_broken_config_gives_a_diagnostic_and_defaults(example_copy: Path) -> None:
    config = example_copy / ".benchlens.toml"
    config.write_text(
        'alpha = 0.05\n[thresholds]\nlatency = "fast"\n[severity\nregression = "error"\n'
    )
    handler = example_copy / HANDLER
    options = {"debounce_ms": 50, "notifications": "onWarning"}
    async with lsp_session(example_copy, init_options=options) as client:
        diags = await wait_for(
            lambda: client.diagnostics.get(config.as_uri()), what="config diagnostics"
        )
        assert [d.range.start.line for d in diags] == [3]  # `[severity`, 0-based
        assert diags[0].severity == types.DiagnosticSeverity.Error
        assert "invalid TOML" in diags[0].message
        assert any(str(config) in m.message for m in client.messages)
        # Defaults are used: regressions are warnings; the server answers requests.
        regressions = await wait_for(
            lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics"
        )
        assert {d.severity for d in regressions} == {types.DiagnosticSeverity.Warning}
        assert await lenses(client, handler)

        # Fixed TOML with one bad value: the diagnostic moves to that key's line.
        config.write_text('[thresholds]\nlatency = "fast"\n[severity]\nregression = "error"\n')
        diags = await wait_for(
            lambda: [
                d for d in client.diagnostics.get(config.as_uri(), ()) if d.range.start.line == 1
            ],
            what="the bad value's diagnostic",
        )
        assert "thresholds.latency" in diags[0].message and "default used" in diags[0].message
        # ... and the valid part applies: regressions are now errors.
        await wait_for(
            lambda: (
                {d.severity for d in client.diagnostics.get(handler.as_uri(), ())}
                == {types.DiagnosticSeverity.Error}
            ),
            what="severity from the config",
        )

        # All fixed: the config file's diagnostics are cleared.
        config.write_text('[severity]\nregression = "error"\n')
        await wait_for(lambda: not client.diagnostics.get(config.as_uri()), what="cleared")


async def test_requests_outside_the_workspace_and_bad_params(
    example_copy: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "other_test.go"
    elsewhere.write_text("package other\n\nfunc BenchmarkX(b *testing.B) {}\n")
    async with lsp_session(example_copy) as client:
        assert await lenses(client, elsewhere) == []
        assert await hover_at(client, elsewhere, 2) is None
        # A nonsense position in a real file: empty answers, no error.
        assert await hover_at(client, example_copy / HANDLER, 10_000) is None
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="benchlens.runBenchmark", arguments=[{"bench": 3}])
        )
        assert result["status"] == "failed"
        assert await lenses(client, example_copy / HANDLER)


async def test_notifications_setting_gates_pop_ups_not_the_log(example_copy: Path) -> None:
    current = example_copy / "benchmark_results" / "current.txt"
    lines = current.read_text().splitlines(keepends=True)
    lines.insert(7, "BenchmarkBroken-2   12x   3.5 ns/op\n")
    current.write_text("".join(lines))
    handler = example_copy / HANDLER
    for setting, popped in ((None, False), ("off", False), ("always", True)):
        options = {"notifications": setting} if setting else None
        async with lsp_session(example_copy, init_options=options) as client:
            await wait_for(
                lambda client=client: any("line 8" in m.message for m in client.log_messages),
                what="the warning in the log",
            )
            await wait_for(
                lambda client=client: client.diagnostics.get(handler.as_uri()), what="diagnostics"
            )
            # The unreadable line is also a diagnostic on the results file, at its line.
            results = await wait_for(
                lambda client=client: client.diagnostics.get(current.as_uri()),
                what="the results file's diagnostic",
            )
            assert [(d.range.start.line, d.code) for d in results] == [(7, "results")]
            assert any("line 8" in m.message for m in client.messages) is popped, setting


async def test_a_fifo_results_file_and_refresh_still_answers(example_copy: Path) -> None:
    """current.txt replaced by a FIFO with no writer: never opened, said on the file, the
    last good diagnostics stay, and `benchlens.refresh` answers."""
    current = example_copy / "benchmark_results" / "current.txt"
    handler = example_copy / HANDLER
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        before = await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diags")
        fifo = current.with_name("fifo")
        os.mkfifo(fifo)
        os.replace(fifo, current)
        result = await asyncio.wait_for(
            client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="benchlens.refresh", arguments=[])
            ),
            20,
        )
        assert result["status"] == "ok"
        diags = await wait_for(
            lambda: client.diagnostics.get(current.as_uri()), what="the results file's error"
        )
        assert "not a regular file" in diags[0].message
        assert client.diagnostics.get(handler.as_uri()) == before
        assert await lenses(client, handler)
