"""`benchlens explain`: a commit adds work in one known function; explain profiles the
commit before it (in a temporary worktree) and the working tree, and names that
function and line first. The worktree never stays behind, also after Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.explain.model import EXPLANATION_FILE, load_explanation
from benchlens.pprof import load_profile
from benchlens.views.explain import render_explanation
from benchlens.worktree import WORKTREE_PREFIX
from tests.runner_helpers import benchlens_argv, copy_module, env

pytestmark = pytest.mark.go

#: The work the second commit adds to `finish`: one line, ~30x the benchmark's time.
SLOW_LINE = "\tfor i := uint32(0); i < 3000; i++ { h = h*2654435761 + i }\n"
#: Short runs: the slowdown is heavy, so a few dozen samples per side suffice.
QUICK = ("--benchtime", "200ms", "--runs", "2")


def git(root: Path, *args: str) -> str:
    e = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=root, env=e, check=True, capture_output=True, text=True
    ).stdout.strip()


def repo_with_slower_finish(tmp_path: Path) -> tuple[Path, str, int]:
    """The explain module in a repository subdirectory; commit 2 adds SLOW_LINE to
    `finish`. Returns the module root, the first commit and the slow line's number."""
    repo = tmp_path / "repo"
    repo.mkdir()
    root = copy_module("explain", repo)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    first = git(repo, "rev-parse", "HEAD")
    source = root / "work" / "work.go"
    text = source.read_text()
    anchor = "func finish(h uint32) uint32 {\n"
    source.write_text(text.replace(anchor, anchor + SLOW_LINE))
    line = text[: text.index(anchor)].count("\n") + 2
    git(repo, "commit", "-q", "-am", "second: finish does much more work")
    return root, first, line


def worktrees(repo: Path) -> list[str]:
    return [
        ln
        for ln in git(repo, "worktree", "list", "--porcelain").splitlines()
        if ln.startswith("worktree ")
    ]


def test_explain_names_the_slowed_function_and_line_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, first, line = repo_with_slower_finish(tmp_path)
    results = root / "benchmark_results"
    results.mkdir()
    # The baseline records the first commit: explain's default baseline side.
    (results / "baseline.txt").write_text(
        f"commit: {first}\npkg: example.com/explain/work\nBenchmarkProcess-2 100 120 ns/op\n"
    )
    code = main(["explain", "BenchmarkProcess", "-C", str(root), "--format", "json", *QUICK])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["baseline"]["commit"] == first
    assert data["current"]["ref"] == "working tree"
    cpu = next(q for q in data["quantities"] if q["kind"] == "cpu")
    assert cpu["total"]["current"] > 5 * cpu["total"]["baseline"] > 0
    top = cpu["functions"][0]
    assert top["function"] == "example.com/explain/work.finish"
    assert (top["file"], top["line"]) == ("work/work.go", line)
    assert top["flat"]["current"] - top["flat"]["baseline"] > 0
    assert top["share"] > 0.5
    hottest = cpu["lines"][0]
    assert (hottest["file"], hottest["line"]) == ("work/work.go", line)
    assert hottest["baseline_line"] is None  # a new line
    assert hottest["cost"]["current"] > hottest["cost"]["baseline"]
    # Progress went to stderr, the JSON alone to stdout.
    assert "run 2/2 current" in err

    # Nothing left of the worktree: not in git's list, not on disk.
    assert len(worktrees(tmp_path / "repo")) == 1
    assert "benchlens-worktree" not in git(tmp_path / "repo", "worktree", "list")

    # What was kept: the explanation (read back whole), both sides' output, the
    # merged profiles; the baseline's names the workspace's files, not the worktree's.
    kept = results / "explain" / "BenchmarkProcess"
    explanation = load_explanation(kept / EXPLANATION_FILE)
    saved_cpu = explanation.quantity("cpu")
    assert saved_cpu is not None
    # The hottest line read back (not filtered by sampling noise: 2 short runs on a
    # loaded machine may take too few samples for a line to count as significant).
    slow = saved_cpu.lines[0]
    assert (slow.file, slow.line) == ("work/work.go", line)
    assert slow.cost.delta > 0
    assert "BenchmarkProcess" in (kept / "base.txt").read_text()
    base_files = {f.file for s in load_profile(kept / "base.cpu.prof").samples for f in s.stack}
    assert str(root / "work" / "work.go") in base_files
    assert not any(WORKTREE_PREFIX in f for f in base_files)
    assert (results / "explain" / ".gitignore").read_text().count("*.prof") == 1
    text = render_explanation(explanation)
    assert f"work/work.go:{line}" in text
    assert "work.finish" in text
    assert "go tool pprof -http=:8080 -diff_base=benchmark_results/explain/" in text


def test_explain_refuses_unknown_refs_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _first, _line = repo_with_slower_finish(tmp_path)
    assert main(["explain", "BenchmarkProcess", "-C", str(root), "--ref", "no-such-ref"]) == 2
    assert "no-such-ref: not a commit" in capsys.readouterr().err
    results = root / "benchmark_results"
    results.mkdir()
    (results / "baseline.txt").write_text(f"commit: {'f' * 40}\nBenchmarkProcess 1 1 ns/op\n")
    assert main(["explain", "BenchmarkProcess", "-C", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"recorded at commit {'f' * 12}, which is not in the repository" in err
    assert "--ref REF" in err and "Traceback" not in err


def test_a_truncated_profile_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test binary itself cuts its CPU profile in half (see the module's TestMain)."""
    root, _first, _line = repo_with_slower_finish(tmp_path)
    monkeypatch.setenv("BENCHLENS_TEST_TRUNCATE_PROFILE", "1")
    argv = ["explain", "BenchmarkProcess", "-C", str(root), "--ref", "HEAD~1", *QUICK]
    assert main([*argv, "--benchtime", "50ms", "--runs", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    kept = root / "benchmark_results" / "explain" / "BenchmarkProcess"
    assert err[-1] == (
        f"benchlens: {kept / 'base.cpu.1.prof'}: not a readable pprof profile: "
        "truncated gzip data (the file ends early)"
    )
    assert not (kept / EXPLANATION_FILE).exists()
    assert len(worktrees(tmp_path / "repo")) == 1


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_explain_removes_the_worktree(tmp_path: Path, sig: signal.Signals) -> None:
    root, _first, _line = repo_with_slower_finish(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    argv = benchlens_argv(
        "explain", "BenchmarkProcess", "-C", str(root), "--ref", "HEAD~1", "--benchtime", "60s"
    )
    proc = subprocess.Popen(
        argv,
        env={**env(), "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # wait until a benchmark is running in the worktree
        seen.append(line)
        if line.startswith("run 1/3 baseline"):
            break
    assert list(tmp.glob(f"{WORKTREE_PREFIX}*")), seen
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err  # 130 Ctrl-C, 143 SIGTERM
    assert "interrupted" in err and "Traceback" not in err
    assert not list(tmp.glob(f"{WORKTREE_PREFIX}*"))
    assert len(worktrees(tmp_path / "repo")) == 1
