"""`benchlens baseline --publish` / `--fetch`: the baseline on a dedicated branch of a
real (local, bare) remote, published by one clone and fetched by another."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchlens.cli import main

RESULTS = "pkg: example.com/m\nBenchmarkA-2\t100\t{ns} ns/op\nBenchmarkA-2\t100\t{ns} ns/op\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare remote whose main has one commit with a Go module in `mod/`."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / "mod").mkdir()
    (seed / "mod" / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "module")
    git(seed, "push", "-q", "origin", "main")
    return bare


def clone(origin: Path, where: Path) -> Path:
    git(where.parent, "clone", "-q", str(origin), str(where))
    return where / "mod"


def save(mod: Path, ns: int, capsys: pytest.CaptureFixture[str]) -> None:
    current = mod / "benchmark_results" / "current.txt"
    current.parent.mkdir(parents=True, exist_ok=True)
    current.write_text(RESULTS.format(ns=ns))
    assert main(["save-baseline", "-C", str(mod)]) == 0
    capsys.readouterr()


def history(mod: Path) -> list[str]:
    return sorted(p.name for p in (mod / "benchmark_results" / "history").iterdir())


def test_publish_then_fetch_in_another_clone(
    origin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = clone(origin, tmp_path / "a")
    b = clone(origin, tmp_path / "b")
    main_before = git(a, "rev-parse", "origin/main")

    # Nothing stored yet: fetching says so and succeeds (CI's first run).
    assert main(["baseline", "--fetch", "-C", str(b)]) == 0
    assert "no stored baseline yet: origin has no branch benchlens-baseline" in (
        capsys.readouterr().out
    )

    save(a, 100, capsys)
    status_before = git(a.parent, "status", "--porcelain")
    assert main(["baseline", "--publish", "-C", str(a)]) == 0
    assert "created origin/benchlens-baseline" in capsys.readouterr().out
    # The branch holds the files at their repository paths, and nothing else.
    files = git(a.parent, "ls-tree", "-r", "--name-only", "origin/benchlens-baseline")
    assert files == "\n".join(
        [
            "mod/benchmark_results/baseline.txt",
            *(f"mod/benchmark_results/history/{n}" for n in history(a)),
        ]
    )
    # Main, the work tree and the index are untouched.
    assert git(a, "ls-remote", "origin", "refs/heads/main").split()[0] == main_before
    assert git(a.parent, "status", "--porcelain") == status_before

    assert main(["baseline", "--fetch", "-C", str(b)]) == 0
    out = capsys.readouterr().out
    assert "fetched benchmark_results/baseline.txt from origin/benchlens-baseline" in out
    assert "added 1 history file to benchmark_results/history" in out
    baseline_a = (a / "benchmark_results" / "baseline.txt").read_text()
    assert (b / "benchmark_results" / "baseline.txt").read_text() == baseline_a
    assert history(b) == history(a)

    # Publishing what is already there pushes nothing.
    assert main(["baseline", "--publish", "-C", str(a)]) == 0
    assert "already holds this baseline" in capsys.readouterr().out


def test_publishers_build_on_each_other_and_fetch_keeps_local_history(
    origin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = clone(origin, tmp_path / "a")
    b = clone(origin, tmp_path / "b")
    save(a, 100, capsys)
    assert main(["baseline", "--publish", "-C", str(a)]) == 0
    first = history(a)

    # b never fetched a's baseline: its publish goes on top of a's, keeping a's history.
    save(b, 250, capsys)
    assert main(["baseline", "--publish", "-C", str(b)]) == 0
    assert "updated origin/benchlens-baseline" in capsys.readouterr().out
    log = git(b.parent, "log", "--format=%s", "origin/benchlens-baseline").splitlines()
    assert len(log) == 2 and all(s.startswith("benchlens: baseline of ") for s in log)
    on_branch = git(
        b.parent,
        "ls-tree",
        "--name-only",
        "origin/benchlens-baseline:mod/benchmark_results/history",
    )
    # Both entries are kept, even when both saves got the same name (same second,
    # same commit): the second is published under a free `-2` name.
    assert len(on_branch.splitlines()) == 2
    assert set(first) <= set(on_branch.splitlines())

    # a fetches: b's baseline replaces its own, b's history file is added; a local
    # history file that differs from the branch's copy is kept as it is.
    mine = a / "benchmark_results" / "history" / first[0]
    mine.write_text(mine.read_text() + "note: edited locally\n")
    assert main(["baseline", "--fetch", "-C", str(a)]) == 0
    captured = capsys.readouterr()
    assert "added 1 history file" in captured.out
    assert f"{first[0]}: differs from origin/benchlens-baseline" in captured.err
    assert "edited locally" in mine.read_text()
    assert "250 ns/op" in (a / "benchmark_results" / "baseline.txt").read_text()
    assert len(history(a)) == 2


def test_errors_are_one_line_and_exit_2(
    origin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = clone(origin, tmp_path / "a")
    assert main(["baseline", "--publish", "-C", str(a)]) == 2
    assert "no baseline to publish" in capsys.readouterr().err
    assert main(["baseline", "--fetch", "--remote", "nowhere", "-C", str(a)]) == 2
    assert "cannot read the branches of 'nowhere'" in capsys.readouterr().err
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    assert main(["baseline", "--fetch", "-C", str(outside)]) == 2
    assert "is not in a git repository" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["baseline", "--fetch", "--publish"])
    assert exc.value.code == 2
