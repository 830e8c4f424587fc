"""The workspace index: benchmark results → source locations, kept current as files change.

`build()` walks the roots once (os.scandir, skipping hidden, `_`-prefixed,
`vendor`, `testdata` and `node_modules` directories), records every module, and
byte-scans only the `_test.go` files that contain `func Benchmark`. Files are
parsed with tree-sitter lazily, when a result needs its `b.Run` calls or the
editor shows it, and the parse then replaces the scan for that file. Every
cache entry is keyed by (mtime, size), so a second `build()` reads only what
changed; open documents override the disk until they are closed.

Paths are taken as given, made absolute but not symlink-resolved: pass the
same spelling the editor uses. The index is safe to call from several threads
(one lock), but meant to be driven from one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Tree

from benchlens.goindex.match import match_sites
from benchlens.goindex.model import (
    BenchmarkFunction,
    PackageLocation,
    Resolution,
    ResolutionKind,
    RunSite,
    SourceRange,
)
from benchlens.goindex.modules import (
    Module,
    ModuleResolver,
    find_go_work,
    parse_go_work_uses,
    read_module,
)
from benchlens.goindex.parse import ParsedFile, edit_tree, file_constants, parse_bytes, parse_file
from benchlens.goindex.scan import MARKER, ScannedFunction, scan_benchmarks

__all__ = ["SKIPPED_DIRS", "WorkspaceIndex"]

#: Directory names never indexed (besides names starting with `.` or `_`, which go ignores).
SKIPPED_DIRS = frozenset({"vendor", "testdata", "node_modules"})

_StatKey = tuple[int, int]  # (mtime_ns, size)


def _abspath(path: Path | str) -> Path:
    return Path(os.path.abspath(path))


def _stat_key(st: os.stat_result) -> _StatKey:
    return (st.st_mtime_ns, st.st_size)


def _read_file(path: str) -> tuple[bytes, _StatKey] | None:
    """A file's bytes and the (mtime, size) they were read at: open, fstat, read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # the file grew while being read
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        return data, _stat_key(st)
    except OSError:
        return None
    finally:
        os.close(fd)


def _is_test_file(name: str) -> bool:
    return name.endswith("_test.go") and name[0] not in "._"


@dataclass(slots=True)
class _File:
    """One `_test.go` file that declares benchmarks (or is open in the editor)."""

    path: Path
    stat: _StatKey | None  # the disk version the entry describes; None for editor text
    scan: tuple[ScannedFunction, ...]  # the byte scan's answer, until a parse replaces it
    parsed: ParsedFile | None = None
    doc: bytes | None = None  # open-document text, which overrides the disk
    tree: Tree | None = None  # the open document's parse tree, for incremental re-parse
    _scanned: tuple[BenchmarkFunction, ...] | None = None

    @property
    def functions(self) -> tuple[BenchmarkFunction, ...]:
        """The parse's functions when there is a parse, else the scan's (made on first use)."""
        if self.parsed is not None:
            return self.parsed.functions
        if self._scanned is None:
            self._scanned = tuple(
                BenchmarkFunction(
                    self.path, s.name, SourceRange(s.line, s.start_col, s.line, s.end_col)
                )
                for s in self.scan
            )
        return self._scanned

    def rescan(self, data: bytes) -> None:
        """Keep the scan in step with the text parsed, for when the parse is dropped."""
        self.scan = tuple(scan_benchmarks(data))
        self._scanned = None

    @property
    def names(self) -> list[str]:
        if self.parsed is not None:
            return [f.name for f in self.parsed.functions]
        return [s.name for s in self.scan]


@dataclass(slots=True)
class _Dir:
    """A package directory with benchmark files."""

    path: Path
    module: Module | None
    import_path: str | None
    files: dict[Path, _File] = field(default_factory=dict)
    by_name: dict[str, _File] | None = None  # function name → first file declaring it

    def file_of(self, function: str) -> _File | None:
        if self.by_name is None:
            self.by_name = {}
            for path in sorted(self.files):
                entry = self.files[path]
                for name in entry.names:
                    self.by_name.setdefault(name, entry)
        return self.by_name.get(function)


class WorkspaceIndex:
    """Benchmarks and `b.Run` calls of the Go modules under some roots, and result resolution."""

    def __init__(self, roots: Sequence[Path | str]) -> None:
        self.roots: tuple[Path, ...] = tuple(dict.fromkeys(_abspath(r) for r in roots))
        self._lock = threading.RLock()
        self._modules = ModuleResolver()
        self._module_list: list[Module] = []
        self._roots: list[Path] | None = None  # the roots plus go.work modules outside them
        self._dirs: dict[Path, _Dir] = {}
        self._packages: dict[str, list[Path]] = {}
        self._files: dict[Path, _File] = {}
        self._no_benchmarks: dict[str, _StatKey] = {}  # files read and found without any
        self._docs: dict[Path, bytes] = {}  # every open document, test file or not
        self._consts: dict[Path, tuple[_StatKey | None, dict[str, str]]] = {}
        #: Counters for tests and benchmarks: files read from disk and parsed so far.
        self.files_read = 0
        self.files_parsed = 0

    @classmethod
    def built(cls, roots: Sequence[Path | str]) -> WorkspaceIndex:
        """The index of `roots`, built: a one-shot command's (`check`, `init`)."""
        index = cls(roots)
        index.build()
        return index

    def __getstate__(self) -> dict[str, object]:
        """What a built index is, for another process (`check` builds it in a child while
        it compares): its lock is not, and the go.mod lookups are a cache, made again."""
        state = dict(self.__dict__)
        del state["_lock"]
        state["_modules"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._modules = ModuleResolver()
        for directory in self._dirs.values():
            self._modules.remember(directory.path, directory.module)

    # --- building -------------------------------------------------------------------------

    def build(self) -> None:
        """Walk every root (and the modules a go.work `use`s); unchanged files are not re-read."""
        with self._lock:
            old_files = self._files
            self._files = {}
            self._dirs = {}
            self._packages = {}
            self._module_list = []
            self._modules.clear()
            seen: set[str] = set()
            self._roots = self._walk_roots()
            for root in self._roots:
                self._walk(str(root), self._modules.module_of_dir(root), old_files, seen)
            for path, entry in old_files.items():  # open documents outside the walked tree
                if entry.doc is not None and path not in self._files:
                    self._add_file(entry)

    def _walk_roots(self) -> list[Path]:
        roots = list(self.roots)
        for root in self.roots:
            work = find_go_work(root)
            if work is None:
                continue
            try:
                text = work.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for use in parse_go_work_uses(text):
                directory = _abspath(work.parent / use)
                if not any(directory.is_relative_to(r) for r in roots):
                    roots.append(directory)
        # a root inside another root would be walked twice
        return [r for r in roots if not any(r != o and r.is_relative_to(o) for o in roots)]

    def _walk(
        self, top: str, module: Module | None, old_files: dict[Path, _File], seen: set[str]
    ) -> None:
        old = {str(p): e for p, e in old_files.items()}
        stack: list[tuple[str, Module | None]] = [(top, module)]
        while stack:
            directory, mod = stack.pop()
            if directory in seen:
                continue
            seen.add(directory)
            tests: list[str] = []
            subdirs: list[str] = []
            has_mod = False
            try:
                with os.scandir(directory) as it:
                    for e in it:
                        name = e.name
                        if name[0] in "._":
                            continue
                        if name.endswith("_test.go"):
                            tests.append(e.path)
                        elif name == "go.mod":
                            has_mod = True
                        elif name not in SKIPPED_DIRS and e.is_dir(follow_symlinks=False):
                            subdirs.append(e.path)
            except OSError:
                continue
            if has_mod and (mod is None or str(mod.root) != directory):
                mod = read_module(Path(directory))
                if mod is not None and mod not in self._module_list:
                    self._module_list.append(mod)
                self._modules.remember(Path(directory), mod)
            elif directory == top and mod is not None and mod not in self._module_list:
                self._module_list.append(mod)
            for path in sorted(tests):
                self._visit_test_file(path, mod, old)
            subdirs.sort(reverse=True)
            stack.extend((d, mod) for d in subdirs)

    def _visit_test_file(self, path: str, module: Module | None, old: dict[str, _File]) -> None:
        """Reuse the cached entry when (mtime, size) is unchanged; else read and scan."""
        entry = old.get(path)
        negative = self._no_benchmarks.get(path)
        if entry is not None or negative is not None:
            if entry is not None and entry.doc is not None:
                self._add_file(entry, module)
                return
            try:
                key = _stat_key(os.stat(path))
            except OSError:
                return
            if entry is not None and entry.stat == key:
                self._add_file(entry, module)
                return
            if negative == key:
                return
        entry = self._read_entry(path)
        if entry is not None:
            self._add_file(entry, module)

    def _read_entry(self, path: str) -> _File | None:
        """Read and scan a file from disk; None (remembered) when it declares no benchmark."""
        read = _read_file(path)
        if read is None:
            return None
        data, key = read
        self.files_read += 1
        if MARKER not in data:
            self._no_benchmarks[path] = key
            return None
        self._no_benchmarks.pop(path, None)
        return _File(Path(path), key, tuple(scan_benchmarks(data)))

    def _add_file(self, entry: _File, module: Module | None = None) -> None:
        directory = entry.path.parent
        d = self._dirs.get(directory)
        if d is None:
            if module is None:
                module = self._modules.module_of_dir(directory)
            import_path = None if module is None else module.import_path(directory)
            d = self._dirs[directory] = _Dir(directory, module, import_path)
            if import_path is not None:
                self._packages.setdefault(import_path, []).append(directory)
        d.files[entry.path] = entry
        d.by_name = None
        self._files[entry.path] = entry

    def _drop_file(self, path: Path) -> None:
        self._files.pop(path, None)
        d = self._dirs.get(path.parent)
        if d is not None and d.files.pop(path, None) is not None:
            d.by_name = None

    # --- editor and watcher events ----------------------------------------------------------

    def update_document(self, path: Path | str, text: str) -> None:
        """Editor text for a file (didOpen/didChange): parsed now, incrementally if possible."""
        path = _abspath(path)
        data = text.encode("utf-8")
        with self._lock:
            self._docs[path] = data
            if not _is_test_file(path.name):
                if path.suffix == ".go":
                    self._invalidate_consts(path)
                return
            entry = self._files.get(path)
            tree: Tree | None = None
            if MARKER in data:
                lookup = self._const_lookup(path)
                if entry is not None and entry.doc is not None and entry.tree is None:
                    # A change to a file whose whole parse had errors: tree-sitter's
                    # recovery makes every re-parse of it slow (~350 ms for the 351 KiB
                    # encoding/json/v2/arshal_test.go), so only the declarations the
                    # index needs are parsed, each on its own (~2 ms there).
                    parsed = parse_file(path, data, None, lookup, by_declaration=True)
                else:
                    if entry is not None and entry.tree is not None and entry.doc is not None:
                        edit_tree(entry.tree, entry.doc, data)
                        tree = parse_bytes(data, entry.tree)
                    else:
                        tree = parse_bytes(data)
                    parsed = parse_file(path, data, tree, lookup)
                    if tree.root_node.has_error:
                        tree = None
                self.files_parsed += 1
            else:
                parsed = ParsedFile(path, (), ())
            if entry is None:
                entry = _File(path, None, ())
                self._add_file(entry)
            entry.doc, entry.tree, entry.parsed, entry.stat = data, tree, parsed, None
            entry.rescan(data)
            self._touch_dir(path)

    def close_document(self, path: Path | str) -> None:
        """The editor closed the file: the disk is the truth again."""
        path = _abspath(path)
        with self._lock:
            self._docs.pop(path, None)
            entry = self._files.get(path)
            if entry is not None:
                entry.doc = entry.tree = None
                entry.stat = None
            self.refresh_file(path)

    def refresh_file(self, path: Path | str) -> None:
        """A file changed, appeared or vanished on disk (a watcher event)."""
        path = _abspath(path)
        with self._lock:
            if path.name in ("go.mod", "go.work"):
                self.build()
                return
            if path.suffix == ".go" and not _is_test_file(path.name):
                self._invalidate_consts(path)
                return
            if not _is_test_file(path.name):
                if path.is_dir() or any(p.is_relative_to(path) for p in self._files):
                    self._refresh_tree(path)
                return
            entry = self._files.get(path)
            if entry is not None and entry.doc is not None:
                return  # the editor's text wins until the document is closed
            if not self._in_workspace(path):
                self._drop_file(path)  # e.g. a loose file the editor had open
                return
            try:
                key = _stat_key(path.stat())
            except OSError:
                self.remove_file(path)
                return
            if entry is not None and entry.stat == key:
                return
            if entry is None and self._no_benchmarks.get(str(path)) == key:
                return
            self._drop_file(path)
            self._invalidate_consts(path)
            new = self._read_entry(str(path))
            if new is not None:
                self._add_file(new)

    def remove_file(self, path: Path | str) -> None:
        """A file (or a whole directory) was deleted."""
        path = _abspath(path)
        with self._lock:
            self._no_benchmarks.pop(str(path), None)
            self._consts.pop(path, None)
            for p in [p for p in self._files if p == path or p.is_relative_to(path)]:
                if self._files[p].doc is None:
                    self._drop_file(p)
            self._invalidate_consts(path)

    def _refresh_tree(self, directory: Path) -> None:
        """A directory appeared, moved or vanished: rescan just that subtree."""
        for p in [p for p in self._files if p.is_relative_to(directory)]:
            if self._files[p].doc is None:
                self._drop_file(p)
        if directory.is_dir() and self._in_workspace(directory):
            old = {p: e for p, e in self._files.items() if e.doc is not None}
            self._walk(str(directory), self._modules.module_of_dir(directory), old, set())

    def _in_workspace(self, path: Path) -> bool:
        """Whether the walk would reach this file (under a root, in no skipped directory)."""
        if self._roots is None:
            self._roots = self._walk_roots()
        for root in self._roots:
            if path.is_relative_to(root):
                parts = path.parent.relative_to(root).parts
                if not any(p in SKIPPED_DIRS or p[:1] in ("_", ".") for p in parts):
                    return True
        return False

    def _touch_dir(self, path: Path) -> None:
        d = self._dirs.get(path.parent)
        if d is not None:
            d.by_name = None

    # --- constants from other files of a package -------------------------------------------

    def _read(self, path: Path) -> bytes | None:
        doc = self._docs.get(path)
        if doc is not None:
            return doc
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _const_lookup(self, path: Path) -> _ConstLookup:
        return _ConstLookup(self, path)

    def _file_consts(self, path: Path) -> dict[str, str]:
        doc = self._docs.get(path)
        key: _StatKey | None = None
        if doc is None:
            try:
                key = _stat_key(path.stat())
            except OSError:
                return {}
        cached = self._consts.get(path)
        if cached is not None and doc is None and cached[0] == key:
            return cached[1]
        data = doc if doc is not None else self._read(path)
        consts = {} if data is None or b"const" not in data else file_constants(data)
        self._consts[path] = (key, consts)
        return consts

    def _invalidate_consts(self, path: Path) -> None:
        """Another file of the package changed: forget parses that borrowed its constants."""
        self._consts.pop(path, None)
        d = self._dirs.get(path.parent)
        if d is None:
            return
        for entry in d.files.values():
            parsed = entry.parsed
            if entry.path != path and parsed is not None and parsed.external_names:
                if entry.doc is not None:
                    tree = entry.tree if entry.tree is not None else parse_bytes(entry.doc)
                    entry.parsed = parse_file(
                        entry.path, entry.doc, tree, _ConstLookup(self, entry.path)
                    )
                else:
                    entry.parsed = None
        d.by_name = None

    # --- parsing on demand ------------------------------------------------------------------

    def _parsed(self, entry: _File) -> ParsedFile:
        """The tree-sitter truth for a file, parsed now if it was only scanned."""
        if entry.parsed is not None:
            if entry.doc is not None:
                return entry.parsed
            try:
                if _stat_key(entry.path.stat()) == entry.stat:
                    return entry.parsed
            except OSError:
                return entry.parsed
        read = _read_file(str(entry.path))
        if read is None:
            return ParsedFile(entry.path, entry.functions, ())
        data, key = read
        self.files_read += 1
        self.files_parsed += 1
        parsed = parse_file(entry.path, data, None, _ConstLookup(self, entry.path))
        entry.parsed, entry.stat = parsed, key
        entry.rescan(data)
        self._touch_dir(entry.path)
        return parsed

    def _entry(self, path: Path | str) -> _File | None:
        path = _abspath(path)
        entry = self._files.get(path)
        if entry is None and _is_test_file(path.name) and path.is_file():
            self.refresh_file(path)
            entry = self._files.get(path)
        return entry

    # --- queries ----------------------------------------------------------------------------

    def functions_in_file(self, path: Path | str) -> list[BenchmarkFunction]:
        """Benchmark functions of a file, from a tree-sitter parse (done now if needed)."""
        with self._lock:
            entry = self._entry(path)
            return [] if entry is None else list(self._parsed(entry).functions)

    def run_sites_in_file(self, path: Path | str) -> list[RunSite]:
        """Every `b.Run` call inside the file's benchmarks, in source order."""
        with self._lock:
            entry = self._entry(path)
            return [] if entry is None else list(self._parsed(entry).sites)

    def lens_targets(self, path: Path | str) -> list[BenchmarkFunction | RunSite]:
        """Functions and `b.Run` sites of a file ordered by line: where code lenses go."""
        with self._lock:
            targets: list[BenchmarkFunction | RunSite] = [
                *self.functions_in_file(path),
                *self.run_sites_in_file(path),
            ]
        return sorted(targets, key=lambda t: (t.line, isinstance(t, RunSite)))

    def at_position(
        self, path: Path | str, line: int, col: int
    ) -> BenchmarkFunction | RunSite | None:
        """The innermost `b.Run` call, else the benchmark function, at a position (hover, run)."""
        with self._lock:
            entry = self._entry(path)
            if entry is None:
                return None
            parsed = self._parsed(entry)
            inside = [s for s in parsed.sites if s.call_range.contains(line, col)]
            if inside:
                return max(inside, key=lambda s: s.depth)
            for fn in parsed.functions:
                end = fn.body_range if fn.body_range is not None else fn.name_range
                whole = SourceRange(fn.name_range.start_line, 0, end.end_line, end.end_col)
                if whole.contains(line, col):
                    return fn
            return None

    def functions(self, package: str | None = None) -> list[BenchmarkFunction]:
        """Every known benchmark function (of one package), from the scan or the parse."""
        with self._lock:
            dirs = self._dirs.values() if package is None else self._package_dirs(package)
            return [fn for d in dirs for p in sorted(d.files) for fn in d.files[p].functions]

    def packages(self) -> list[str]:
        """Import paths of every package with benchmarks."""
        with self._lock:
            return sorted(self._packages)

    def package_of_dir(self, directory: Path | str) -> str | None:
        """The import path of a directory, through the nearest go.mod."""
        with self._lock:
            directory = _abspath(directory)
            d = self._dirs.get(directory)
            if d is not None:
                return d.import_path
            return self._modules.import_path(directory)

    def package_of_file(self, path: Path | str) -> str | None:
        return self.package_of_dir(_abspath(path).parent)

    def module_of_dir(self, directory: Path | str) -> Module | None:
        with self._lock:
            return self._modules.module_of_dir(_abspath(directory))

    def package_location(self, package: str) -> PackageLocation | None:
        """Directory and module of a package: where the runner runs `go test`."""
        with self._lock:
            dirs = self._package_dirs(package)
            if dirs:
                d = dirs[0]
                if d.module is not None:
                    return PackageLocation(
                        package, d.path, d.module.path, d.module.root, tuple(sorted(d.files))
                    )
            for module in self._module_list:
                directory = module.directory(package)
                if directory is not None and directory.is_dir():
                    return PackageLocation(package, directory, module.path, module.root)
            return None

    def _package_dirs(self, package: str) -> list[_Dir]:
        return [self._dirs[p] for p in self._packages.get(package, ())]

    # --- resolution -------------------------------------------------------------------------

    def resolve(self, package: str, name: str) -> Resolution:
        """Where the result `(package, full name)` belongs; unresolved results say why."""
        with self._lock:
            top, _, rest = name.partition("/")
            parts = rest.split("/") if rest else []
            if not top:
                return self._unresolved(package, name, "the benchmark name is empty")
            if package:
                dirs = self._package_dirs(package)
                if not dirs:
                    return self._unresolved(package, name, self._why_no_package(package))
            else:
                dirs = list(self._dirs.values())
            found = [(d, f) for d in dirs if (f := d.file_of(top)) is not None]
            if not found:
                where = f"package {package}" if package else "the workspace"
                return self._unresolved(package, name, f"no function {top} in {where}")
            if not package and len(found) > 1:
                pkgs = ", ".join(sorted(str(d.import_path or d.path) for d, _ in found))
                return self._unresolved(package, name, f"{top} is in several packages: {pkgs}")
            _, entry = found[0]
            return self._resolve_in_file(package, name, top, parts, entry)

    def _resolve_in_file(
        self, package: str, name: str, top: str, parts: list[str], entry: _File
    ) -> Resolution:
        function = next((f for f in entry.functions if f.name == top), None)
        if parts:
            parsed = self._parsed(entry)
            function = next((f for f in parsed.functions if f.name == top), function)
        if function is None:
            return self._unresolved(package, name, f"no function {top} in {entry.path}")
        if not parts:
            return Resolution(
                package, name, ResolutionKind.FUNCTION, entry.path, function.name_range, function
            )
        sites = [s for s in self._parsed(entry).sites if s.function == top]
        found = match_sites(sites, parts)
        if found.site is not None and found.matched_parts == len(parts):
            return Resolution(
                package,
                name,
                ResolutionKind.RUN,
                entry.path,
                found.site.range,
                function,
                found.site,
                found.matched_parts,
            )
        missing = "/".join(parts[found.matched_parts :])
        if not sites:
            reason = f"{top} has no b.Run call the index can see"
        else:
            where = top if found.site is None else found.site.display_name
            reason = f"no b.Run call in {where} matches {missing!r}"
        return Resolution(
            package,
            name,
            ResolutionKind.FALLBACK,
            entry.path,
            function.name_range if found.site is None else found.site.range,
            function,
            found.site,
            found.matched_parts,
            reason,
        )

    def _unresolved(self, package: str, name: str, reason: str) -> Resolution:
        return Resolution(package, name, ResolutionKind.UNRESOLVED, reason=reason)

    def _why_no_package(self, package: str) -> str:
        for module in self._module_list:
            directory = module.directory(package)
            if directory is not None and directory.is_dir():
                return f"package {package} ({directory}) has no benchmarks"
        return f"package {package} is not in the workspace"

    def resolve_all(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Resolution]:
        """Resolve many (package, name) pairs; each file is parsed at most once."""
        return {key: self.resolve(*key) for key in dict.fromkeys(keys)}


class _ConstLookup:
    """Package-level string constants from the other `.go` files of a file's directory."""

    def __init__(self, index: WorkspaceIndex, path: Path) -> None:
        self._index = index
        self._path = path

    def __call__(self, name: str) -> str | None:
        needle = name.encode()
        try:
            with os.scandir(self._path.parent) as it:
                names = sorted(e.name for e in it if e.name.endswith(".go"))
        except OSError:
            return None
        for file_name in names:
            if file_name[0] in "._":
                continue
            other = self._path.parent / file_name
            if other == self._path:
                continue
            data = self._index._docs.get(other)
            if data is not None and needle not in data:
                continue
            value = self._index._file_consts(other).get(name)
            if value is not None:
                return value
        return None
