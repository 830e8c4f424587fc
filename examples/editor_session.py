"""What an editor sees: a real LSP client talks to `benchlens serve` on this example.

Starts the language server over stdio (as VS Code, Neovim or Helix would), lets
it index the module and compare the committed results, then prints the
diagnostics it publishes, the code lenses of the kafka handler's tests and the
hover of its regressed benchmark. Run by `make demo`; nothing is written.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
HANDLER = HERE / "kafka" / "handler" / "handler_test.go"
SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


async def session() -> int:
    client = LanguageClient("benchlens-demo", "1")
    diagnostics: dict[str, list[types.Diagnostic]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(_: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        diagnostics[params.uri] = params.diagnostics

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(_: LanguageClient, params: types.LogMessageParams) -> None:
        pass

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def configuration(_: LanguageClient, params: types.ConfigurationParams) -> list[None]:
        return [None for _ in params.items]

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    await client.start_io(sys.executable, "-m", "benchlens", "serve", cwd=HERE, env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=HERE.as_uri(), name="examples")],
        )
    )
    client.initialized(types.InitializedParams())

    deadline = time.monotonic() + 30
    while not diagnostics.get(HANDLER.as_uri()):
        if time.monotonic() > deadline:
            print("no diagnostics from the server within 30 s", file=sys.stderr)
            return 1
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # let the other files' diagnostics arrive too

    print("Problems view (textDocument/publishDiagnostics):")
    for uri, diags in sorted(diagnostics.items()):
        path = Path(uri.removeprefix("file://")).relative_to(HERE.parent)
        for d in sorted(diags, key=lambda d: d.range.start.line):
            level = SEVERITY.get(int(d.severity or 1), "?")
            print(f"  {path}:{d.range.start.line + 1}: {level} [{d.code}] {d.message}")

    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(HANDLER.as_uri(), "go", 1, HANDLER.read_text())
        )
    )
    doc = types.TextDocumentIdentifier(HANDLER.as_uri())
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(doc)) or []
    lines = HANDLER.read_text().splitlines()
    print(f"\nCode lenses in {HANDLER.relative_to(HERE.parent)}:")
    for lens in sorted(lenses, key=lambda lens: lens.range.start.line):
        title = lens.command.title if lens.command else "(unresolved)"
        source = lines[lens.range.start.line].strip()
        print(f"  {lens.range.start.line + 1:>4} {title:<40} │ {source}")

    regressed = min(
        (d for d in diagnostics[HANDLER.as_uri()] if d.code == "regression"),
        key=lambda d: d.range.start.line,
    )
    hover = await client.text_document_hover_async(types.HoverParams(doc, regressed.range.start))
    print(f"\nHover on line {regressed.range.start.line + 1}:")
    if hover is not None and isinstance(hover.contents, types.MarkupContent):
        print("  " + hover.contents.value.replace("\n", "\n  "))

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(session()))
