"""LSP feature handlers: one feature, one handler, each a thin shell over the server's state.

Every handler is wrapped by `guarded`: whatever goes wrong is logged to the
client and answered with an empty result, so no request can take the server down.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from lsprotocol import types

from benchlens.goindex.model import BenchmarkFunction, RunSite
from benchlens.lsp import convert
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.state import FolderState, Placed, settings_layer
from benchlens.runner.goargs import names_pattern
from benchlens.views.facts import group_summary
from benchlens.views.hover import hover_markdown

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def guarded(default: Any) -> Callable[[F], F]:
    """Turn any exception in a handler into a log message and `default`."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        async def handler(server: BenchlensServer, params: Any) -> Any:
            try:
                return await fn(server, params)
            except Exception as exc:
                log.exception("%s failed", fn.__name__)
                server.log(f"{fn.__name__} failed: {exc!r}", types.MessageType.Error)
                return default

        return cast(F, handler)

    return wrap


def _document(server: BenchlensServer, uri: str) -> tuple[Path, FolderState] | None:
    path = server.path_of(uri)
    if path is None:
        return None
    state = server.folder_of(path)
    if state is None or state.index is None:
        return None
    server.settle(state)
    return path, state


def _package_dir(state: FolderState, package: str) -> str | None:
    """The package directory relative to its module root (`./storage/log`), for commands."""
    if state.index is None or not package:
        return None
    location = state.index.package_location(package)
    if location is None:
        return None
    rel = location.dir.relative_to(location.module_root).as_posix()
    return "." if rel == "." else f"./{rel}"


def _target_bench(target: BenchmarkFunction | RunSite, placed: list[Placed]) -> str:
    """The `-bench` pattern of a lens: the exact names mapped here, else the source's pattern."""
    if isinstance(target, RunSite) and placed:
        return names_pattern(p.bench.key.name for p in placed)
    return target.bench_regex


def register(server: BenchlensServer) -> None:
    """Attach every feature handler to `server`."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: BenchlensServer, params: types.InitializeParams) -> None:
        ls.read_initialization_options(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: BenchlensServer, params: types.InitializedParams) -> None:
        try:
            await ls.start()
        except Exception as exc:
            log.exception("start failed")
            ls.show(f"could not start: {exc!r}", types.MessageType.Error)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: BenchlensServer, params: None) -> None:
        ls.stop_work()

    @server.feature(types.EXIT)
    def exit_(ls: BenchlensServer, params: None) -> None:
        ls.stop_work()  # also when the client exits without a shutdown

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
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
        await ls.pull_configuration(ls.folders)
        for state in list(ls.folders.values()):
            await ls.reload_config(state)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @guarded(None)
    async def did_change_folders(
        ls: BenchlensServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        for removed in params.event.removed:
            ls.remove_folder(removed.uri)
        added = [(f.uri, ls.path_of(f.uri)) for f in params.event.added]
        await ls.pull_configuration(uri for uri, _ in added)
        for uri, path in added:
            if path is not None:
                await ls.add_folder(uri, path)
        ls.rewatch()
        await ls.refresh_lenses()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(None)
    async def did_open(ls: BenchlensServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.document_changed(params.text_document.uri, params.text_document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(None)
    async def did_change(ls: BenchlensServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.document_changed(uri, ls.workspace.get_text_document(uri).source)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(None)
    async def did_close(ls: BenchlensServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.document_closed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    @guarded([])
    async def code_lens(ls: BenchlensServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        await ls.wait_ready()
        found = _document(ls, params.text_document.uri)
        if found is None:
            return []
        path, state = found
        by_line: dict[int, list[Placed]] = {}
        for placed in state.view.placed.get(path, ()):
            by_line.setdefault(placed.range.start_line, []).append(placed)
        lenses: list[types.CodeLens] = []
        for on_line in by_line.values():
            for placed in on_line:
                stale = state.is_stale(placed.bench, path)
                lenses.append(convert.status_lens(placed, stale, len(on_line) > 1))
        package = state.index.package_of_file(path) if state.index is not None else None
        placed_here = state.view.placed.get(path, ())
        for target in state.lens_targets(path):
            here = by_line.get(target.line, [])
            if isinstance(target, BenchmarkFunction) and not here:
                subs = [p.bench for p in placed_here if p.bench.key.top_level == target.name]
                if subs:
                    lenses.append(
                        convert.summary_lens(convert.target_range(target), group_summary(subs))
                    )
            if package is None or not convert.runnable(target, bool(here)):
                continue
            lenses += convert.action_lenses(
                convert.target_range(target),
                state.uri,
                package,
                _target_bench(target, here),
                convert.target_label(target),
            )
        return lenses

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    async def hover(ls: BenchlensServer, params: types.HoverParams) -> types.Hover | None:
        await ls.wait_ready()
        found = _document(ls, params.text_document.uri)
        if found is None:
            return None
        path, state = found
        line = params.position.line
        here = [p for p in state.view.placed.get(path, ()) if p.range.start_line == line]
        comparison = state.view.comparison
        if here and comparison is not None:
            history = state.history
            parts = [
                hover_markdown(
                    f.bench,
                    package_dir=_package_dir(state, f.bench.package),
                    history=history,
                    has_baseline=comparison.has_baseline,
                    stale=state.is_stale(f.bench, path),
                )
                for f in here
            ]
            return convert.hover(parts, convert.lsp_range(here[0].range))
        return None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.Empty, convert.ACTION_KIND],
            resolve_provider=False,
        ),
    )
    @guarded([])
    async def code_action(
        ls: BenchlensServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        await ls.wait_ready()
        found = _document(ls, params.text_document.uri)
        if found is None or found[1].index is None:
            return []
        path, state = found
        index = state.index
        assert index is not None
        only = params.context.only
        kind: str = types.CodeActionKind.Empty
        if only:
            wanted = [str(k) for k in only]
            if any(convert.ACTION_KIND.startswith(k) for k in wanted if k):
                kind = convert.ACTION_KIND
            elif "" not in wanted:
                return []
        package = index.package_of_file(path)
        if package is None:
            return []
        start = params.range.start
        target = index.at_position(path, start.line, start.character)
        if target is None:
            return []
        here = [p for p in state.view.placed.get(path, ()) if p.range.start_line == target.line]
        actions = convert.code_actions(
            state.uri,
            package,
            _target_bench(target, here),
            convert.target_label(target),
            kind,
        )
        if isinstance(target, RunSite):
            function = next(
                (f for f in index.functions_in_file(path) if f.name == target.function), None
            )
            if function is not None:
                actions += convert.code_actions(
                    state.uri, package, function.bench_regex, function.name, kind
                )
        actions.append(convert.package_action(state.uri, package, kind))
        return actions
