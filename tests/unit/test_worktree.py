"""The temporary worktree of another commit: the module's directory inside it, and
nothing left behind, whatever happens in the block."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchlens.config import load_config
from benchlens.history import tree_commit
from benchlens.worktree import (
    WorktreeError,
    default_ref,
    recorded_commit,
    resolve_commit,
    resolve_ref,
    temporary_worktree,
)


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


def test_a_failed_checkout_leaves_no_worktree(tmp_path: Path) -> None:
    top, module = repo(tmp_path)
    with (
        pytest.raises(WorktreeError, match="worktree add failed"),
        temporary_worktree(module, "0" * 40),
    ):
        pass
    assert len(git(top, "worktree", "list").splitlines()) == 1


RESULT = "pkg: example.com/m\nBenchmarkX-2\t10\t5 ns/op\n"


def write_baseline(module: Path, text: str) -> Path:
    path = module / "benchmark_results" / "baseline.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_the_default_ref_is_the_baseline_commit_else_head(tmp_path: Path) -> None:
    _top, module = repo(tmp_path)
    head, first = resolve_commit(module, "HEAD"), resolve_commit(module, "HEAD~1")
    config, _ = load_config(module)

    none_saved = default_ref(config)
    assert (none_saved.ref, none_saved.commit) == ("HEAD", head)
    assert none_saved.note == "no saved baseline; using HEAD"

    write_baseline(module, f"commit: {first}\ndate: 2024-01-01T00:00:00Z\n{RESULT}")
    assert recorded_commit(config.baseline) == first
    assert default_ref(config) == resolve_ref(config, None)
    assert (default_ref(config).commit, default_ref(config).note) == (first, None)

    write_baseline(module, f"commit: {first[:7]} (modified)\n{RESULT}")
    assert default_ref(config).commit == first

    write_baseline(module, f"commit: {'f' * 40}\n{RESULT}")
    foreign = default_ref(config)
    assert foreign.commit == head
    assert foreign.note is not None and "not in this repository; using HEAD" in foreign.note

    write_baseline(module, f"commit: unknown\n{RESULT}")
    assert default_ref(config).note == "the baseline records no commit; using HEAD"
    write_baseline(module, RESULT)
    assert default_ref(config).note == "the baseline records no commit; using HEAD"


def test_resolve_ref_names_the_bad_ref(tmp_path: Path) -> None:
    _top, module = repo(tmp_path)
    config, _ = load_config(module)
    resolved = resolve_ref(config, "HEAD~1")
    assert (resolved.ref, resolved.commit) == ("HEAD~1", resolve_commit(module, "HEAD~1"))
    with pytest.raises(WorktreeError, match="no-such-branch: not a commit"):
        resolve_ref(config, "no-such-branch")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(WorktreeError, match="HEAD: not a commit"):
        default_ref(load_config(plain)[0])


def test_tree_commit_marks_a_modified_tree(tmp_path: Path) -> None:
    _top, module = repo(tmp_path)
    head = resolve_commit(module, "HEAD")
    assert tree_commit(module) == head
    # Results and reports written next to the code are not a change of the code.
    write_baseline(module, RESULT)
    assert tree_commit(module) == head
    (module / "new.go").write_text("package m\n")
    assert tree_commit(module) == f"{head} (modified)"
    (module / "new.go").unlink()
    (module / "go.mod").write_text("module example.com/m\n\ngo 1.23\n")
    assert tree_commit(module) == f"{head} (modified)"
    (tmp_path / "plain").mkdir()
    assert tree_commit(tmp_path / "plain") is None
