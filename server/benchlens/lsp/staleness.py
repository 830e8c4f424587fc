"""Staleness: results older than an edit to their benchmark's source are marked as such.

A benchmark function's source is fingerprinted (blank lines and indentation aside),
so moving a function keeps its results fresh and editing it does not. No pygls types.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from benchlens.goindex.model import BenchmarkFunction
from benchlens.goindex.parse import parse_file
from benchlens.results.model import BenchmarkKey, ResultSet


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


def parsed_functions(path: Path, text: str) -> tuple[BenchmarkFunction, ...]:
    """The benchmark functions of a text, as the index finds them in a file (a full parse)."""
    return parse_file(path, text.encode("utf-8", "surrogatepass")).functions


class EditTracker:
    """When each benchmark function was last edited, to show older results as stale.

    Only edits seen during the session count: a file's first version is remembered
    (`remember`, or the first `observe`), and every later version is compared.
    A remembered text is fingerprinted only when a different version arrives: on a
    large workspace, parsing every file up front would hold the interpreter (a
    tree-sitter parse does not release it) while the editor waits.
    """

    def __init__(
        self,
        functions_of: Callable[[Path, str], Iterable[BenchmarkFunction]] = parsed_functions,
    ) -> None:
        self._functions_of = functions_of
        self._texts: dict[Path, dict[str, str]] = {}
        self._remembered: dict[Path, str] = {}
        self._edited: dict[tuple[Path, str], float] = {}
        # The loop (editor changes) and a worker (disk changes) both record versions.
        self._lock = threading.Lock()

    def known(self, path: Path) -> bool:
        return path in self._texts or path in self._remembered

    def remember(self, path: Path, text: str) -> None:
        """A file's first version, fingerprinted when (if) a different one is observed."""
        with self._lock:
            if path not in self._texts:
                self._remembered[path] = text

    def observe(
        self, path: Path, text: str, functions: Iterable[BenchmarkFunction], when: float
    ) -> set[str]:
        """Record a version of a file; returns the functions that changed since the last one."""
        new = function_texts(text, functions)
        with self._lock:
            first = self._remembered.pop(path, None)
        remembered: dict[str, str] | None = None
        if first is not None:
            same = first == text
            remembered = new if same else function_texts(first, self._functions_of(path, first))
        with self._lock:
            old = self._texts.get(path, remembered)
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
            self._remembered.pop(path, None)

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
