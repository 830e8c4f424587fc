"""Files changed on disk, from watchdog's thread to the event loop, debounced.

Watchdog calls back on its own thread; nothing there touches server state. Each
relevant path is handed to the loop with `call_soon_threadsafe`, and the loop
side (`Debouncer`) waits until events have stopped for the debounce period, so a
results file written in many chunks, or a `git checkout` touching fifty test
files, is handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from benchlens.config import CONFIG_NAMES

log = logging.getLogger(__name__)

#: File names whose change matters wherever they are (besides the results files).
WATCHED_NAMES = frozenset({*CONFIG_NAMES, "go.mod", "go.work"})

#: Directories whose contents never matter (and are often huge).
IGNORED_DIRS = frozenset({".git", "node_modules", ".venv", "vendor", "__pycache__"})


def is_relevant(path: Path, results: frozenset[Path]) -> bool:
    """Whether a change to `path` can change what the server shows."""
    if path in results:
        return True
    if results and any(path.name == r.name for r in results):
        try:
            return path.resolve() in results
        except OSError:
            return False
    if any(part in IGNORED_DIRS for part in path.parts):
        return False
    name = path.name
    return name.endswith("_test.go") or name in WATCHED_NAMES


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw if isinstance(raw, str) else raw.decode())
            if event.is_directory:
                continue
            if is_relevant(path, self._watcher.results_paths):
                self._watcher.hand_over(path)


class Watcher:
    """One watchdog observer for every workspace folder and results directory.

    `on_change(path)` is called on the event loop for each relevant path.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, on_change: Callable[[Path], None]) -> None:
        self._loop = loop
        self._on_change = on_change
        self._observer = Observer()
        self._observer.daemon = True
        self._watched: dict[tuple[Path, bool], object] = {}
        self._lock = threading.Lock()
        #: Replaced as a whole from the loop, read from watchdog's thread.
        self.results_paths: frozenset[Path] = frozenset()
        self._started = False

    def hand_over(self, path: Path) -> None:
        """Called on watchdog's thread: move the event to the loop."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server is exiting
            self._loop.call_soon_threadsafe(self._on_change, path)

    def watch(self, roots: Iterable[Path], results: Iterable[Path]) -> None:
        """Watch `roots` recursively and the directories of `results` files (outside a root)."""
        results = frozenset(p.resolve() for p in results)
        self.results_paths = results
        wanted: set[tuple[Path, bool]] = {(r, True) for r in roots if r.is_dir()}
        for path in results:
            parent = path.parent
            if not any(parent == r or r in parent.parents for r, _ in wanted) and parent.is_dir():
                wanted.add((parent, False))
        with self._lock:
            for key in list(self._watched):
                if key not in wanted:
                    self._observer.unschedule(self._watched.pop(key))  # type: ignore[arg-type]
            for key in wanted:
                if key not in self._watched:
                    try:
                        self._watched[key] = self._observer.schedule(
                            _Handler(self), str(key[0]), recursive=key[1]
                        )
                    except OSError as exc:  # e.g. the inotify watch limit
                        log.warning("cannot watch %s: %s", key[0], exc)
            if not self._started:
                self._observer.start()
                self._started = True

    def stop(self) -> None:
        with self._lock:
            if self._started:
                self._observer.stop()
                self._observer.join(timeout=2)
                self._started = False


class Debouncer:
    """Collects keys and calls `flush(keys)` once no key has arrived for `delay` seconds."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        delay: float,
        flush: Callable[[set[Path]], None],
    ) -> None:
        self._loop = loop
        self.delay = delay
        self._flush = flush
        self._pending: set[Path] = set()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, key: Path, delay: float | None = None) -> None:
        self._pending.add(key)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_later(self.delay if delay is None else delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        keys, self._pending = self._pending, set()
        if keys:
            self._flush(keys)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pending.clear()
