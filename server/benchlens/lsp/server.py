"""The language server: state per workspace folder, reloads scheduled off the event loop.

Everything that reads files or walks the tree runs in a worker thread
(`asyncio.to_thread`); its result is applied on the loop, which is the only
thread that touches `FolderState.view` or talks to the client. Handlers live in
`features.py` and `commands.py`; this module owns the state and the reloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Generator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from benchlens import __version__
from benchlens.config import CONFIG_NAMES
from benchlens.lsp import convert
from benchlens.lsp.state import (
    FolderState,
    ServerOptions,
    View,
    deep_merge,
    parse_results,
    settings_layer,
    split_server_options,
)
from benchlens.lsp.watch import Debouncer, Watcher
from benchlens.views.findings import Placement

if TYPE_CHECKING:
    from benchlens.lsp.commands import ActiveRun

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a request waits for the first index and comparison before answering anyway.
READY_TIMEOUT = 30.0
#: Quiet time after a results file event before its new view is computed ahead of the
#: debounce (published only once the debounce has passed without another change).
PREFETCH_DELAY = 0.02
#: How long to wait for the client's answer to `workspace/configuration`.
CONFIG_TIMEOUT = 5.0


class _Protocol(LanguageServerProtocol):
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


class BenchlensServer(LanguageServer):
    """The benchlens language server. All state is here, none in module globals."""

    def __init__(self) -> None:
        super().__init__(
            "benchlens",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.init_settings: dict[str, Any] = {}
        self.client_settings: dict[str, dict[str, Any]] = {}
        self.options = ServerOptions()
        self.folders: dict[str, FolderState] = {}
        #: The client's spelling of each file's URI, so diagnostics land on open documents.
        self.uris: dict[Path, str] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.ready = asyncio.Event()
        self.watcher: Watcher | None = None
        self.debouncer: Debouncer | None = None
        self.active_run: ActiveRun | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._relocate: dict[str, asyncio.TimerHandle] = {}
        self.prefetcher: Debouncer | None = None
        self._prefetching: dict[str, asyncio.Task[None]] = {}

    # --- small helpers -----------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run `coro` in the background, logging (never raising) its failure."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[T]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and (exc := t.exception()) is not None:
                log.error("background task failed", exc_info=exc)
                self.log(f"internal error: {exc!r}", types.MessageType.Error)

        task.add_done_callback(done)
        return task

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=f"benchlens: {message}"))

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(
            types.ShowMessageParams(type=kind, message=f"benchlens: {message}")
        )

    def uri_of(self, path: Path) -> str:
        uri = self.uris.get(path)
        if uri is None:
            uri = from_fs_path(str(path)) or path.as_uri()
        return uri

    @staticmethod
    def path_of(uri: str) -> Path | None:
        fs = to_fs_path(uri)
        return Path(fs) if fs else None

    def folder_of(self, path: Path) -> FolderState | None:
        """The innermost workspace folder containing `path`."""
        best: FolderState | None = None
        for state in self.folders.values():
            if state.contains(path) and (
                best is None or len(state.root.parts) > len(best.root.parts)
            ):
                best = state
        return best

    def lock(self, state: FolderState) -> asyncio.Lock:
        return self._locks.setdefault(state.uri, asyncio.Lock())

    def document_text(self, path: Path) -> str | None:
        """The editor's text when the file is open, else the disk's."""
        uri = self.uris.get(path)
        if uri is not None and uri in self.workspace.text_documents:
            return self.workspace.get_text_document(uri).source
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

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

    def stop_work(self) -> None:
        """Cancel a run (killing its processes) and stop watching: the server is ending."""
        if self.active_run is not None:
            self.active_run.cancel()
        if self.watcher is not None:
            self.watcher.stop()
        for debouncer in (self.debouncer, self.prefetcher):
            if debouncer is not None:
                debouncer.cancel()

    # --- settings ------------------------------------------------------------------------

    def read_initialization_options(self, raw: Any) -> None:
        layer = settings_layer(raw)
        trusted = layer.get("trusted", True)
        self.init_settings = layer
        self.options = ServerOptions(self.options.debounce, trusted is not False)

    def folder_settings(self, uri: str) -> dict[str, Any]:
        """initializationOptions < workspace/configuration, as load_config's editor layer."""
        merged = deep_merge(self.init_settings, self.client_settings.get(uri, {}))
        config_settings, options, problems = split_server_options(merged, self.options.trusted)
        self.options = options
        if self.debouncer is not None:
            self.debouncer.delay = options.debounce
        for problem in problems:
            self.show(f"editor settings: {problem}")
        return config_settings

    async def pull_configuration(self, uris: Iterable[str]) -> None:
        """Ask the client for the `benchlens` section of each folder (if it can answer)."""
        uris = list(uris)
        if not uris or not self.supports("workspace.configuration"):
            return
        items = [types.ConfigurationItem(scope_uri=u, section="benchlens") for u in uris]
        try:
            answer = await asyncio.wait_for(
                self.workspace_configuration_async(types.ConfigurationParams(items=items)),
                CONFIG_TIMEOUT,
            )
        except Exception as exc:  # a client that fails here still gets a working server
            self.log(f"workspace/configuration failed: {exc!r}", types.MessageType.Warning)
            return
        for uri, value in zip(uris, answer or [], strict=False):
            self.client_settings[uri] = settings_layer(value)

    # --- folders -------------------------------------------------------------------------

    def workspace_roots(self) -> list[tuple[str, Path]]:
        roots: list[tuple[str, Path]] = []
        for folder in self.workspace.folders.values():
            path = self.path_of(folder.uri)
            if path is not None:
                roots.append((folder.uri, path))
        if not roots and self.workspace.root_uri:
            path = self.path_of(self.workspace.root_uri)
            if path is not None:
                roots.append((self.workspace.root_uri, path))
        return roots

    async def start(self) -> None:
        """After `initialized`: settings, folders, index, results, diagnostics, watching."""
        loop = asyncio.get_running_loop()
        self.debouncer = Debouncer(loop, self.options.debounce, self.on_files_changed)
        self.prefetcher = Debouncer(loop, PREFETCH_DELAY, self.on_results_written)
        self.watcher = Watcher(loop, self.on_file_event)
        roots = self.workspace_roots()
        await self.pull_configuration(uri for uri, _ in roots)
        try:
            await asyncio.gather(*(self.add_folder(uri, path) for uri, path in roots))
        finally:
            self.ready.set()
        self.rewatch()
        await self.refresh_lenses()

    async def add_folder(self, uri: str, path: Path) -> None:
        settings = self.folder_settings(uri)
        state = await asyncio.to_thread(FolderState.create, path, uri, settings)
        self.folders[uri] = state
        self.report_config(state)
        # Watch before the first read, so no change between the two goes unseen.
        self.rewatch()
        async with self.lock(state):
            state.index = await asyncio.to_thread(state.build_index)
            for doc_uri, doc in list(self.workspace.text_documents.items()):
                doc_path = self.path_of(doc_uri)
                if doc_path is not None and state.contains(doc_path) and doc_path.suffix == ".go":
                    state.index.update_document(doc_path, doc.source)
            state.indexed = True
            await self._load_results(state, force=True)
        self.log(f"indexed {state.root}: {len(state.index.functions())} benchmark functions")

    def remove_folder(self, uri: str) -> None:
        state = self.folders.pop(uri, None)
        if state is not None:
            state.view = View()
            self.publish()
            self.rewatch()

    def rewatch(self) -> None:
        if self.watcher is None:
            return
        roots = [s.root for s in self.folders.values()]
        results = [p for s in self.folders.values() for p in s.results_paths()]
        try:
            self.watcher.watch(roots, results)
        except Exception as exc:
            self.log(f"cannot watch files: {exc!r}", types.MessageType.Warning)

    async def wait_ready(self) -> None:
        if not self.ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), READY_TIMEOUT)

    # --- results and comparison ----------------------------------------------------------

    async def _load_results(self, state: FolderState, force: bool = False) -> bool:
        """Re-read both results files (under the folder's lock); recompute when either changed.

        A file that looks unfinished keeps its last good parse and is retried after the
        debounce. Returns whether the view changed.
        """
        changed = False
        old_baseline, old_current = state.baseline.results, state.current.results
        started = time.perf_counter()
        prefetch = self._prefetching.get(state.uri)
        if prefetch is not None and not prefetch.done():
            await asyncio.wait([prefetch])  # its parse and view are ours to take
        for file in (state.baseline, state.current):
            if not force and file.unchanged_on_disk():
                continue
            parse = await asyncio.to_thread(parse_results if force else state.read, file.path)
            if force:
                if file.stamp != parse.stamp or file.results is None or parse.error:
                    file.accept(parse)
                    changed = True
                continue
            before = (file.stamp, file.error)
            reason = file.offer(parse)
            if reason is not None:
                self.log(
                    f"{file.path} looks unfinished ({reason}): keeping the previous results",
                    types.MessageType.Log,
                )
                if self.debouncer is not None:
                    self.debouncer.add(file.path)
                continue
            changed |= (file.stamp, file.error) != before
        if not changed and not force:
            return False
        if state.baseline.results is not old_baseline:
            state.history = None  # a new baseline is usually a new archived run too
        if state.current.results is not old_current:
            state.note_results_loaded(old_current)
        parsed = time.perf_counter()
        await self._recompute(state)
        log.debug(
            "reload of %s: read %.0f ms, compare+map+publish %.0f ms",
            state.root,
            (parsed - started) * 1000,
            (time.perf_counter() - parsed) * 1000,
        )
        return True

    async def _recompute(self, state: FolderState) -> None:
        """Compare, map onto the source and publish; the work runs in one worker hop."""

        def work() -> View:
            view = state.compute_view(state.baseline.results, state.current.results)
            state.snapshot_sources(view.placed, self.document_text)
            state.load_history()
            return view

        generation = state.index_generation
        view = await asyncio.to_thread(work)
        if state.index_generation != generation:  # edited meanwhile: map onto the new text
            view = state.locate_now(view.comparison)
        state.view = view
        self.report_results(state)
        self.publish()

    async def reload(self, state: FolderState, *, force: bool = False) -> None:
        async with self.lock(state):
            changed = await self._load_results(state, force=force)
        if changed:
            await self.refresh_lenses()

    async def reload_config(self, state: FolderState) -> None:
        async with self.lock(state):
            settings = self.folder_settings(state.uri)
            moved = await asyncio.to_thread(state.reload_config, settings)
            self.report_config(state)
            if moved:
                self.rewatch()
            await self._load_results(state, force=True)
        await self.refresh_lenses()

    async def refresh_all(self) -> None:
        """The `benchlens.refresh` command: everything re-read from scratch."""
        await self.pull_configuration(self.folders)
        for state in list(self.folders.values()):
            async with self.lock(state):
                settings = self.folder_settings(state.uri)
                await asyncio.to_thread(state.reload_config, settings)
                self.report_config(state)
                state.index = await asyncio.to_thread(state.build_index)
                state.index_generation += 1
                state.baseline.stamp = state.current.stamp = None
                state.history = None
                await self._load_results(state, force=True)
        self.rewatch()
        await self.refresh_lenses()

    def relocate_soon(self, state: FolderState) -> None:
        """Re-map findings after an edit, once typing pauses (requests re-map at once)."""
        handle = self._relocate.pop(state.uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self._relocate[state.uri] = loop.call_later(0.05, self._relocate_now, state)

    def _relocate_now(self, state: FolderState) -> None:
        self._relocate.pop(state.uri, None)
        state.view = state.locate_now(state.view.comparison)
        self.publish()

    def settle(self, state: FolderState) -> None:
        """Apply a pending re-map now, so a request sees the positions of the latest edit."""
        handle = self._relocate.pop(state.uri, None)
        if handle is not None:
            handle.cancel()
            state.view = state.locate_now(state.view.comparison)
            self.publish()

    async def refresh_lenses(self) -> None:
        """Ask the client to re-request code lenses, when it says it can."""
        if not self.supports("workspace.code_lens.refresh_support"):
            return
        try:
            await asyncio.wait_for(self.workspace_code_lens_refresh_async(None), CONFIG_TIMEOUT)
        except Exception as exc:
            log.info("codeLens/refresh failed: %r", exc)

    # --- publishing ----------------------------------------------------------------------

    def diagnostics_by_uri(self) -> dict[str, list[types.Diagnostic]]:
        out: dict[str, list[types.Diagnostic]] = {}
        for state in self.folders.values():
            for path, findings in state.view.findings.items():
                diags = out.setdefault(self.uri_of(path), [])
                for finding in findings:
                    diag = convert.diagnostic(finding, state.is_stale(finding.bench, path))
                    if diag is not None:
                        diags.append(diag)
            if state.config_file is not None:
                issues = [i for i in state.config_issues if Path(i.source) == state.config_file]
                out.setdefault(self.uri_of(state.config_file), []).extend(
                    convert.config_diagnostic(i) for i in issues
                )
        return out

    def publish(self) -> None:
        """Send diagnostics that changed, and empty lists where there are none any more."""
        wanted = self.diagnostics_by_uri()
        for uri in set(self.published) - set(wanted):
            wanted[uri] = []
        for uri, diags in wanted.items():
            if self.published.get(uri, []) == diags:
                continue
            if diags:
                self.published[uri] = diags
            else:
                self.published.pop(uri, None)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diags)
            )

    def report_config(self, state: FolderState) -> None:
        """Each new configuration problem once, as a message (the file also gets diagnostics)."""
        active = {f"config:{issue}" for issue in state.config_issues}
        for issue in state.config_issues:
            key = f"config:{issue}"
            if key not in state.shown:
                text = str(issue)
                if "default" not in text:
                    text += " (the default is used)"
                self.show(text, types.MessageType.Warning)
        state.shown = {k for k in state.shown if not k.startswith("config:")} | active

    def report_results(self, state: FolderState) -> None:
        """Problems with the results (once each), and results that map to no source (a log)."""
        active: set[str] = set()
        for file in (state.baseline, state.current):
            if file.error:
                key = f"results:{file.error}"
                active.add(key)
                if key not in state.shown:
                    self.show(file.error, types.MessageType.Warning)
            if file.results is not None and file.results.issues:
                issues = file.results.issues
                key = f"results:{file.path}:{[str(i) for i in issues]}"
                active.add(key)
                if key not in state.shown:
                    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
                    first = issues[0]
                    self.show(
                        f"{first.location.path} line {first.location.line}: {first.message}"
                        f"{more}; those lines are skipped",
                        types.MessageType.Warning,
                    )
        unresolved = state.view.unresolved
        if unresolved:
            names = ", ".join(_unresolved_text(u) for u in unresolved[:10])
            more = f" and {len(unresolved) - 10} more" if len(unresolved) > 10 else ""
            key = f"results:unresolved:{names}{more}"
            active.add(key)
            if key not in state.shown:
                self.log(
                    f"{len(unresolved)} result(s) in {state.root} map to no source file: "
                    f"{names}{more}",
                    types.MessageType.Warning,
                )
        state.shown = {k for k in state.shown if not k.startswith("results:")} | active

    # --- documents and files -------------------------------------------------------------

    def document_changed(self, uri: str, text: str) -> None:
        """didOpen/didChange: re-index the text now, re-map findings when typing pauses."""
        path = self.path_of(uri)
        if path is None or path.suffix != ".go":
            return
        self.uris[path] = uri
        state = self.folder_of(path)
        if state is None or state.index is None:
            return
        state.index.update_document(path, text)
        state.index_generation += 1
        if path.name.endswith("_test.go") and state.tracker.known(path):
            state.tracker.observe(path, text, state.index.functions_in_file(path), time.time())
        self.relocate_soon(state)

    def document_closed(self, uri: str) -> None:
        path = self.path_of(uri)
        if path is None:
            return
        state = self.folder_of(path)
        if state is not None and state.index is not None and path.suffix == ".go":
            state.index.close_document(path)
            state.index_generation += 1
            self.relocate_soon(state)

    def on_file_event(self, path: Path) -> None:
        """A watchdog event, now on the loop: wait for the debounce (and prepare meanwhile)."""
        if self.debouncer is not None:
            self.debouncer.add(path)
        if self.prefetcher is not None and self.results_owner(path) is not None:
            self.prefetcher.add(path, min(PREFETCH_DELAY, self.options.debounce / 2))

    def results_owner(self, path: Path) -> FolderState | None:
        resolved = _resolved(path)
        for state in self.folders.values():
            if resolved in (state.config.baseline, state.config.current):
                return state
        return None

    def on_results_written(self, paths: set[Path]) -> None:
        """Compute the view of rewritten results while the debounce runs (not published)."""
        for path in paths:
            state = self.results_owner(path)
            if state is None:
                continue
            running = self._prefetching.get(state.uri)
            if running is not None and not running.done():
                continue  # the debounce will read the newest version anyway
            self._prefetching[state.uri] = self.spawn(self._prefetch(state))

    async def _prefetch(self, state: FolderState) -> None:
        def work() -> None:
            base_ok, baseline = state.candidate(state.baseline)
            cur_ok, current = state.candidate(state.current)
            if base_ok and cur_ok:
                state.compute_view(baseline, current)

        await asyncio.to_thread(work)

    def on_files_changed(self, paths: set[Path]) -> None:
        """The debounced batch of changed files."""
        self.spawn(self._files_changed(paths))

    async def _files_changed(self, paths: set[Path]) -> None:
        for state in list(self.folders.values()):
            results = {p.resolve() for p in state.results_paths()}
            config_changed = any(
                p.name in CONFIG_NAMES and p.parent in (state.root, state.config.root)
                for p in paths
            )
            if config_changed:
                await self.reload_config(state)
                continue
            sources = [
                p for p in paths if state.contains(p) and p.suffix in (".go", ".mod", ".work")
            ]
            sources += [p for p in paths if p.name in ("go.mod", "go.work") and p not in sources]
            if sources and state.index is not None:
                await asyncio.to_thread(self._refresh_sources, state, sources)
                state.index_generation += 1
                self.relocate_soon(state)
            if any(_resolved(p) in results for p in paths):
                await self.reload(state)

    def _refresh_sources(self, state: FolderState, paths: list[Path]) -> None:
        """Files changed on disk (worker thread): re-index, and note which benchmarks changed."""
        assert state.index is not None
        for path in paths:
            open_doc = self.uris.get(path) in self.workspace.text_documents
            if path.exists():
                state.index.refresh_file(path)
            else:
                state.index.remove_file(path)
                state.tracker.forget(path)
                continue
            if path.name.endswith("_test.go") and not open_doc and state.tracker.known(path):
                text = self.document_text(path)
                if text is not None:
                    functions = state.index.functions_in_file(path)
                    state.tracker.observe(path, text, functions, time.time())


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def _unresolved_text(placement: Placement) -> str:
    """An unplaced result as `pkg.Name (why)`."""
    key = placement.bench.key
    text = f"{key.package}.{key.name}" if key.package else key.name
    reason = placement.resolution.reason
    return f"{text} ({reason})" if reason else text


def create_server() -> BenchlensServer:
    """A server with every feature and command registered."""
    from benchlens.lsp import commands, features

    server = BenchlensServer()
    features.register(server)
    commands.register(server)
    return server


def serve() -> None:
    """Run on stdio until the client says exit."""
    create_server().start_io()
