"""Another commit of the workspace's repository, checked out beside it for a while.

`baseline --from-ref`, `ab` and `explain` build the benchmarks of a git ref
without touching the workspace: `git worktree add --detach` into a temporary
directory, work there, and always remove it again — after a failure, Ctrl-C or
SIGTERM too (the callers turn those into exceptions or cancellations, so the
`finally` here runs). The module may live in a subdirectory of the repository;
the worktree yields the matching directory inside the checkout.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from benchlens.history import git, git_commit

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
