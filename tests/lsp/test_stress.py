"""Stress: results appended while the editor asks for lenses and hovers, and a config
file rewritten 200 times, half of them broken. Nothing is timed: what is checked is
that every request is answered without an error, and that the server ends on exactly
what a fresh `benchlens check` says about the final files."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import VENV_BIN
from tests.lsp.conftest import hover_at, lenses, line_of, lsp_session, wait_for

pytestmark = pytest.mark.slow

HANDLER = Path("kafka/handler/handler_test.go")
SEGMENT = Path("storage/log/segment_test.go")
#: Lines a second the writer appends, and for how long.
RATE, SECONDS = 1000, 10.0

SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def check_lines(root: Path) -> set[str]:
    """What `benchlens check` says about the workspace as it is on disk."""
    out = subprocess.run(
        [str(VENV_BIN / "benchlens"), "check", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {line for line in out.splitlines() if ": " in line and line.split(":")[1].isdigit()}


def editor_lines(client: LanguageClient, root: Path) -> set[str]:
    """The client's diagnostics on Go files, in `benchlens check`'s format."""
    out = set()
    for uri, diags in client.diagnostics.items():
        path = Path(uri.removeprefix("file://"))
        if path.suffix != ".go":
            continue
        for d in diags:
            start = d.range.start
            where = f"{path.relative_to(root)}:{start.line + 1}:{start.character + 1}"
            out.add(f"{where}: {SEVERITY[int(d.severity or 1)]}: {d.message}")
    return out


def append_results(current: Path, rounds_text: str, stop: threading.Event) -> int:
    """`go test -bench . > current.txt`, sped up: truncate, then append ~RATE lines/s."""
    lines = rounds_text.splitlines(keepends=True)
    written = 0
    started = time.monotonic()
    with current.open("w", encoding="utf-8") as out:
        while time.monotonic() - started < SECONDS and not stop.is_set():
            for line in lines:
                out.write(line)
                written += 1
                if written % 10 == 0:
                    out.flush()
                    ahead = written / RATE - (time.monotonic() - started)
                    if ahead > 0:
                        time.sleep(ahead)
        out.flush()
    return written


async def ask_while(client: LanguageClient, root: Path, running: threading.Event) -> int:
    """Lenses and hovers, one after the other, until the writer is done; each must answer."""
    handler, segment = root / HANDLER, root / SEGMENT
    small = line_of(handler, 'b.Run("small"')
    asked = 0
    while running.is_set():
        await lenses(client, handler)
        await hover_at(client, handler, small, col=4)
        await lenses(client, segment)
        asked += 3
    return asked


async def test_appends_while_the_editor_asks(example_copy: Path) -> None:
    current = example_copy / "benchmark_results" / "current.txt"
    one_run = current.read_text()  # blocks per package, each ending with PASS
    errors: list[str] = []
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        await wait_for(
            lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="diagnostics"
        )
        running, stop = threading.Event(), threading.Event()
        running.set()

        def writer() -> int:
            try:
                return append_results(current, one_run, stop)
            finally:
                running.clear()

        writing = asyncio.get_running_loop().run_in_executor(None, writer)
        try:
            asked = await ask_while(client, example_copy, running)
        except Exception as exc:  # an error response raises in the client
            errors.append(repr(exc))
        finally:
            stop.set()
            written = await writing
        assert not errors
        assert written >= RATE * SECONDS * 0.5 and asked > 10
        expected = check_lines(example_copy)
        assert expected  # the example has regressions and improvements
        await wait_for(
            lambda: editor_lines(client, example_copy) == expected,
            what="the diagnostics of a fresh `benchlens check`",
        )
        assert not [m for m in client.messages if m.type == types.MessageType.Error]


VALID = '[thresholds]\nlatency = {latency}\n[severity]\nregression = "{severity}"\n'
BROKEN = ["[thresholds\nlatency = 5\n", 'alpha = "often"\n[severity]\nregression = 3\n']


def config_text(i: int) -> str:
    if i % 2 == 0:
        return BROKEN[(i // 2) % 2]
    return VALID.format(latency=20 + i, severity=("error", "hint")[(i // 2) % 2])


async def test_config_rewritten_200_times_ends_on_the_last(example_copy: Path) -> None:
    config = example_copy / ".benchlens.toml"
    handler = example_copy / HANDLER
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        for i in range(200):
            config.write_text(config_text(i))
            if i % 10 == 0:
                await lenses(client, handler)  # answered between rewrites too
            await asyncio.sleep(0.005)
        last = config_text(199)
        assert "latency = 219" in last and 'regression = "hint"' in last
        expected = check_lines(example_copy)
        assert all(": hint: " in line for line in expected if "regression" in line)
        await wait_for(
            lambda: editor_lines(client, example_copy) == expected,
            what="diagnostics of the last valid configuration",
        )
        # Produce/large (ns/op +394%) is over the last latency threshold, small (+141%) not.
        messages = [d.message for d in client.diagnostics[handler.as_uri()]]
        assert any("ns/op" in m and "threshold +219%" in m for m in messages)
        await wait_for(lambda: not client.diagnostics.get(config.as_uri()), what="config clean")
