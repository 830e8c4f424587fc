"""End-to-end fixtures: a real `python -m benchlens serve` subprocess driven by pytest-lsp.

Each test gets a private copy of `examples/` and its own server, so tests can
rewrite results, break the config or run Go without affecting each other.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import (
    DEFAULT_CLIENT_FEATURES,
    default_converter,
    make_test_lsp_client,
    register_lsp_features,
)

from tests.conftest import VENV_BIN

T = TypeVar("T")

#: Generous: a cold start parses the example module and reads both results files.
TIMEOUT = 30.0


async def wait_for(
    probe: Callable[[], T | Awaitable[T | None] | None],
    *,
    timeout: float = TIMEOUT,
    what: str = "condition",
) -> T:
    """Poll `probe` until it returns something truthy (deterministic, no fixed sleeps)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = probe()
        if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(0.02)


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    # Go's caches in the test's home keep runs hermetic but fast after the first build.
    return env


@asynccontextmanager
async def lsp_session(
    root: Path,
    *,
    init_options: dict[str, Any] | None = None,
    client: str = "visual-studio-code",
    settings: dict[str, Any] | None = None,
    folders: list[Path] | None = None,
    client_features: dict[str, Callable[..., Any]] | None = None,
) -> AsyncIterator[LanguageClient]:
    """A started, initialized client talking to a fresh server on `root`;
    `client_features` replace pytest-lsp's handlers of server-to-client requests."""
    if client_features:
        lsp = LanguageClient(converter_factory=default_converter)
        register_lsp_features(lsp, {**DEFAULT_CLIENT_FEATURES, **client_features})
    else:
        lsp = make_test_lsp_client()
    lsp.lens_refreshes = 0  # type: ignore[attr-defined]

    @lsp.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(client: LanguageClient, params: None) -> None:
        client.lens_refreshes += 1  # type: ignore[attr-defined]

    if settings is not None:
        lsp.set_configuration({"benchlens": settings})
    await lsp.start_io(sys.executable, "-m", "benchlens", "serve", cwd=root, env=server_env())
    capabilities = client_capabilities(client)
    roots = folders or [root]
    params = types.InitializeParams(
        capabilities=capabilities,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=r.as_uri(), name=r.name) for r in roots],
        initialization_options=init_options,
    )
    try:
        await asyncio.wait_for(lsp.initialize_session(params), TIMEOUT)
        yield lsp
    finally:
        with suppress(Exception):
            await asyncio.wait_for(lsp.shutdown_session(), 10)
        await lsp.stop()


@pytest.fixture
def quick_run() -> dict[str, Any]:
    """Init options that keep real Go runs short."""
    return {"run": {"benchtime": {"quick": "10x"}, "count": 1}, "debounce_ms": 100}


def line_of(path: Path, needle: str) -> int:
    """0-based line of the first line of `path` containing `needle` (expected positions
    are computed from the Go source, never hard-coded)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def doc(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=path.as_uri())


def write_atomic(path: Path, text: str) -> None:
    """Replace a file the way the runner does (temporary file + rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def by_code(diagnostics: Any, code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics or () if d.code == code]


async def lenses(client: LanguageClient, path: Path) -> list[types.CodeLens]:
    result = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=doc(path))
    )
    return list(result or [])


async def hover_at(client: LanguageClient, path: Path, line: int, col: int = 2) -> str | None:
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=doc(path), position=types.Position(line=line, character=col)
        )
    )
    if result is None:
        return None
    contents = result.contents
    assert isinstance(contents, types.MarkupContent)
    return contents.value


def open_document(client: LanguageClient, path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="go", version=1, text=text
            )
        )
    )
    return text


async def raw_request(client: LanguageClient, method: str, params: Any) -> Any:
    """A request whose result is kept as plain JSON.

    lsprotocol's client-side structuring reads a `CodeAction` that carries a
    `command` as a `Command`; editors read the JSON, so tests should too.
    """
    msg_id = f"raw-{id(params)}"
    future = client.protocol.send_request(method, params, msg_id=msg_id)
    client.protocol._result_types[msg_id] = None
    return await asyncio.wrap_future(future)
