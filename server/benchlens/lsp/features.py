"""Feature handlers: code lenses, hovers and code actions, one module-level function each,
thin shells over a folder's view (see `lenses.py` for what they are made of)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from benchlens.goindex.model import RunSite
from benchlens.lsp import convert, lenses, why
from benchlens.lsp.documents import path_of
from benchlens.lsp.folder import FolderState
from benchlens.lsp.guard import guarded
from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.view import placed_on_line
from benchlens.views.hover import hover_markdown

log = logging.getLogger(__name__)


def document(ls: BenchlensServer, uri: str) -> tuple[Path, FolderState] | None:
    """The file and folder a request is about, with edits mapped (None: not ours, or not
    indexed yet). Requests never wait for a folder to load: they answer with what is
    known, and the client is asked for lenses again once it is loaded."""
    path = path_of(uri)
    state = ls.folder_of(path) if path is not None else None
    if path is None or state is None or state.index is None:
        return None
    ls.relocator.settle(state)
    return path, state


def package_dir(state: FolderState, package: str) -> str | None:
    """The package directory relative to its module root (`./storage/log`), for commands."""
    if state.index is None or not package:
        return None
    location = state.index.package_location(package)
    if location is None:
        return None
    rel = location.dir.relative_to(location.module_root).as_posix()
    return "." if rel == "." else f"./{rel}"


@guarded([])
async def code_lens(ls: BenchlensServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    found = document(ls, params.text_document.uri)
    if found is None:
        return []
    path, state = found
    assert state.index is not None
    spec = lenses.FileLenses(
        folder=state.uri,
        path=path,
        placed=state.view.placed.get(path, ()),
        targets=state.lens_targets(path),
        package=state.index.package_of_file(path),
        runnable=ls.trusted(state),
        is_stale=state.is_stale,
    )
    return lenses.code_lenses(spec)


@guarded(None)
async def hover(ls: BenchlensServer, params: types.HoverParams) -> types.Hover | None:
    found = document(ls, params.text_document.uri)
    if found is None:
        return None
    path, state = found
    line = params.position.line
    here = placed_on_line(state.view, path, line)
    comparison = state.view.comparison
    grown = state.why.at(path, line) if state.why is not None else None
    if grown is not None and not here:
        return convert.hover([grown.hover], convert.line_range(line))
    if not here or comparison is None:
        return None
    # Loaded after the first view is shown; a hover that comes first loads it.
    history = state.history
    if history is None:
        history = await asyncio.to_thread(state.load_history)
    parts = [
        hover_markdown(
            p.bench,
            package_dir=package_dir(state, p.bench.package),
            history=history,
            has_baseline=comparison.has_baseline,
            stale=state.is_stale(p.bench, path),
        )
        for p in here
    ]
    if state.why is not None:
        uri_of = ls.documents.uri_of
        links = [why.benchmark_links(state.why, p.bench.key.name, uri_of) for p in here]
        parts += [link for link in links if link]
    if grown is not None:
        parts.append(grown.hover)
    return convert.hover(parts, convert.lsp_range(here[0].range))


@guarded([])
async def code_action(
    ls: BenchlensServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    found = document(ls, params.text_document.uri)
    if found is None:
        return []
    path, state = found
    index = state.index
    kind = lenses.action_kind([str(k) for k in params.context.only or ()])
    if index is None or kind is None or not ls.trusted(state):
        return []
    package = index.package_of_file(path)
    start = params.range.start
    target = index.at_position(path, start.line, start.character)
    if package is None or target is None:
        return []
    function = None
    if isinstance(target, RunSite):  # its function's actions too
        functions = index.functions_in_file(path)
        function = next((f for f in functions if f.name == target.function), None)
    here = placed_on_line(state.view, path, target.line)
    return lenses.code_actions(state.uri, package, target, here, function, kind)


#: (method, options, handler) of every feature, registered by `main`.
FEATURES: list[tuple[str, Any, Any]] = [
    (types.TEXT_DOCUMENT_CODE_LENS, None, code_lens),
    (types.TEXT_DOCUMENT_HOVER, None, hover),
    (
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.Empty, convert.ACTION_KIND],
            resolve_provider=False,
        ),
        code_action,
    ),
]
