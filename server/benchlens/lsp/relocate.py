"""Findings follow edits: after a didChange they are mapped onto the new text once typing
pauses, or at once when a request needs the positions of the latest edit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from benchlens.lsp.folder import Documents, FolderState

#: Quiet time after an edit before diagnostics are mapped onto the new text.
RELOCATE_DELAY = 0.05


class Relocator:
    """The debouncer of edits: one timer per folder."""

    def __init__(
        self, publish: Callable[[tuple[FolderState, set[Path]]], None], documents: Documents
    ) -> None:
        self._publish = publish
        self._documents = documents
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._edited: dict[str, set[Path]] = {}

    def soon(self, state: FolderState, path: Path) -> None:
        """`path` of `state` was edited: map its findings once typing pauses."""
        self._edited.setdefault(state.uri, set()).add(path)
        handle = self._timers.pop(state.uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self._timers[state.uri] = loop.call_later(RELOCATE_DELAY, self._now, state)

    def _now(self, state: FolderState) -> None:
        self._timers.pop(state.uri, None)
        state.observe_edits(self._documents)
        state.view, touched = state.relocate(self._edited.pop(state.uri, set()))
        self._publish((state, touched))

    def settle(self, state: FolderState) -> None:
        """Apply a pending re-map now, so a request sees the positions of the latest edit."""
        handle = self._timers.pop(state.uri, None)
        if handle is not None:
            handle.cancel()
            self._now(state)

    def cancel(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        self._edited.clear()
