"""Handlers of the session's life: start-up, settings, workspace folders, open documents,
and files changed on disk. Each is a module-level function (see `FEATURES`); the work
is done by the server's refresh path."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types

from benchlens.config import CONFIG_NAMES
from benchlens.lsp import client_config
from benchlens.lsp.documents import path_of
from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.guard import guarded
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.settings import Level, read_trust, settings_layer, split_server_options
from benchlens.lsp.watch import Debouncer, Watcher

log = logging.getLogger(__name__)

#: Files whose change means the index must look again, besides `_test.go` files.
MODULE_FILES = ("go.mod", "go.work")


def initialize(ls: BenchlensServer, params: types.InitializeParams) -> None:
    """Settings from `initializationOptions`, and the client's word on workspace trust."""
    layer = settings_layer(params.initialization_options)
    ls.init_settings = layer
    ls.init_trusted, _ = read_trust(layer)
    _, ls.options, _ = split_server_options(layer, ls.init_trusted)


async def initialized(ls: BenchlensServer, params: types.InitializedParams) -> None:
    try:
        await start(ls)
    except Exception as exc:
        log.exception("start failed")
        ls.notifier.show(f"could not start: {exc!r}", Level.ERROR)


def shutdown(ls: BenchlensServer, params: None) -> None:
    ls.stop_work()


def exit_(ls: BenchlensServer, params: None) -> None:
    ls.stop_work()  # also when the client exits without a shutdown


def workspace_roots(ls: BenchlensServer) -> list[tuple[str, Path]]:
    roots = [(f.uri, path_of(f.uri)) for f in ls.workspace.folders.values()]
    found = [(uri, path) for uri, path in roots if path is not None]
    root_uri = ls.workspace.root_uri
    if not found and root_uri and (path := path_of(root_uri)) is not None:
        found.append((root_uri, path))
    return found


async def start(ls: BenchlensServer) -> None:
    """After `initialized`: settings, folders, index, results, diagnostics, watching."""
    loop = asyncio.get_running_loop()

    def on_files(paths: set[Path]) -> None:
        ls.spawn(files_changed(ls, paths))

    ls.file_events = Debouncer(loop, ls.options.debounce, on_files)
    ls.watcher = Watcher(loop, lambda path: on_file_event(ls, path))
    roots = workspace_roots(ls)
    await client_config.pull_configuration(ls, [uri for uri, _ in roots])
    try:
        await asyncio.gather(*(add_folder(ls, uri, path) for uri, path in roots))
    finally:
        ls.ready.set()
    ls.rewatch()
    await ls.refresh_lenses()


async def add_folder(ls: BenchlensServer, uri: str, path: Path) -> None:
    state = FolderState(path, uri)
    ls.folders[uri] = state
    # Watch before the first read, so no change between the two goes unseen.
    ls.rewatch()
    settings = client_config.folder_settings(ls, uri)
    request = RefreshRequest(settings=settings, reindex=True, reread=True)
    await ls.refresh(state, request, lenses=False)  # asked once for every folder
    functions = len(state.index.functions()) if state.index is not None else 0
    ls.notifier.log(f"indexed {state.root}: {functions} benchmark functions")


def remove_folder(ls: BenchlensServer, uri: str) -> None:
    if ls.folders.pop(uri, None) is not None:
        ls.notifier.forget(uri)
        ls.publish()
        ls.rewatch()


@guarded(None)
async def did_change_configuration(
    ls: BenchlensServer, params: types.DidChangeConfigurationParams
) -> None:
    # Pushed settings (`{"benchlens": {...}}`) stand in for workspace/configuration,
    # which is asked again when the client can answer it.
    pushed = params.settings
    if isinstance(pushed, dict) and isinstance(pushed.get("benchlens"), dict):
        for uri in ls.folders:
            ls.client_settings[uri] = settings_layer(pushed)
    await client_config.pull_configuration(ls, ls.folders)
    for state in list(ls.folders.values()):
        settings = client_config.folder_settings(ls, state.uri)
        await ls.refresh(state, RefreshRequest(settings=settings, results=True))


@guarded(None)
async def did_change_workspace_folders(
    ls: BenchlensServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    for removed in params.event.removed:
        remove_folder(ls, removed.uri)
    added = [(f.uri, path_of(f.uri)) for f in params.event.added]
    await client_config.pull_configuration(ls, [uri for uri, _ in added])
    for uri, path in added:
        if path is not None:
            await add_folder(ls, uri, path)
    ls.rewatch()
    await ls.refresh_lenses()


def document_changed(ls: BenchlensServer, uri: str, text: str, *, opened: bool = False) -> None:
    """didOpen/didChange: index the text now, map findings onto it when typing pauses."""
    path = ls.documents.remember(uri)
    if path is None or path.suffix != ".go":
        return
    state = ls.folder_of(path)
    if state is not None and state.index is not None:
        state.edit(path, text, opened=opened)
        ls.relocator.soon(state, path)


@guarded(None)
async def did_open(ls: BenchlensServer, params: types.DidOpenTextDocumentParams) -> None:
    document_changed(ls, params.text_document.uri, params.text_document.text, opened=True)


@guarded(None)
async def did_change(ls: BenchlensServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    document_changed(ls, uri, ls.workspace.get_text_document(uri).source)


@guarded(None)
async def did_close(ls: BenchlensServer, params: types.DidCloseTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    state = ls.folder_of(path) if path is not None else None
    if path is not None and state is not None and path.suffix == ".go":
        state.close(path)
        ls.relocator.soon(state, path)


# --- files on disk --------------------------------------------------------------------------


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def results_owner(ls: BenchlensServer, path: Path) -> FolderState | None:
    resolved = _resolved(path)
    return next((s for s in ls.folders.values() if resolved in s.results_paths()), None)


def on_file_event(ls: BenchlensServer, path: Path) -> None:
    """A watchdog event, now on the loop: wait for the debounce, and prepare meanwhile."""
    if ls.file_events is not None:
        ls.file_events.add(path)
    state = results_owner(ls, path)
    if state is not None:
        ls.prepare_soon(state)


def request_for(ls: BenchlensServer, state: FolderState, paths: set[Path]) -> RefreshRequest | None:
    """What a batch of changed files means for one folder (None: nothing)."""
    config = any(
        p.name in CONFIG_NAMES and p.parent in (state.root, state.config.root) for p in paths
    )
    sources = {p for p in paths if state.contains(p) and p.suffix in (".go", ".mod", ".work")}
    sources |= {p for p in paths if p.name in MODULE_FILES}
    results = {_resolved(p) for p in paths} & set(state.results_paths())
    if not (config or sources or results):
        return None
    settings = client_config.folder_settings(ls, state.uri) if config else None
    return RefreshRequest(settings=settings, sources=frozenset(sources), results=bool(results))


async def files_changed(ls: BenchlensServer, paths: set[Path]) -> None:
    """The debounced batch of changed files: one refresh per folder concerned."""
    for state in list(ls.folders.values()):
        request = request_for(ls, state, paths)
        if request is not None:
            await ls.refresh(state, request)


Handler = Callable[..., Any]

#: (method, options, handler) of every lifecycle feature, registered by `main`.
FEATURES: list[tuple[str, Any, Handler]] = [
    (types.INITIALIZE, None, initialize),
    (types.INITIALIZED, None, initialized),
    (types.SHUTDOWN, None, shutdown),
    (types.EXIT, None, exit_),
    (types.WORKSPACE_DID_CHANGE_CONFIGURATION, None, did_change_configuration),
    (types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, None, did_change_workspace_folders),
    (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
    (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
]
