"""One workspace folder: configuration, source index, results files, and the view derived
from them, all brought up to date by one blocking call, `FolderState.refresh`.

The server runs `refresh` in a worker thread (one hop per refresh, under the
folder's lock) and swaps the view it returns in on the event loop (`adopt`), so a
request never sees half an update. Edits from the editor arrive on the loop
(`edit`, `close`); each bumps the index generation, so a view computed across an
edit is mapped again onto the newest text. No pygls types here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from benchlens.compare import BenchmarkComparison, Comparison, compare_each, comparison_of
from benchlens.config import Config, ConfigIssue, default_config, find_config_file, load_config
from benchlens.goindex.index import WorkspaceIndex
from benchlens.goindex.model import BenchmarkFunction, RunSite
from benchlens.lsp.results_file import Parse, ResultsFile, Suspicion, parse_results, stamp_of
from benchlens.lsp.staleness import EditTracker, result_times
from benchlens.lsp.view import View, make_view, update_view
from benchlens.lsp.why import Why
from benchlens.results.model import BenchmarkKey, ResultSet
from benchlens.trend import History
from benchlens.views.findings import place

log = logging.getLogger(__name__)

#: On a first load, a view of what is compared so far is shown after this many
#: benchmarks: a large workspace shows its first diagnostics while the rest is compared.
FIRST_PARTIAL = 200


class Documents(Protocol):
    """The editor's documents, as the server knows them."""

    def text(self, path: Path) -> str | None:
        """The editor's text when the file is open, else the disk's (None: unreadable)."""

    def is_open(self, path: Path) -> bool: ...


@dataclass(frozen=True)
class RefreshRequest:
    """What to bring up to date; requests made while one waits are merged (`|`)."""

    #: Editor settings: read the configuration again with these on top.
    settings: Mapping[str, Any] | None = None
    #: Walk the folder's Go modules again.
    reindex: bool = False
    #: Files changed on disk (`_test.go`, `go.mod`, `go.work`): index them again.
    sources: frozenset[Path] = frozenset()
    #: Look at the results files (versions already taken are not read again).
    results: bool = False
    #: Read the results files and take them as they are, unfinished or not.
    reread: bool = False

    def __or__(self, other: RefreshRequest) -> RefreshRequest:
        return RefreshRequest(
            settings=other.settings if other.settings is not None else self.settings,
            reindex=self.reindex or other.reindex,
            sources=self.sources | other.sources,
            results=self.results or other.results,
            reread=self.reread or other.reread,
        )


@dataclass(frozen=True)
class Refreshed:
    """The outcome of a refresh, applied on the loop by `FolderState.adopt`."""

    #: A new view to show; None when nothing shown changed.
    view: View | None
    #: The index generation the view was mapped with.
    generation: int
    #: The results files moved (new configuration): watch them.
    moved: bool = False
    reindexed: bool = False
    #: Results files that look unfinished (the previous version stays on screen).
    unfinished: tuple[tuple[Path, Suspicion], ...] = ()
    #: When to look at them again, in seconds.
    retry_in: float | None = None


@dataclass(frozen=True)
class Failure:
    """Comparing the results failed: said on the results file, the last good view kept."""

    path: Path
    message: str


@dataclass(frozen=True)
class _Computed:
    """A view and exactly what it was computed from (identity, not equality: cheap)."""

    baseline: ResultSet | None
    current: ResultSet | None
    generation: int
    config: Config
    view: View


class FolderState:
    """One workspace folder: configuration, index, results, and the view derived from them."""

    def __init__(self, root: Path, uri: str) -> None:
        self.root = root
        self.uri = uri
        self.config: Config = default_config(root)
        self.config_issues: list[ConfigIssue] = []
        self.config_file: Path | None = None
        self.index: WorkspaceIndex | None = None
        self.baseline = ResultsFile(self.config.baseline)
        self.current = ResultsFile(self.config.current)
        self.view = View()
        self.failure: Failure | None = None
        self.tracker = EditTracker()
        self.times: dict[BenchmarkKey, float] = {}
        self.history: History | None = None
        #: Where the latest explanation found the cost grew (`benchlens.explainRegression`).
        self.why: Why | None = None
        self._generation = 0
        self._generation_lock = threading.Lock()
        self._parses: dict[Path, Parse] = {}
        self._typed: set[Path] = set()
        self._views: list[_Computed] = []

    # -- what the loop asks --

    @property
    def trusted(self) -> bool:
        return self.config.trusted

    @property
    def generation(self) -> int:
        """Bumped by every change of the index, to know when a computed view is out of date."""
        return self._generation

    def bump(self) -> None:
        with self._generation_lock:
            self._generation += 1

    def contains(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def results_files(self) -> tuple[ResultsFile, ResultsFile]:
        return self.baseline, self.current

    def results_paths(self) -> list[Path]:
        return [self.config.baseline, self.config.current]

    def lens_targets(self, path: Path) -> Sequence[BenchmarkFunction | RunSite]:
        return self.index.lens_targets(path) if self.index is not None else []

    def is_stale(self, bench: BenchmarkComparison, path: Path) -> bool:
        """Edited after its results were recorded (missing benchmarks have no current result)."""
        recorded = self.times.get(bench.key)
        edited = self.tracker.edited_at(path, bench.key.top_level)
        return recorded is not None and edited is not None and edited > recorded

    # -- the refresh (blocking: run in a worker thread, one at a time per folder) --

    def refresh(
        self,
        request: RefreshRequest,
        documents: Documents,
        debounce: float,
        partial: Callable[[View], None] | None = None,
    ) -> Refreshed:
        """Bring everything `request` names up to date and compute what to show. Blocking.

        When nothing is shown yet, `partial(view)` receives views of what is compared so
        far (to be shown while the rest is compared)."""
        moved = False
        if request.settings is not None:
            moved = self._reload_config(request.settings)
        remap = False
        if request.reindex or self.index is None:
            self.index = self._build_index()
            remap = True
        if request.sources:
            self._refresh_sources(request.sources, documents)
            remap = True
        if remap:
            self.bump()
        changed = request.settings is not None
        unfinished: list[tuple[ResultsFile, Suspicion]] = []
        if request.results or request.reread or moved:
            looked, unfinished = self._look(reread=request.reread)
            changed |= looked
        generation = self.generation
        view = None
        if changed:
            view = self._compare(partial if self.view.comparison is None else None)
        elif remap:
            view = self.locate(self.view.comparison)
        retry = [file.retry_in(s, debounce) for file, s in unfinished]
        return Refreshed(
            view,
            generation,
            moved=moved,
            reindexed=request.reindex,
            unfinished=tuple((file.path, s) for file, s in unfinished),
            retry_in=min(retry, default=None),
        )

    def adopt(self, refreshed: Refreshed) -> bool:
        """Show a refresh's view (on the loop); mapped again if the text was edited since."""
        if refreshed.view is None:
            return False
        view = refreshed.view
        if refreshed.generation != self.generation:
            view = self.locate(view.comparison)
        self.view = view
        return True

    def prepare(self) -> None:
        """Compute the view of rewritten results into the cache while the debounce runs, so
        the refresh that follows finds it ready; nothing on screen changes. Blocking."""
        sides: list[ResultSet | None] = []
        for file in self.results_files():
            if file.unchanged_on_disk():
                sides.append(file.results)
                continue
            if not file.worth_preparing():
                return
            parse = self.read(file.path)
            if parse.error is not None or file.would_wait(parse):
                return
            sides.append(parse.results)
        try:
            self.compute_view(sides[0], sides[1])
        except Exception:  # the refresh will say what is wrong
            log.debug("preparing a view of %s failed", self.root, exc_info=True)

    # -- editor edits (on the loop) --

    def edit(self, path: Path, text: str, *, opened: bool = False) -> None:
        """didOpen/didChange of a Go file: index the editor's text, note edited benchmarks
        (an opened file's text is its first version, if it has none yet)."""
        if self.index is None:
            return
        self.index.update_document(path, text)
        self.bump()
        if self.why is not None:
            self.why.forget_if_changed(path, text)
        if not path.name.endswith("_test.go"):
            return
        if opened:  # the first version (or, if it has one, a change made while it was closed)
            self.tracker.observe(path, text, self.index.functions_in_file(path), time.time())
        elif self.tracker.known(path):
            self._typed.add(path)  # compared with the last version when typing pauses

    def settle_sources(self, documents: Documents) -> None:
        """After a view is shown: remember the text of the files it maps to (so later edits
        on disk are seen), and load the history (for hovers). Blocking; deferred because
        on a large workspace it means reading hundreds of files."""
        self._snapshot_sources(list(self.view.placed), documents)
        self.load_history()

    def close(self, path: Path) -> None:
        self._typed.discard(path)
        if self.index is not None:
            self.index.close_document(path)
            self.bump()

    def apply_documents(self, texts: Mapping[Path, str]) -> None:
        """Open documents over a freshly built index (they were opened while it was built)."""
        mine = {p: t for p, t in texts.items() if self.contains(p) and p.suffix == ".go"}
        if self.index is None or not mine:
            return
        for path, text in mine.items():
            self.index.update_document(path, text)
        self.bump()

    def observe_edits(self, documents: Documents) -> None:
        """Compare the edited files' text with their last version (staleness), once typing
        pauses: on every keystroke it would mean hashing every function of the file."""
        typed, self._typed = self._typed, set()
        for path in typed:
            text = documents.text(path)
            if self.index is not None and text is not None:
                functions = self.index.functions_in_file(path)
                self.tracker.observe(path, text, functions, time.time())

    def relocate(self, paths: set[Path]) -> tuple[View, set[Path]]:
        """The view with what is shown in `paths` (edited files) mapped onto their new text:
        the benchmarks shown there, and the unresolved ones of their packages (an edit may
        have added what they need); and the files whose findings may have changed.
        Blocking (the index may parse the files)."""
        view, index = self.view, self.index
        if view.comparison is None or index is None:
            return view, set()
        packages = {index.package_of_file(p) for p in paths}
        affected = {p.bench.key: p.bench for path in paths for p in view.placed.get(path, ())}
        affected.update(
            (u.bench.key, u.bench) for u in view.unresolved if u.bench.key.package in packages
        )
        part = replace(view.comparison, benchmarks=tuple(affected.values()))
        return update_view(view, paths, place(part, index), self.config)

    def locate(self, comparison: Comparison | None) -> View:
        """Map a comparison onto the source. Blocking (the index may parse files)."""
        if comparison is None or self.index is None:
            return View(comparison)
        return make_view(comparison, place(comparison, self.index), self.config)

    # -- the parts of a refresh --

    def _reload_config(self, settings: Mapping[str, Any]) -> bool:
        """Read the configuration again; True when the results paths changed."""
        config, issues = load_config(self.root, settings)
        moved = (config.baseline, config.current) != (self.config.baseline, self.config.current)
        self.config, self.config_issues = config, issues
        self.config_file = find_config_file(config.root)
        if moved:
            self.baseline = ResultsFile(config.baseline)
            self.current = ResultsFile(config.current)
            self.history = None
        return moved

    def _build_index(self) -> WorkspaceIndex:
        """Walk the folder's Go modules."""
        index = self.index if self.index is not None else WorkspaceIndex([self.root])
        index.build()
        return index

    def _refresh_sources(self, paths: Iterable[Path], documents: Documents) -> None:
        """Files changed on disk: index them again, and note which benchmarks changed."""
        assert self.index is not None
        for path in paths:
            if self.why is not None and not documents.is_open(path):
                self.why.forget_if_changed(path, documents.text(path))
            if not path.exists():
                self.index.remove_file(path)
                self.tracker.forget(path)
                continue
            self.index.refresh_file(path)
            test_file = path.name.endswith("_test.go")
            if test_file and not documents.is_open(path) and self.tracker.known(path):
                text = documents.text(path)
                if text is not None:
                    functions = self.index.functions_in_file(path)
                    self.tracker.observe(path, text, functions, time.time())

    def read(self, path: Path) -> Parse:
        """A results file's parse, reused while the file on disk is the same version."""
        cached = self._parses.get(path)
        reusable = cached is not None and not cached.changed_while_reading and cached.stamp
        if cached is not None and reusable and cached.stamp == stamp_of(path):
            return cached
        parse = parse_results(path)
        self._parses[path] = parse
        return parse

    def _look(self, *, reread: bool) -> tuple[bool, list[tuple[ResultsFile, Suspicion]]]:
        """Read the results files that changed; (whether what is shown changes, the files
        that look unfinished)."""
        changed = False
        unfinished: list[tuple[ResultsFile, Suspicion]] = []
        old_baseline, old_current = self.baseline.results, self.current.results
        for file in self.results_files():
            if not reread and file.unchanged_on_disk():
                continue
            parse = self.read(file.path)
            before = (file.stamp, file.error, file.results)
            if reread:
                file.accept(parse)
            elif (suspicion := file.offer(parse)) is not None:
                unfinished.append((file, suspicion))
                continue
            changed |= (file.stamp, file.error, file.results) != before
        if self.baseline.results is not old_baseline:
            self.history = None  # a new baseline is usually a new archived run too
        if self.current.results is not old_current:
            self._note_results_loaded(old_current)
        if self.baseline.results is not old_baseline or self.current.results is not old_current:
            self.why = None  # new results: the explanation was of others
        return changed, unfinished

    def _compare(self, partial: Callable[[View], None] | None) -> View | None:
        """The view of the results taken; None (and `failure` set) when comparing fails."""
        try:
            view = self.compute_view(self.baseline.results, self.current.results, partial)
        except Exception as exc:
            log.exception("comparing the results of %s failed", self.root)
            names = f"{self.config.baseline.name} with {self.config.current.name}"
            self.failure = Failure(
                self.current.path,
                f"cannot compare {names}: {exc!r}; the last good results stay on screen",
            )
            return None
        self.failure = None
        return view

    def compute_view(
        self,
        baseline: ResultSet | None,
        current: ResultSet | None,
        partial: Callable[[View], None] | None = None,
    ) -> View:
        """Compare and map onto the source; remembered for the same inputs and index."""
        generation, config = self.generation, self.config
        for entry in self._views:
            same = entry.baseline is baseline and entry.current is current
            if same and entry.generation == generation and entry.config is config:
                return entry.view
        # No current results (not run yet, or deleted): nothing to compare. Showing every
        # baseline benchmark as missing would be noise, not news.
        view = View() if current is None else self._comparing(baseline, current, partial)
        self._views = [*self._views[-1:], _Computed(baseline, current, generation, config, view)]
        return view

    def _comparing(
        self,
        baseline: ResultSet | None,
        current: ResultSet,
        partial: Callable[[View], None] | None,
    ) -> View:
        """Compare and map, handing a view of the first benchmarks compared to `partial`."""
        done: list[BenchmarkComparison] = []
        for bench in compare_each(baseline, current, self.config):
            done.append(bench)
            if partial is not None and len(done) == FIRST_PARTIAL:
                partial(self.locate(comparison_of(baseline, current, self.config, tuple(done))))
        return self.locate(comparison_of(baseline, current, self.config, tuple(done)))

    def _snapshot_sources(self, paths: Iterable[Path], documents: Documents) -> None:
        """Remember the first version of files not seen yet (for staleness): their text
        only, fingerprinted if a different version comes (no parse here)."""
        for path in paths:
            if self.tracker.known(path):
                continue
            text = documents.text(path)
            if text is not None:
                self.tracker.remember(path, text)

    def _note_results_loaded(self, old: ResultSet | None) -> None:
        new = self.current.results
        if new is None:
            self.times = {}
            return
        stamp = self.current.stamp
        when = stamp.mtime if stamp is not None else time.time()
        self.times = result_times(old, new, when, self.times)

    def load_history(self) -> History:
        if self.history is None:
            self.history = History.load(self.config.history)
        return self.history
