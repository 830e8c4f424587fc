"""`benchlens baseline --from-ref`: benchmarks of another commit, run in a temporary
worktree, become this workspace's baseline; the worktree never stays behind."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.history import list_history
from benchlens.results.reader import load_results
from tests.runner_helpers import copy_module

pytestmark = pytest.mark.go


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def repo_with_two_commits(tmp_path: Path) -> tuple[Path, str, str]:
    """The basic module in a repository subdirectory; commit 2 makes Work 4x slower."""
    repo = tmp_path / "repo"
    repo.mkdir()
    root = copy_module("basic", repo)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    first = git(repo, "rev-parse", "HEAD")
    slow = root / "slow" / "slow.go"
    slow.write_text(slow.read_text().replace("const loops = 2000", "const loops = 80000"))
    git(repo, "commit", "-q", "-am", "second: slower")
    return root, first, git(repo, "rev-parse", "HEAD")


def worktrees(repo: Path) -> list[str]:
    return [
        ln
        for ln in git(repo, "worktree", "list", "--porcelain").splitlines()
        if ln.startswith("worktree ")
    ]


def test_from_ref_saves_the_old_commit_as_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, first, _second = repo_with_two_commits(tmp_path)
    # A private temporary directory: other test runs on the machine make worktrees too.
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    settings = ["--benchtime", "200x", "--count", "5", "--bench", "Work"]  # 40x stands out
    assert main(["baseline", "-C", str(root), "--from-ref", "HEAD~1", *settings]) == 0
    assert f"({first[:7]})" in capsys.readouterr().out
    baseline = root / "benchmark_results" / "baseline.txt"
    text = baseline.read_text()
    assert text.startswith(f"commit: {first}\ndate: ")
    assert "ref: HEAD~1\n" in text
    results = load_results(baseline)
    assert {k.name for k in results.benchmarks} == {"BenchmarkWork"}
    [entry] = list_history(root / "benchmark_results" / "history")
    assert entry.commit == first[:7]
    assert len(worktrees(tmp_path / "repo")) == 1  # only the main one
    assert not list(private_tmp.glob("benchlens-worktree-*"))
    # The workspace itself was not touched: still the slow commit, and it regressed.
    assert "const loops = 80000" in (root / "slow" / "slow.go").read_text()
    assert main(["regression", "-C", str(root), *settings]) == 1


def test_from_ref_failures_remove_the_worktree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _first, _second = repo_with_two_commits(tmp_path)
    repo = tmp_path / "repo"
    assert main(["baseline", "-C", str(root), "--from-ref", "no-such-ref"]) == 2
    assert "not a commit" in capsys.readouterr().err
    # A ref whose code does not build: the run fails, nothing is saved, no worktree left.
    broken = root / "fast" / "fast.go"
    broken.write_text(broken.read_text() + '\nfunc broken() int { return "x" }\n')
    git(repo, "commit", "-q", "-am", "third: broken")
    code = main(
        ["baseline", "-C", str(root), "--from-ref", "HEAD", "--benchtime", "10x", "--count", "1"]
    )
    assert code == 1
    assert "build failed" in capsys.readouterr().err
    assert not (root / "benchmark_results" / "baseline.txt").exists()
    assert len(worktrees(repo)) == 1
    assert "benchlens-worktree" not in git(repo, "worktree", "list")
