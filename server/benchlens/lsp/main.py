"""The server with every handler registered, and `benchlens serve`."""

from __future__ import annotations

from benchlens.lsp import commands, features, lifecycle
from benchlens.lsp.server import BenchlensServer


def create_server() -> BenchlensServer:
    """A server with every feature and command registered."""
    server = BenchlensServer()
    for method, options, handler in [*lifecycle.FEATURES, *features.FEATURES]:
        server.feature(method, options)(handler)
    for name, arguments, fn in commands.COMMANDS:
        server.command(name)(commands.pygls_handler(name, arguments, fn))
    return server


def serve() -> None:
    """Run on stdio until the client says exit."""
    create_server().start_io()
