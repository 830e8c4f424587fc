"""`benchlens ab`: the working tree against another commit, runs alternated, on a real
Go module made into a temporary git repository (see `tests.ab_helpers` for why these
assertions hold on a loaded machine)."""

from __future__ import annotations

import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.compare import compare
from benchlens.config import load_config
from benchlens.history import list_history
from benchlens.results.reader import load_results
from benchlens.worktree import WORKTREE_PREFIX
from tests.ab_helpers import BENCHMARKS, SETTINGS, git, make_repo, slow_down, worktree_count
from tests.runner_helpers import (
    benchlens_argv,
    copy_module,
    env,
    processes_in,
    wait_no_processes_in,
)

pytestmark = pytest.mark.go


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Worktrees go to a private temporary directory: other test runs on the machine
    make `benchlens-worktree-*` directories in /tmp too."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def no_worktrees_left(root: Path) -> None:
    assert worktree_count(root) == 1
    assert not list(Path(tempfile.gettempdir()).glob(f"{WORKTREE_PREFIX}*"))


def statuses(root: Path) -> dict[str, str]:
    """Benchmark → status, comparing the two files `ab` wrote as `benchlens compare` would."""
    results = root / "benchmark_results" / "ab"
    config, _ = load_config(root)
    comparison = compare(
        load_results(results / "base.txt"), load_results(results / "head.txt"), config
    )
    return {b.name: b.status.value for b in comparison.benchmarks}


def test_ab_on_an_unchanged_tree_flags_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, commit = make_repo(tmp_path)
    assert main(["ab", "-C", str(root), *SETTINGS]) == 0
    out = capsys.readouterr().out
    assert "base: no saved baseline; using HEAD" in out
    assert f"base: HEAD ({commit[:7]}) in a temporary worktree" in out
    results = root / "benchmark_results"
    for name in ("base.txt", "head.txt"):
        side = load_results(results / "ab" / name)
        assert {k.name for k in side.benchmarks} == BENCHMARKS
        assert all(len(b.iterations) == 6 for b in side)
        assert side.config["commit"] == commit  # each side's results carry its commit
    assert statuses(root) == dict.fromkeys(BENCHMARKS, "ok")
    assert "🔴 Regression" not in (results / "regression_report.md").read_text()
    assert not (results / "baseline.txt").exists()
    assert not (results / "current.txt").exists()
    no_worktrees_left(root)


def test_ab_ref_flags_exactly_the_slowed_benchmark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, first = make_repo(tmp_path)
    second = slow_down(root)
    # An uncommitted change marks the head side as modified.
    (root / "work" / "extra.go").write_text("package work\n\nconst extra = 1\n")
    assert main(["ab", "-C", str(root), "--ref", "HEAD~1", *SETTINGS]) == 1
    captured = capsys.readouterr()
    assert "1 benchmark regressed" in captured.err
    assert statuses(root) == {**dict.fromkeys(BENCHMARKS, "ok"), "BenchmarkSlowed": "regression"}
    assert "Slowed" in (root / "benchmark_results" / "regression_report.md").read_text()
    results = root / "benchmark_results" / "ab"
    assert load_results(results / "base.txt").config["commit"] == first
    assert load_results(results / "head.txt").config["commit"] == f"{second} (modified)"
    no_worktrees_left(root)


def test_the_saved_baseline_is_untouched_without_save(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, first = make_repo(tmp_path)
    slow_down(root)
    results = root / "benchmark_results"
    results.mkdir()
    baseline_text = (
        f"commit: {first}\ndate: 2024-01-01T00:00:00Z\n\npkg: example.com/ab/work\n"
        "BenchmarkSteady-2\t500\t50000 ns/op\n"
    )
    current_text = "pkg: example.com/ab/work\nBenchmarkSteady-2\t500\t40000 ns/op\n"
    (results / "baseline.txt").write_text(baseline_text)
    (results / "current.txt").write_text(current_text)
    settings = ["--benchtime", "10000x", "--count", "4", "--bench", "Steady"]
    # The verdict is not this test's subject: thresholds no noise reaches.
    (root / ".benchlens.toml").write_text("[thresholds]\nlatency = 1000\nimprovement = 1000\n")
    git(root, "commit", "-q", "-am", "thresholds no noise reaches")

    # Without --ref the base side is the commit the baseline records.
    assert main(["ab", "-C", str(root), *settings]) == 0
    assert f"base: {first} ({first[:7]}) in a temporary worktree" in capsys.readouterr().out
    assert (results / "baseline.txt").read_text() == baseline_text
    assert (results / "current.txt").read_text() == current_text
    assert not (results / "history").exists()

    assert main(["ab", "-C", str(root), "--save", *settings]) == 0
    saved = load_results(results / "baseline.txt")
    assert saved.config["commit"] == first
    assert [len(b.iterations) for b in saved] == [4]
    assert load_results(results / "current.txt").config["commit"] == git(root, "rev-parse", "HEAD")
    [entry] = list_history(results / "history")
    assert entry.commit == first[:7]
    no_worktrees_left(root)


def test_bad_refs_and_directories_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = make_repo(tmp_path)
    assert main(["ab", "-C", str(root), "--ref", "no-such-ref"]) == 2
    assert "no-such-ref: not a commit" in capsys.readouterr().err
    plain = copy_module("ab", tmp_path / "plain")
    assert main(["ab", "-C", str(plain)]) == 2
    assert "HEAD: not a commit" in capsys.readouterr().err
    no_worktrees_left(root)


def test_a_base_that_does_not_build_fails_and_writes_what_completed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = make_repo(tmp_path)
    work = root / "work" / "work.go"
    work.write_text(work.read_text() + '\nfunc broken() int { return "x" }\n')
    git(root, "commit", "-q", "-am", "broken")
    work.write_text(work.read_text().replace('return "x"', "return 1"))  # fixed, not committed
    code = main(["ab", "-C", str(root), "--benchtime", "5x", "--count", "1"])
    assert code == 1
    err = capsys.readouterr().err
    assert "example.com/ab/work (base)" in err and "build failed" in err
    results = root / "benchmark_results" / "ab"
    assert sorted(p.name for p in results.iterdir()) == ["head.partial.txt"]
    assert {k.name for k in load_results(results / "head.partial.txt").benchmarks} == BENCHMARKS
    no_worktrees_left(root)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_ab_removes_the_worktree(
    tmp_path: Path, private_tmp: Path, sig: signal.Signals
) -> None:
    root, _ = make_repo(tmp_path)
    proc = subprocess.Popen(
        benchlens_argv("ab", "-C", str(root), "--benchtime", "30s", "--count", "3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env(), "TMPDIR": str(private_tmp)},
    )
    assert proc.stdout is not None
    lines: list[str] = []
    running = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.rstrip().endswith(" running"):
                running.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not running.wait(120):
        proc.kill()
        pytest.fail("no benchmark started:\n" + "".join(lines))
    worktree = Path(git(root, "worktree", "list", "--porcelain").split("worktree ")[-1].split()[0])
    assert worktree.name.startswith(WORKTREE_PREFIX) and worktree.parent == private_tmp
    assert processes_in(worktree) or processes_in(root), "expected a test binary running"
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == 128 + sig, "".join(lines)  # 130 Ctrl-C, 143 SIGTERM
    reader.join(10)
    assert not wait_no_processes_in(worktree)
    assert not wait_no_processes_in(root)
    assert not worktree.exists()
    no_worktrees_left(root)
    assert not (root / "benchmark_results" / "ab").exists()
    assert "ab cancelled; nothing written" in "".join(lines)
