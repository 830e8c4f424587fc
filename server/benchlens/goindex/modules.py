"""Package import paths ⇄ directories, through `go.mod` and `go.work`.

A result names its package by import path (`pkg: example.com/m/storage/log`);
the source is in a directory. The import path of a directory is the module
path of the nearest `go.mod` above it plus the relative path, except in the
standard library, whose module `std` contributes no prefix (`encoding/json`).
A `go.work` adds the modules its `use` directives name, wherever they are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Module",
    "ModuleResolver",
    "find_go_work",
    "parse_go_work_uses",
    "parse_module_path",
]


@dataclass(frozen=True, slots=True)
class Module:
    """A Go module: its path (`example.com/m`) and the directory of its `go.mod`."""

    path: str
    root: Path

    def import_path(self, directory: Path) -> str | None:
        """The import path of a package directory inside this module."""
        try:
            rel = directory.relative_to(self.root)
        except ValueError:
            return None
        parts = rel.parts
        if not parts:
            return self.path
        sub = "/".join(parts)
        return sub if self.path == "std" else f"{self.path}/{sub}"

    def directory(self, import_path: str) -> Path | None:
        """The directory of a package of this module, whether or not it exists."""
        if self.path == "std":
            if import_path == "std":
                return self.root
            first = import_path.split("/", 1)[0]
            # std import paths have no dot in their first element; others are not std's
            return None if "." in first else self.root.joinpath(*import_path.split("/"))
        if import_path == self.path:
            return self.root
        if import_path.startswith(self.path + "/"):
            return self.root.joinpath(*import_path[len(self.path) + 1 :].split("/"))
        return None


def _strip_comment(line: str) -> str:
    i = line.find("//")
    return (line if i < 0 else line[:i]).strip()


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in '"`':
        return token[1:-1]
    return token


def parse_module_path(text: str) -> str | None:
    """The `module` directive of a go.mod file; None when there is none."""
    lines = iter(text.splitlines())
    for raw in lines:
        line = _strip_comment(raw)
        if not line.startswith("module"):
            continue
        rest = line[len("module") :].strip()
        if rest == "(":  # the rare block form
            for inner in lines:
                inner = _strip_comment(inner)
                if inner and inner != ")":
                    return _unquote(inner)
            return None
        if rest and line[len("module")] in ' \t"`':
            return _unquote(rest)
    return None


def parse_go_work_uses(text: str) -> list[str]:
    """The directories of a go.work file's `use` directives, as written (relative or absolute)."""
    uses: list[str] = []
    in_block = False
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if in_block:
            if line == ")":
                in_block = False
            elif line:
                uses.append(_unquote(line))
            continue
        if line.startswith("use") and line[3:4] in (" ", "\t", "("):
            rest = line[3:].strip()
            if rest == "(":
                in_block = True
            elif rest.startswith("(") and rest.endswith(")"):
                uses.extend(_unquote(t) for t in rest[1:-1].split())
            elif rest:
                uses.append(_unquote(rest))
    return uses


def find_go_work(start: Path) -> Path | None:
    """The go.work that applies to `start`: the nearest one in it or above it, as `go` looks."""
    for directory in (start, *start.parents):
        candidate = directory / "go.work"
        if candidate.is_file():
            return candidate
    return None


def read_module(directory: Path) -> Module | None:
    """The module whose go.mod is directly in `directory`, if it has one with a module path."""
    try:
        text = (directory / "go.mod").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    path = parse_module_path(text)
    return None if path is None else Module(path, directory)


class ModuleResolver:
    """Nearest-go.mod lookups, cached per directory (the walk pre-fills the cache)."""

    def __init__(self) -> None:
        self._by_dir: dict[Path, Module | None] = {}

    def clear(self) -> None:
        self._by_dir.clear()

    def remember(self, directory: Path, module: Module | None) -> None:
        """Record what the workspace walk already knows, so lookups cost nothing."""
        self._by_dir[directory] = module

    def module_of_dir(self, directory: Path) -> Module | None:
        """The module containing `directory`: the nearest go.mod at or above it."""
        missed: list[Path] = []
        found: Module | None = None
        current = directory
        while True:
            if current in self._by_dir:
                found = self._by_dir[current]
                break
            missed.append(current)
            if os.path.isfile(current / "go.mod"):
                found = read_module(current)
                break
            if current.parent == current:
                break
            current = current.parent
        for d in missed:
            self._by_dir[d] = found
        return found

    def import_path(self, directory: Path) -> str | None:
        module = self.module_of_dir(directory)
        return None if module is None else module.import_path(directory)
