"""What the server knows about one workspace folder, and how it is reloaded.

No pygls types here. Each piece (configuration, source index, results files,
comparison, findings) is recomputed by a blocking function that the server runs
off the event loop, and swapped in whole on the loop, so a request never sees
half an update. Results files are read defensively: a file caught mid-write
keeps the last good parse on screen until a complete one can be read.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchlens.compare import BenchmarkComparison, Comparison, compare
from benchlens.config import Config, ConfigIssue, find_config_file, load_config
from benchlens.goindex.index import WorkspaceIndex
from benchlens.goindex.model import BenchmarkFunction, RunSite, SourceRange
from benchlens.results.model import BenchmarkKey, ResultSet
from benchlens.results.reader import ResultsFileError, load_results
from benchlens.trend import History
from benchlens.views.findings import Finding, Placement, findings, place

# --- settings ------------------------------------------------------------------------------

#: Default debounce of file-system events, in milliseconds.
DEFAULT_DEBOUNCE_MS = 200
#: Keys of the editor settings that configure the server itself, not the comparison.
SERVER_KEYS = frozenset({"debounce_ms", "debounceMs"})


@dataclass(frozen=True)
class ServerOptions:
    """Settings of the server process (not of the comparison)."""

    debounce: float = DEFAULT_DEBOUNCE_MS / 1000
    #: From `initializationOptions.trusted`: the client's word on workspace trust.
    trusted: bool = True


def settings_layer(raw: Any) -> dict[str, Any]:
    """Editor settings as a plain mapping; `{"benchlens": {...}}` is unwrapped."""
    if not isinstance(raw, Mapping):
        return {}
    if set(raw) == {"benchlens"} and isinstance(raw["benchlens"], Mapping):
        raw = raw["benchlens"]
    return {str(k): v for k, v in raw.items()}


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """`top` over `base`, tables merged key by key (so one severity can be changed alone)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def split_server_options(
    settings: Mapping[str, Any], trusted: bool = True
) -> tuple[dict[str, Any], ServerOptions, list[str]]:
    """Separate the server's own keys from the comparison settings `load_config` reads."""
    problems: list[str] = []
    config_settings = {k: v for k, v in settings.items() if k not in SERVER_KEYS}
    debounce_ms: Any = DEFAULT_DEBOUNCE_MS
    for key in ("debounce_ms", "debounceMs"):
        if key in settings:
            debounce_ms = settings[key]
    if isinstance(debounce_ms, bool) or not isinstance(debounce_ms, int | float):
        problems.append(f"debounce_ms: expected a number of milliseconds, got {debounce_ms!r}")
        debounce_ms = DEFAULT_DEBOUNCE_MS
    elif not 0 <= debounce_ms <= 10_000:
        problems.append(f"debounce_ms: {debounce_ms} is out of range [0, 10000]")
        debounce_ms = DEFAULT_DEBOUNCE_MS
    return config_settings, ServerOptions(debounce_ms / 1000, trusted), problems


# --- results files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What identifies a version of a file on disk (the inode changes on an atomic rename)."""

    mtime_ns: int
    size: int
    inode: int = 0

    @property
    def mtime(self) -> float:
        return self.mtime_ns / 1e9


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return Stamp(st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True)
class Parse:
    """One attempt at reading a results file."""

    path: Path
    results: ResultSet | None  # None: no file, or unreadable (see `error`)
    stamp: Stamp | None
    error: str | None = None
    ends_with_newline: bool = True
    changed_while_reading: bool = False


def parse_results(path: Path) -> Parse:
    """Read a results file, noting what would betray a file caught mid-write. Blocking."""
    before = stamp_of(path)
    if before is None:
        return Parse(path, None, None)
    try:
        results = load_results(path)
    except ResultsFileError as exc:
        return Parse(path, None, before, error=str(exc))
    after = stamp_of(path)
    ends = True
    if after is not None and after.size > 0:
        try:
            with path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                ends = fh.read(1) == b"\n"
        except OSError:
            ends = True
    return Parse(path, results, after, None, ends, changed_while_reading=before != after)


def incomplete_reason(new: Parse, previous: ResultSet | None) -> str | None:
    """Why `new` looks like a file caught mid-write (then the previous parse is kept)."""
    if new.results is None:
        gone = new.error is None and new.stamp is None
        if gone and previous is not None and len(previous) > 0:
            return "it holds no benchmark: the file is gone (being replaced?)"
        return None
    if new.changed_while_reading:
        return "the file changed while it was read"
    if not new.ends_with_newline:
        return "the last line is not finished"
    results = new.results
    if results.issues and new.stamp is not None:
        last = max(i.location.line for i in results.issues)
        if last >= _line_count(new.path) - 1:
            return f"line {last} cannot be read (yet)"
    if previous is not None and len(previous) > 0:
        if len(results) == 0:
            return "it holds no benchmark"
        if len(results) < len(previous) // 2:
            return f"it holds {len(results)} benchmarks, {len(previous)} before"
    return None


def _line_count(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) + 1
    except OSError:
        return 0


#: How many times a results file that looks unfinished is read again before it is taken as is.
MAX_ATTEMPTS = 4


@dataclass
class ResultsFile:
    """A results file as the server shows it: the last good parse, and the newest attempt."""

    path: Path
    results: ResultSet | None = None
    stamp: Stamp | None = None
    error: str | None = None
    #: Consecutive suspicious reads of the newest version (see `incomplete_reason`).
    attempts: int = 0
    last_attempt: Stamp | None = None

    def unchanged_on_disk(self) -> bool:
        """The file is still the version last taken (so it need not be read again)."""
        return self.attempts == 0 and self.error is None and stamp_of(self.path) == self.stamp

    def accept(self, parse: Parse) -> None:
        self.results, self.stamp, self.error = parse.results, parse.stamp, parse.error
        self.attempts, self.last_attempt = 0, None

    def offer(self, parse: Parse) -> str | None:
        """Take `parse` unless it looks unfinished; returns the reason to retry, if any.

        A file that looks unfinished is retried up to `MAX_ATTEMPTS` times; one that
        merely shrank is taken once it has stopped changing (a real, smaller run).
        """
        if parse.stamp is not None and parse.stamp == self.stamp and parse.error is None:
            self.attempts = 0
            return None
        reason = incomplete_reason(parse, self.results)
        if reason is not None:
            shrank_only = reason.startswith(("it holds",))
            settled = parse.stamp is not None and parse.stamp == self.last_attempt
            if self.attempts + 1 < MAX_ATTEMPTS and not (shrank_only and settled):
                self.attempts += 1
                self.last_attempt = parse.stamp
                return reason
        self.accept(parse)
        return None


# --- staleness ---------------------------------------------------------------------------------


def function_texts(text: str, functions: Iterable[BenchmarkFunction]) -> dict[str, str]:
    """A fingerprint of each benchmark function's source, blind to blank lines and indentation.

    Moving a function (lines inserted above it) keeps its fingerprint; editing it does not.
    """
    lines = text.splitlines()
    out: dict[str, str] = {}
    for fn in functions:
        end = fn.body_range.end_line if fn.body_range is not None else fn.name_range.end_line
        body = "\n".join(s for line in lines[fn.line : end + 1] if (s := line.strip()))
        out[fn.name] = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
    return out


class EditTracker:
    """When each benchmark function was last edited, to show older results as stale.

    Only edits seen during the session count: a file's functions are fingerprinted
    the first time the server needs them, and every later version is compared.
    """

    def __init__(self) -> None:
        self._texts: dict[Path, dict[str, str]] = {}
        self._edited: dict[tuple[Path, str], float] = {}
        # The loop (editor changes) and a worker (disk changes) both record versions.
        self._lock = threading.Lock()

    def known(self, path: Path) -> bool:
        return path in self._texts

    def observe(
        self, path: Path, text: str, functions: Iterable[BenchmarkFunction], when: float
    ) -> set[str]:
        """Record a version of a file; returns the functions that changed since the last one."""
        new = function_texts(text, functions)
        with self._lock:
            old = self._texts.get(path)
            self._texts[path] = new
            if old is None:
                return set()
            changed = {name for name, fp in new.items() if old.get(name) != fp}
            for name in changed:
                self._edited[(path, name)] = when
            return changed

    def forget(self, path: Path) -> None:
        with self._lock:
            self._texts.pop(path, None)

    def edited_at(self, path: Path, function: str) -> float | None:
        return self._edited.get((path, function))


def result_times(
    old: ResultSet | None, new: ResultSet, when: float, previous: Mapping[BenchmarkKey, float]
) -> dict[BenchmarkKey, float]:
    """When each benchmark's samples were recorded: `when` for those that changed."""
    times: dict[BenchmarkKey, float] = {}
    for key, bench in new.benchmarks.items():
        before = old.benchmarks.get(key) if old is not None else None
        same = before is not None and before.samples == bench.samples
        times[key] = previous.get(key, when) if same else when
    return times


# --- the folder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A benchmark at a known place in the source: what lenses and hovers are made of."""

    bench: BenchmarkComparison
    path: Path
    range: SourceRange


@dataclass(frozen=True)
class View:
    """One consistent state of a folder, swapped in whole: what every request reads.

    `placed` holds every compared benchmark that maps to the source (lenses, hovers);
    `findings` those whose status has a severity (diagnostics), both by file.
    """

    comparison: Comparison | None = None
    placed: Mapping[Path, tuple[Placed, ...]] = field(default_factory=dict)
    findings: Mapping[Path, tuple[Finding, ...]] = field(default_factory=dict)
    unresolved: tuple[Placement, ...] = ()


def make_view(comparison: Comparison, placements: Sequence[Placement], config: Config) -> View:
    """Group the core's placements and findings by file."""
    placed: dict[Path, list[Placed]] = {}
    unresolved: list[Placement] = []
    for p in placements:
        if p.resolution.resolved and p.path is not None and p.range is not None:
            placed.setdefault(p.path, []).append(Placed(p.bench, p.path, p.range))
        else:
            unresolved.append(p)
    by_path: dict[Path, list[Finding]] = {}
    for finding in findings(placements, config):
        if finding.path is not None and finding.range is not None:
            by_path.setdefault(finding.path, []).append(finding)
    return View(
        comparison,
        {path: tuple(ps) for path, ps in placed.items()},
        {path: tuple(fs) for path, fs in by_path.items()},
        tuple(unresolved),
    )


@dataclass(frozen=True)
class _Computed:
    """A view and exactly what it was computed from (identity, not equality: cheap)."""

    baseline: ResultSet | None
    current: ResultSet | None
    generation: int
    config: Config
    view: View


@dataclass
class FolderState:
    """One workspace folder: configuration, index, results, and the view derived from them."""

    root: Path
    uri: str
    config: Config
    config_issues: list[ConfigIssue] = field(default_factory=list)
    config_file: Path | None = None
    index: WorkspaceIndex | None = None
    indexed: bool = False
    baseline: ResultsFile = field(default_factory=lambda: ResultsFile(Path()))
    current: ResultsFile = field(default_factory=lambda: ResultsFile(Path()))
    view: View = field(default_factory=View)
    tracker: EditTracker = field(default_factory=EditTracker)
    times: dict[BenchmarkKey, float] = field(default_factory=dict)
    history: History | None = None
    #: Problems already shown to the user, so a reload does not repeat them.
    shown: set[str] = field(default_factory=set)
    #: Bumped by every change of the index, to know when a computed view is out of date.
    index_generation: int = 0
    _parses: dict[Path, Parse] = field(default_factory=dict)
    _views: list[_Computed] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path, uri: str, settings: Mapping[str, Any]) -> FolderState:
        config, issues = load_config(root, settings)
        state = cls(root=root, uri=uri, config=config, config_issues=issues)
        state.config_file = find_config_file(config.root)
        state.baseline = ResultsFile(config.baseline)
        state.current = ResultsFile(config.current)
        return state

    # -- configuration --

    def reload_config(self, settings: Mapping[str, Any]) -> bool:
        """Re-read the configuration; True when the results paths changed."""
        config, issues = load_config(self.root, settings)
        moved = (config.baseline, config.current) != (self.config.baseline, self.config.current)
        self.config, self.config_issues = config, issues
        self.config_file = find_config_file(config.root)
        if moved:
            self.baseline = ResultsFile(config.baseline)
            self.current = ResultsFile(config.current)
            self.history = None
        return moved

    @property
    def trusted(self) -> bool:
        return self.config.trusted

    def contains(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    # -- index --

    def build_index(self) -> WorkspaceIndex:
        """Walk the folder's Go modules. Blocking (run in a thread)."""
        index = self.index if self.index is not None else WorkspaceIndex([self.root])
        index.build()
        return index

    # -- comparison and findings --

    def read(self, path: Path) -> Parse:
        """A results file's parse, reused while the file on disk is the same version. Blocking."""
        cached = self._parses.get(path)
        fresh = cached is not None and not cached.changed_while_reading and cached.stamp
        if cached is not None and fresh and cached.stamp == stamp_of(path):
            return cached
        parse = parse_results(path)
        self._parses[path] = parse
        return parse

    def candidate(self, file: ResultsFile) -> tuple[bool, ResultSet | None]:
        """What a results file would show if taken now: (True, its results), or (False, None)
        when the newest version looks unfinished (then nothing is prepared). Blocking."""
        if file.unchanged_on_disk():
            return True, file.results
        parse = self.read(file.path)
        if parse.error is not None or incomplete_reason(parse, file.results) is not None:
            return False, None
        return True, parse.results

    def compute_view(self, baseline: ResultSet | None, current: ResultSet | None) -> View:
        """Compare and map onto the source; remembered for the same inputs and index. Blocking.

        The server computes a view as soon as a results file has been rewritten (while
        it waits out the debounce), so the one it publishes is usually ready.
        """
        generation, config = self.index_generation, self.config
        for entry in self._views:
            if (
                entry.baseline is baseline
                and entry.current is current
                and entry.generation == generation
                and entry.config is config
            ):
                return entry.view
        # No current results (not run yet, or deleted): nothing to compare. Showing every
        # baseline benchmark as missing would be noise, not news.
        view = View() if current is None else self.locate_now(compare(baseline, current, config))
        self._views = [*self._views[-1:], _Computed(baseline, current, generation, config, view)]
        return view

    def locate_now(self, comparison: Comparison | None) -> View:
        """Map a comparison onto the source. Blocking (the index may parse files)."""
        if comparison is None or self.index is None:
            return View(comparison)
        return make_view(comparison, place(comparison, self.index), self.config)

    def snapshot_sources(self, paths: Iterable[Path], read: Any) -> None:
        """Fingerprint the benchmark functions of files not seen yet (for staleness)."""
        if self.index is None:
            return
        for path in paths:
            if self.tracker.known(path):
                continue
            text = read(path)
            if text is not None:
                self.tracker.observe(path, text, self.index.functions_in_file(path), time.time())

    def note_results_loaded(self, old: ResultSet | None) -> None:
        new = self.current.results
        if new is None:
            self.times = {}
            return
        when = self.current.stamp.mtime if self.current.stamp is not None else time.time()
        self.times = result_times(old, new, when, self.times)

    def is_stale(self, bench: BenchmarkComparison, path: Path) -> bool:
        """Edited after its results were recorded (missing benchmarks have no current result)."""
        recorded = self.times.get(bench.key)
        edited = self.tracker.edited_at(path, bench.key.top_level)
        return recorded is not None and edited is not None and edited > recorded

    def load_history(self) -> History:
        if self.history is None:
            self.history = History.load(self.config.history)
        return self.history

    def results_paths(self) -> list[Path]:
        return [self.config.baseline, self.config.current]

    def lens_targets(self, path: Path) -> Sequence[BenchmarkFunction | RunSite]:
        if self.index is None:
            return []
        return self.index.lens_targets(path)
