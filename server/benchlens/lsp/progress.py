"""Work-done progress for long commands, and their cancellation from the client.

A run of `go test` takes seconds to minutes: the client shows a progress bar
(`window/workDoneProgress/create`, then `$/progress` begin/report/end) with a
cancel button; `window/workDoneProgress/cancel` reaches us as the cancellation
of the token's future, which calls `on_cancel`. Clients without progress
support get the same text as log messages instead.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)


def client_supports_progress(server: LanguageServer) -> bool:
    caps = server.client_capabilities
    return bool(caps.window and caps.window.work_done_progress)


class Progress:
    """One progress bar; every method is safe to call when the client has none."""

    def __init__(
        self,
        server: LanguageServer,
        title: str,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self._server = server
        self.title = title
        self._on_cancel = on_cancel
        self.token: str | None = None
        self._future: Future[Any] | None = None
        self._ended = False
        #: The client is being asked for the bar (`end` then waits for it to be shown).
        self._creating = False
        self._end_message = ""

    async def begin(self, message: str | None = None) -> None:
        if client_supports_progress(self._server):
            token = f"benchlens-{uuid.uuid4().hex[:12]}"
            self._creating = True
            try:
                await self._server.work_done_progress.create_async(token)
            except Exception as exc:  # the client refused: carry on without a bar
                log.info("workDoneProgress/create refused: %s", exc)
                self._creating = False
            else:
                self._creating = False
                self.token = token
                self._future = self._server.work_done_progress.tokens.get(token)
                if self._future is not None:
                    self._future.add_done_callback(self._cancelled)
                self._server.work_done_progress.begin(
                    token,
                    types.WorkDoneProgressBegin(
                        title=self.title,
                        message=message,
                        cancellable=self._on_cancel is not None,
                        percentage=0,
                    ),
                )
                if self._ended:  # ended while the client made the bar: no bar left open
                    self._send_end()
                return
        self._log(f"{self.title}: {message}" if message else self.title)
        if self._ended:
            self._log(f"{self.title}: {self._end_message}")

    def _cancelled(self, future: Future[Any]) -> None:
        if future.cancelled() and not self._ended and self._on_cancel is not None:
            self._on_cancel()

    def report(self, message: str | None, percentage: int | None = None) -> None:
        """A new message and percentage (None: keep the message shown)."""
        if self._ended or (message is None and self.token is None):
            return
        if self.token is not None:
            self._server.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )
        else:
            self._log(f"{self.title}: {message}")

    def end(self, message: str) -> None:
        """Close the bar; called while `begin` waits for the client, it is closed once shown."""
        if self._ended:
            return
        self._ended, self._end_message = True, message
        if self.token is not None:
            self._send_end()
        elif not self._creating:
            self._log(f"{self.title}: {message}")

    def _send_end(self) -> None:
        assert self.token is not None
        self._server.work_done_progress.end(
            self.token, types.WorkDoneProgressEnd(message=self._end_message)
        )
        self._server.work_done_progress.tokens.pop(self.token, None)

    def _log(self, message: str) -> None:
        self._server.window_log_message(
            types.LogMessageParams(type=types.MessageType.Info, message=message)
        )


class WritingIndicator:
    """ "Results being written" as a progress bar for each results file written in place,
    from the first look that finds it growing until it is taken."""

    TITLE = "benchlens: results being written"

    def __init__(self, server: LanguageServer) -> None:
        self._server = server
        self._bars: dict[Path, Progress] = {}

    async def update(self, writing: Mapping[Path, str], done: set[Path]) -> None:
        """`writing`: files being written, with a word on each; `done`: files now taken."""
        for path, message in writing.items():
            bar = self._bars.get(path)
            if bar is None:
                bar = self._bars[path] = Progress(self._server, self.TITLE)
                await bar.begin(f"{path.name}: {message}")
            else:
                bar.report(f"{path.name}: {message}")
        for path in done:
            bar = self._bars.pop(path, None)
            if bar is not None:
                bar.end(f"{path.name}: read")

    def end_all(self) -> None:
        for path, bar in self._bars.items():
            bar.end(f"{path.name}: not read")
        self._bars.clear()
