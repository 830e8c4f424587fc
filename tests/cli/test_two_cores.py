"""`compare` and `check` split their work with a forked child (two results files read at
once, the source index built beside the comparison): the output is the same byte for
byte as with everything done in one process (`BENCHLENS_JOBS=1`), and a file the child
cannot read is an error naming it, as it always was."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchlens.cli import common
from benchlens.cli.base import InputError
from tests.conftest import EXAMPLES


def write_results(
    path: Path, benchmarks: int, slower: float, seed: int, runs: int = 6, digits: int = 1
) -> None:
    """Go benchmark output of `benchmarks` benchmarks x `runs` runs x 4 units, more than
    `common.FORK_MIN_BYTES`; every tenth benchmark `slower` times slower. ns/op has
    `digits` decimals (0: whole nanoseconds, which tie often, as real ones do)."""
    rng = random.Random(seed)
    lines = ["goos: linux", "goarch: amd64", "pkg: example.com/big"]
    for i in range(benchmarks):
        base = 100 + 37 * (i % 50)
        factor = slower if i % 10 == 0 else 1.0
        for _ in range(runs):
            ns = round(base * factor * rng.uniform(0.97, 1.03), digits)
            lines.append(
                f"BenchmarkCase{i}/size={i % 7}-8\t{1_000_000 // (i + 1)}\t{ns} ns/op\t"
                f"{1e9 / ns:.2f} MB/s\t{16 * (i % 5)} B/op\t{i % 3} allocs/op"
            )
    lines.append("PASS")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(*args: str | Path, jobs: str | None, cwd: Path | None = None) -> tuple[int, str, str]:
    env = dict(os.environ)
    env.pop("BENCHLENS_JOBS", None)
    if jobs is not None:
        env["BENCHLENS_JOBS"] = jobs
    proc = subprocess.run(
        [sys.executable, "-m", "benchlens", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def big_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("big")
    base, cur = folder / "baseline.txt", folder / "current.txt"
    write_results(base, 700, 1.0, seed=1)
    write_results(cur, 700, 1.5, seed=2)
    assert min(base.stat().st_size, cur.stat().st_size) >= common.FORK_MIN_BYTES
    return base, cur


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_compare_is_the_same_on_one_core_and_two(big_pair: tuple[Path, Path], fmt: str) -> None:
    base, cur = big_pair
    args = ("compare", base, cur, "--format", fmt, "--fail-on-regression")
    one = run(*args, jobs="1")
    two = run(*args, jobs=None)
    assert one[0] == 1, one[2]  # every tenth benchmark regressed
    assert two == one
    assert "70 regressions" in two[1] or '"regression":70' in two[1]


def test_check_is_the_same_on_one_core_and_two(tmp_path: Path, big_pair: tuple[Path, Path]) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLES, workspace, ignore=shutil.ignore_patterns("profiles"))
    for args in (("check", "."), ("check", ".", "--format", "github")):
        one = run(*args, jobs="1", cwd=workspace)
        two = run(*args, jobs=None, cwd=workspace)
        assert one[0] == 0, one[2]
        assert two == one
        assert "handler_test.go" in two[1]
    # with large results files too (read by two processes), findings and all
    results = workspace / "benchmark_results"
    shutil.copy(big_pair[0], results / "baseline.txt")
    shutil.copy(big_pair[1], results / "current.txt")
    one = run("check", ".", "--fail-on-regression", jobs="1", cwd=workspace)
    two = run("check", ".", "--fail-on-regression", jobs=None, cwd=workspace)
    assert one[0] == 1, one[2]
    assert two == one


def test_a_second_file_the_child_cannot_read_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big_pair: tuple[Path, Path]
) -> None:
    monkeypatch.setattr(common, "FORK_MIN_BYTES", 0)  # fork whatever the sizes
    fifo = tmp_path / "current.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"current\.txt: cannot read results: not a regular"):
        common.load_both_or_fail(big_pair[0], fifo)
    # and the first file's error comes first, the child cancelled
    with pytest.raises(InputError, match=r"current\.txt"):
        common.load_both_or_fail(fifo, big_pair[1])


def _group_ends(group: int, within: float = 10.0) -> bool:
    """Whether every process of `group` is gone within `within` seconds (a child that
    was interrupted too ends a moment after its parent)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


def test_ctrl_c_during_compare_is_an_interrupt(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) at any moment of a
    compare with a child ends it as an interrupt: exit 130 once the command runs
    (killed by SIGINT if it comes during Python's start-up), no child left, and never
    an abort. mypyc's fast int path used to abort ("fatal: out of memory") when a
    big-int multiply of the exact U test saw the pending signal (stats.BigInt)."""
    base, cur = tmp_path / "baseline.txt", tmp_path / "current.txt"
    write_results(base, 2000, 1.0, seed=3, runs=10, digits=0)  # ties: the exact U test
    write_results(cur, 2000, 1.5, seed=4, runs=10, digits=0)
    env = {k: v for k, v in os.environ.items() if k != "BENCHLENS_JOBS"}
    argv = [sys.executable, "-m", "benchlens", "compare", str(base), str(cur)]
    seen = set()
    for delay in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7):
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)  # the group lives on while the parent is unreaped
        _, err = proc.communicate(timeout=60)
        text = err.decode("utf-8", "replace")
        assert proc.returncode in (0, 130, -signal.SIGINT), (delay, proc.returncode, text)
        assert "out of memory" not in text
        if proc.returncode != -signal.SIGINT:  # a traceback only from Python's start-up
            assert "Traceback" not in text, text
        assert _group_ends(proc.pid), f"a process of the compare is left after {delay} s"
        seen.add(proc.returncode)
    assert 130 in seen  # the interrupt reached the command at least once
