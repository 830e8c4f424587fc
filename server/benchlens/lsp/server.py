"""The language server: folders, settings, and one refresh path that runs off the event loop.

Everything that reads files or walks the tree runs in `FolderState.refresh`, in a
worker thread, one at a time per folder; its outcome is applied on the loop, which
is the only thread that swaps a folder's view or talks to the client. Handlers are
module-level functions in `lifecycle.py`, `features.py` and `commands.py`
(registered by `main.create_server`); this module owns the state and the scheduling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from benchlens import __version__
from benchlens.lsp import transport
from benchlens.lsp.arguments import make_converter
from benchlens.lsp.documents import EditorDocuments
from benchlens.lsp.folder import FolderState, Refreshed, RefreshRequest
from benchlens.lsp.jobs import ActiveRun
from benchlens.lsp.notices import config_notices, results_notices
from benchlens.lsp.notify import Notifier
from benchlens.lsp.progress import WritingIndicator
from benchlens.lsp.protocol import BenchlensProtocol
from benchlens.lsp.publish import Publisher
from benchlens.lsp.relocate import Relocator
from benchlens.lsp.settings import (
    Level,
    ServerOptions,
)
from benchlens.lsp.view import View
from benchlens.lsp.watch import Debouncer, Watcher

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a request waits for the first index and comparison before answering anyway.
READY_TIMEOUT = 30.0
#: How long to wait for the client's answer to a request (configuration, lens refresh).
CLIENT_TIMEOUT = 5.0


class BenchlensServer(LanguageServer):
    """The benchlens language server. All state is here, none in module globals."""

    def __init__(self) -> None:
        converter = make_converter()
        super().__init__(
            "benchlens",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=BenchlensProtocol,
            converter_factory=lambda: converter,
        )
        #: lsprotocol's converter, which also structures command arguments.
        self.converter = converter
        self.init_settings: dict[str, Any] = {}
        self.init_trusted = True
        self.client_settings: dict[str, dict[str, Any]] = {}
        self.options = ServerOptions()
        self.folders: dict[str, FolderState] = {}
        self.documents = EditorDocuments(lambda: self.workspace)
        self.notifier = Notifier(self, lambda: self.options.notifications)
        self.publisher = Publisher(self.text_document_publish_diagnostics)
        self.writing = WritingIndicator(self)
        self.ready = asyncio.Event()
        self.watcher: Watcher | None = None
        #: The one debouncer of file-system events.
        self.file_events: Debouncer | None = None
        self.active_run: ActiveRun | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.relocator = Relocator(self.publish, self.documents)
        self._retries: dict[Path, asyncio.TimerHandle] = {}
        self._preparing: set[str] = set()

    # --- small helpers -----------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run `coro` in the background, logging (never raising) its failure."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[T]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and (exc := t.exception()) is not None:
                log.error("background task failed", exc_info=exc)
                self.notifier.log(f"internal error: {exc!r}", Level.ERROR)

        task.add_done_callback(done)
        return task

    def folder_of(self, path: Path) -> FolderState | None:
        """The innermost workspace folder containing `path`."""
        inside = [s for s in self.folders.values() if s.contains(path)]
        return max(inside, key=lambda s: len(s.root.parts), default=None)

    def lock(self, state: FolderState) -> asyncio.Lock:
        return self._locks.setdefault(state.uri, asyncio.Lock())

    def trusted(self, state: FolderState) -> bool:
        return self.options.trusted and state.trusted

    def supports(self, dotted: str) -> bool:
        """Whether a client capability (`workspace.code_lens.refresh_support`) is set."""
        node: Any = self.client_capabilities
        for part in dotted.split("."):
            node = getattr(node, part, None)
            if node is None:
                return False
        return bool(node)

    async def wait_ready(self) -> None:
        if not self.ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), READY_TIMEOUT)

    # --- the refresh path ----------------------------------------------------------------

    async def refresh(
        self, state: FolderState, request: RefreshRequest, *, lenses: bool = True
    ) -> None:
        """Bring `state` up to date in one worker hop, then show the outcome (and ask the
        client for new lenses, unless the caller does that once for several folders)."""
        async with self.lock(state):
            loop, debounce = asyncio.get_running_loop(), self.options.debounce

            def partial(view: View) -> None:  # a first load, shown as it is compared
                loop.call_soon_threadsafe(self._show_partial, state, view)

            refreshed = await asyncio.to_thread(
                state.refresh, request, self.documents, debounce, partial
            )
            changed = self._show(state, refreshed)
            if changed:  # shown: now what can wait (fingerprints for staleness, history)
                await asyncio.to_thread(state.settle_sources, self.documents)
        if changed and lenses:
            await self.refresh_lenses()

    def _show(self, state: FolderState, refreshed: Refreshed) -> bool:
        """Apply a refresh on the loop: view, watches, retries, messages, diagnostics."""
        if refreshed.reindexed:
            state.apply_documents(self.documents.open_texts())
        if refreshed.moved:
            self.rewatch()
        for path, suspicion in refreshed.unfinished:
            self.notifier.log(
                f"{path} looks unfinished ({suspicion}): keeping the previous results", Level.LOG
            )
            self.retry_later(path, refreshed.retry_in or self.options.debounce)
        changed = state.adopt(refreshed)
        self.notifier.once(state.uri, "config", config_notices(state.config_issues))
        self.notifier.once(state.uri, "results", results_notices(state))
        looked = dict(refreshed.unfinished)
        files = state.results_files()
        writing = {
            f.path: f"{looked[f.path].count} benchmarks so far"
            for f in files
            if f.writing and f.path in looked
        }
        self.spawn(self.writing.update(writing, {f.path for f in files if not f.writing}))
        self.publish()
        return changed

    def _show_partial(self, state: FolderState, view: View) -> None:
        state.view = view
        self.publish()

    def retry_later(self, path: Path, delay: float) -> None:
        """Look at a results file again after `delay` (through the file-event debouncer)."""
        if self.file_events is None:
            return
        old = self._retries.pop(path, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        wait = max(delay - self.file_events.delay, 0.0)
        self._retries[path] = loop.call_later(wait, self.file_events.add, path)

    def prepare_soon(self, state: FolderState) -> None:
        """Compute the view of rewritten results while the debounce runs (not shown);
        one at a time, none while a refresh runs (it reads the newest version anyway)."""
        if state.uri in self._preparing or self.lock(state).locked():
            return
        self._preparing.add(state.uri)

        async def prepare() -> None:
            try:
                async with self.lock(state):
                    await asyncio.to_thread(state.prepare)
            finally:
                self._preparing.discard(state.uri)

        self.spawn(prepare())

    async def refresh_lenses(self) -> None:
        """Ask the client to re-request code lenses, when it says it can."""
        if not self.supports("workspace.code_lens.refresh_support"):
            return
        try:
            await asyncio.wait_for(self.workspace_code_lens_refresh_async(None), CLIENT_TIMEOUT)
        except Exception as exc:
            log.info("codeLens/refresh failed: %r", exc)

    def publish(self, only: tuple[FolderState, set[Path]] | None = None) -> None:
        self.publisher.publish(self.folders.values(), self.documents.uri_of, only)

    def rewatch(self) -> None:
        if self.watcher is None:
            return
        roots = [s.root for s in self.folders.values()]
        results = [p for s in self.folders.values() for p in s.results_paths()]
        try:
            self.watcher.watch(roots, results)
        except Exception as exc:
            self.notifier.log(f"cannot watch files: {exc!r}", Level.WARNING)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve on stdio with our own message reader (see `transport`)."""
        transport.start_io(self, stdin, stdout)

    def stop_work(self) -> None:
        """Cancel a run (killing its processes) and stop watching: the server is ending."""
        if self.active_run is not None:
            self.active_run.cancel()
        if self.watcher is not None:
            self.watcher.stop()
        if self.file_events is not None:
            self.file_events.cancel()
        self.relocator.cancel()
        for handle in self._retries.values():
            handle.cancel()
