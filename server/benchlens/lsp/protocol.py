"""The JSON-RPC side of the server: pygls' protocol with what benchlens needs on top."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method


class BenchlensProtocol(LanguageServerProtocol):
    """pygls' protocol, offering only UTF-16 positions (LSP's default, the index's unit)."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        general = params.capabilities.general
        if general is not None:
            general.position_encodings = None
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        return result
