"""The temporary worktree of another commit: the module's directory inside it, and
nothing left behind, whatever happens in the block."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchlens.worktree import WorktreeError, resolve_commit, temporary_worktree


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def repo(tmp_path: Path) -> tuple[Path, Path]:
    top = tmp_path / "repo"
    module = top / "sub" / "mod"
    module.mkdir(parents=True)
    (module / "go.mod").write_text("module example.com/m\n")
    git(top, "init", "-q")
    git(top, "-c", "user.name=T", "-c", "user.email=t@e", "add", "-A")
    git(top, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qm", "one")
    (module / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    git(top, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qam", "two")
    return top, module


def test_the_worktree_holds_the_old_commit_at_the_module_path(tmp_path: Path) -> None:
    top, module = repo(tmp_path)
    first = resolve_commit(module, "HEAD~1")
    with temporary_worktree(module, first) as where:
        assert where.name == "mod" and where.parent.name == "sub"
        assert (where / "go.mod").read_text() == "module example.com/m\n"
        checkout = where.parent.parent
    assert not checkout.exists()
    assert len(git(top, "worktree", "list").splitlines()) == 1


def test_the_worktree_is_removed_after_an_exception(tmp_path: Path) -> None:
    top, module = repo(tmp_path)
    seen: list[Path] = []
    with pytest.raises(KeyboardInterrupt), temporary_worktree(module, "HEAD") as where:
        seen.append(where)
        raise KeyboardInterrupt
    assert not seen[0].exists()
    assert len(git(top, "worktree", "list").splitlines()) == 1


def test_unknown_refs_and_non_repositories_are_errors(tmp_path: Path) -> None:
    _top, module = repo(tmp_path)
    with pytest.raises(WorktreeError, match="no-such-ref: not a commit"):
        resolve_commit(module, "no-such-ref")
    outside = tmp_path / "plain"
    outside.mkdir()
    with (
        pytest.raises(WorktreeError, match="not in a git repository"),
        temporary_worktree(outside, "HEAD"),
    ):
        pass
