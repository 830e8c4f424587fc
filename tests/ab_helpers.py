"""Helpers for the `ab` tests (no tests here): the `ab` module of tests/data/gomods in a
temporary git repository, and a commit that makes one of its benchmarks 3x slower.

Robust on a loaded machine: each sample is 10,000 iterations of a few µs (tens of
milliseconds; the few KB that the runtime sometimes allocates during a sample round
down to 0 B/op); the module's `.benchlens.toml` sets the latency threshold to 100 %,
so an unchanged benchmark would need its median to double *and* the Mann-Whitney
test to agree before it is flagged; and each benchmark also reports the process's
CPU time per op (`cpu-ns/op`, lower is better, threshold 100 %), which a machine
shared by many test runs does not stretch the way it stretches ns/op (seen here:
ns/op of one benchmark from 3 µs to 68 µs in one run, cpu-ns/op within a few %). The
slowed benchmark is 3x (+200 %) in both. How often ns/op verdicts are wrong or
right on a noisy machine is what `make bench-signal` measures.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.runner_helpers import copy_module

SETTINGS = ("--benchtime", "10000x", "--count", "6")
CONFIG = (
    '[thresholds]\nlatency = 100\ncustom = 100\nimprovement = 100\n[units]\n"cpu-ns/op" = "lower"\n'
)
BENCHMARKS = {"BenchmarkSteady", "BenchmarkSlowed", "BenchmarkTable/small", "BenchmarkTable/large"}


def git(root: Path, *args: str) -> str:
    e = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=root, env=e, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_repo(tmp_path: Path) -> tuple[Path, str]:
    """The `ab` module in a repository subdirectory, one commit; returns (module, commit)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    root = copy_module("ab", repo)
    (root / ".benchlens.toml").write_text(CONFIG)
    (repo / ".gitignore").write_text("benchmark_results/\n")
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    return root, git(repo, "rev-parse", "HEAD")


def slow_down(root: Path) -> str:
    """Commit a change that makes BenchmarkSlowed do 3x the work; returns the commit."""
    work = root / "work" / "work.go"
    work.write_text(work.read_text().replace("slowedLoops = 2000", "slowedLoops = 6000"))
    git(root, "commit", "-q", "-am", "second: BenchmarkSlowed 3x slower")
    return git(root, "rev-parse", "HEAD")


def worktree_count(root: Path) -> int:
    """Worktrees of the repository around `root`, the main one included."""
    return git(root, "worktree", "list", "--porcelain").count("worktree ")
