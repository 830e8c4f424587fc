"""What `benchlens init` needs to know about a Go repository, found without running Go.

The module is the directory's `go.mod`; the packages with benchmarks come from
the same fast scan the editor uses (`func Benchmark` lines in `_test.go` files,
skipping `testdata`, `vendor`, hidden directories and nested modules, as
`go test ./...` does); the repository's top and default branch from git, when
there is one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchlens.goindex import WorkspaceIndex
from benchlens.goindex.modules import read_module
from benchlens.history import git

#: The oldest Go that benchlens runs with: it asks `go list -json=FIELDS` (Go 1.19).
MIN_GO = (1, 19)

_GO_DIRECTIVE = re.compile(r"^go\s+(\d+)\.(\d+)", re.MULTILINE)


def go_directive(go_mod: str) -> tuple[int, int] | None:
    """(major, minor) of go.mod's `go` line, the version `actions/setup-go` installs
    for `go-version-file: go.mod`; None without one."""
    found = _GO_DIRECTIVE.search(go_mod)
    return (int(found[1]), int(found[2])) if found else None


class NotAModule(Exception):
    """The directory holds no `go.mod`; the message says what to do."""


@dataclass(frozen=True)
class GoProject:
    """A Go module and where it sits in its repository."""

    root: Path
    module_path: str
    #: `./dir` patterns of the packages with benchmarks, sorted; `.` for the root package.
    packages: tuple[str, ...]
    #: Benchmark functions per pattern of `packages`.
    benchmarks: dict[str, int]
    #: The repository's top directory (the module root when there is no git).
    top: Path
    in_git: bool
    default_branch: str
    #: go.mod's `go` version (major, minor), None without a `go` line.
    go_version: tuple[int, int] | None = None

    @property
    def module_dir(self) -> str:
        """The module's directory relative to the repository's top, `.` at the top."""
        rel = self.root.relative_to(self.top).as_posix()
        return rel or "."


def _git(root: Path, *args: str) -> str | None:
    """git's output, or None when git is missing or fails."""
    try:
        proc = git(root, *args)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def default_branch(top: Path) -> str:
    """The branch pushes to which update the baseline: origin's HEAD; else `main` or
    `master` when there is such a local branch; else the branch checked out (a new
    repository); else `main`."""
    head = _git(top, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if head and "/" in head:
        return head.split("/", 1)[1]
    local = set((_git(top, "branch", "--format=%(refname:short)") or "").split())
    for name in ("main", "master"):
        if name in local:
            return name
    return _git(top, "symbolic-ref", "--quiet", "--short", "HEAD") or "main"


def _pattern(module_root: Path, directory: Path) -> str:
    rel = directory.relative_to(module_root).as_posix()
    return "." if rel in ("", ".") else f"./{rel}"


def inspect(directory: Path) -> GoProject:
    """The Go module in `directory`; raises NotAModule without a `go.mod` there."""
    root = directory.resolve()
    module = read_module(root)
    if module is None:
        raise NotAModule(
            f"{directory}: no go.mod here; run `benchlens init` in the directory of a Go module"
        )
    index = WorkspaceIndex.built([root])
    counts: Counter[str] = Counter()
    for fn in index.functions():
        owner = index.module_of_dir(fn.path.parent)
        if owner is not None and owner.root == root:  # not a nested module's
            counts[_pattern(root, fn.path.parent)] += 1
    top_text = _git(root, "rev-parse", "--show-toplevel")
    top = Path(top_text).resolve() if top_text else root
    return GoProject(
        root=root,
        module_path=module.path,
        packages=tuple(sorted(counts)),
        benchmarks=dict(counts),
        top=top,
        in_git=top_text is not None,
        default_branch=default_branch(top) if top_text else "main",
        go_version=go_directive((root / "go.mod").read_text(encoding="utf-8", errors="replace")),
    )
