"""The client's settings for each folder: `initializationOptions` below
`workspace/configuration` (section `benchlens`), split into the comparison settings
(for `load_config`) and the server's own options."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from lsprotocol import types

from benchlens.lsp.notices import Notice
from benchlens.lsp.server import CLIENT_TIMEOUT, BenchlensServer
from benchlens.lsp.settings import Level, deep_merge, settings_layer, split_server_options


def folder_settings(ls: BenchlensServer, uri: str) -> dict[str, Any]:
    """initializationOptions < workspace/configuration, as load_config's editor layer;
    the server's own keys become `ls.options`."""
    merged = deep_merge(ls.init_settings, ls.client_settings.get(uri, {}))
    config_settings, ls.options, problems = split_server_options(merged, ls.init_trusted)
    if ls.file_events is not None:
        ls.file_events.delay = ls.options.debounce
    notices = [Notice(p, f"editor settings: {p}", Level.WARNING) for p in problems]
    if (trust := ls.options.trust_problem) is not None:
        notices.append(Notice(trust, f"editor settings: {trust}", Level.ERROR))
    ls.notifier.once(uri, "settings", notices)
    return config_settings


async def pull_configuration(ls: BenchlensServer, uris: Iterable[str]) -> None:
    """Ask the client for the `benchlens` section of each folder (if it can answer)."""
    uris = list(uris)
    if not uris or not ls.supports("workspace.configuration"):
        return
    items = [types.ConfigurationItem(scope_uri=u, section="benchlens") for u in uris]
    try:
        answer = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=items)),
            CLIENT_TIMEOUT,
        )
    except Exception as exc:  # a client that fails here still gets a working server
        ls.notifier.log(f"workspace/configuration failed: {exc!r}", Level.WARNING)
        return
    for uri, value in zip(uris, answer or [], strict=False):
        ls.client_settings[uri] = settings_layer(value)
