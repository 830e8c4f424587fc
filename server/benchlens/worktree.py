"""Another commit of the workspace's repository, checked out beside it for a while.

`baseline --from-ref`, `ab` and `explain` build the benchmarks of a git ref
without touching the workspace: `git worktree add --detach` into a temporary
directory, work there, and always remove it again — after a failure, Ctrl-C or
SIGTERM too (the callers turn those into exceptions or cancellations, so the
`finally` here runs). The module may live in a subdirectory of the repository;
the worktree yields the matching directory inside the checkout.

Which commit, when the user names none: `default_ref` — the commit recorded in
the saved baseline (the code those numbers came from), else `HEAD`.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchlens.config import Config
from benchlens.history import git, git_commit
from benchlens.results.model import Result
from benchlens.results.reader import ResultsFileError, read_records

#: Prefix of the temporary directories (tests look for leftovers by it).
WORKTREE_PREFIX = "benchlens-worktree-"


class WorktreeError(Exception):
    """git cannot give a worktree of the ref: no git, no repository, unknown ref."""


def repository_top(root: Path) -> Path:
    """The top directory of the git repository around `root`; raises WorktreeError."""
    try:
        proc = git(root, "rev-parse", "--show-toplevel")
    except OSError as exc:
        raise WorktreeError(f"git is not available: {exc}") from exc
    if proc.returncode != 0:
        raise WorktreeError(f"{root} is not in a git repository: {proc.stderr.strip()}")
    return Path(proc.stdout.strip()).resolve()


def resolve_commit(root: Path, ref: str) -> str:
    """The full commit hash of `ref` in the repository around `root`; raises
    WorktreeError naming the ref when it is not a commit there."""
    commit = git_commit(root, ref)
    if commit is None:
        raise WorktreeError(f"{ref}: not a commit in the repository at {root}")
    return commit


@contextlib.contextmanager
def temporary_worktree(root: Path, commit: str) -> Iterator[Path]:
    """A detached worktree of `commit`; yields the directory matching `root` inside it
    (the module may live in a subdirectory of the repository). Always removed."""
    top = repository_top(root)
    inside = root.resolve().relative_to(top)
    tmp = Path(tempfile.mkdtemp(prefix=WORKTREE_PREFIX))
    try:
        proc = git(top, "worktree", "add", "--detach", str(tmp), commit)
        if proc.returncode != 0:
            raise WorktreeError(f"git worktree add failed: {proc.stderr.strip()}")
        yield tmp / inside
    finally:
        remove_worktree(top, tmp)


def remove_worktree(top: Path, tmp: Path) -> None:
    """`git worktree remove --force`, and if git cannot, delete and prune by hand.
    Runs from `finally` blocks, so a second Ctrl-C must not stop it half-way."""
    with contextlib.suppress(OSError, KeyboardInterrupt):
        git(top, "worktree", "remove", "--force", str(tmp))
    with contextlib.suppress(KeyboardInterrupt):
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(OSError):
            git(top, "worktree", "prune")


# -- which commit -------------------------------------------------------------------


def recorded_commit(results: Path) -> str | None:
    """The `commit:` of a results file (a saved baseline's), from its first result;
    None when the file is absent, unreadable, has no results or no commit."""
    try:
        for record in read_records(results):
            if isinstance(record, Result):
                value = record.config.get("commit", "").split()
                return value[0] if value and value[0] != "unknown" else None
    except (ResultsFileError, OSError):
        return None
    return None


@dataclass(frozen=True)
class ResolvedRef:
    """The commit to measure, what the user called it, and why it was chosen."""

    ref: str
    commit: str
    #: Set when the default was not the baseline's commit: what was used instead, and why.
    note: str | None = None


def default_ref(config: Config) -> ResolvedRef:
    """The commit the saved baseline records when this repository has it (the code
    those numbers came from), else `HEAD`. Raises WorktreeError when not even HEAD
    resolves (no git, no repository, no commit yet)."""
    recorded = recorded_commit(config.baseline)
    if recorded is not None:
        commit = git_commit(config.root, recorded)
        if commit is not None:
            return ResolvedRef(recorded, commit)
        note = f"the baseline's commit {recorded[:12]} is not in this repository; using HEAD"
    elif config.baseline.exists():
        note = "the baseline records no commit; using HEAD"
    else:
        note = "no saved baseline; using HEAD"
    return ResolvedRef("HEAD", resolve_commit(config.root, "HEAD"), note)


def resolve_ref(config: Config, ref: str | None) -> ResolvedRef:
    """`ref` as a commit of the workspace's repository (None: `default_ref`); raises
    WorktreeError naming the ref when it is not one."""
    if ref is None:
        return default_ref(config)
    return ResolvedRef(ref, resolve_commit(config.root, ref))
