"""`benchlens profile`: readable CPU and memory profiles next to their test binary."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.runner.profile import safe_dir_name
from tests.runner_helpers import (
    benchlens_argv,
    copy_module,
    env,
    go_path,
    processes_in,
    wait_no_processes_in,
)

pytestmark = pytest.mark.go


def test_safe_dir_name() -> None:
    assert safe_dir_name("BenchmarkSum/size=64") == "BenchmarkSum_size=64"
    assert safe_dir_name("BenchmarkX/../../etc") == "BenchmarkX_.._.._etc"
    assert safe_dir_name("../..") == "benchmark"
    assert "/" not in safe_dir_name("BenchmarkShell/$(touch pwned); `rm -rf x`")


def test_profile_finds_the_package_and_writes_profiles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_module("basic", tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    code = main(["profile", "-C", str(root), "BenchmarkSum/size=64", "--benchtime", "200ms"])
    out = capsys.readouterr().out
    assert code == 0, out
    folder = root / "benchmark_results" / "profiles" / "BenchmarkSum_size=64"
    binary, cpu, mem = folder / "fast.test", folder / "cpu.prof", folder / "mem.prof"
    assert binary.exists() and cpu.stat().st_size > 0 and mem.stat().st_size > 0
    # `git add -A` would not commit the profiles or the 5 MB test binary.
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "benchmark_results"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
    assert "BenchmarkSum/size=64-" in out
    assert "BenchmarkSum/size=8" not in out  # only the asked-for sub-benchmark ran
    assert "flat%" in out  # the top of the CPU profile
    assert f"go tool pprof -http=:8080 {binary}" in out or "go tool pprof -http=:8080 " in out
    for prof in (cpu, mem):
        top = subprocess.run(
            [go_path(), "tool", "pprof", "-top", str(binary), str(prof)],
            capture_output=True,
            text=True,
            env=env(),
            timeout=120,
            check=False,
        )
        assert top.returncode == 0, top.stderr
        assert "flat%" in top.stdout
    cpu_top = subprocess.run(
        [go_path(), "tool", "pprof", "-top", str(binary), str(cpu)],
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
        check=False,
    ).stdout
    assert "example.com/basic/fast" in cpu_top  # symbols resolved from the binary


def test_profile_with_pkg_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_module("basic", tmp_path)
    args = ["profile", "-C", str(root), "--benchtime", "20x"]
    assert main([*args, "Work", "--pkg", "./slow"]) == 0
    assert (root / "benchmark_results" / "profiles" / "BenchmarkWork" / "cpu.prof").exists()
    capsys.readouterr()
    assert main([*args, "BenchmarkNope"]) == 2
    assert "no package" in capsys.readouterr().err
    assert main([*args, "BenchmarkWork", "--pkg", "./fast"]) == 2
    assert "no benchmark of that name" in capsys.readouterr().err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_profile_exits_128_plus_signal_and_leaves_no_process(
    tmp_path: Path, sig: signal.Signals
) -> None:
    root = copy_module("basic", tmp_path)
    proc = subprocess.Popen(
        benchlens_argv("profile", "-C", str(root), "BenchmarkWork", "--benchtime", "60s"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("profile BenchmarkWork"):
            break
    else:
        pytest.fail("the profile never started")
    deadline = time.monotonic() + 30
    while not processes_in(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in(root), "expected the test binary running"
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == 128 + sig  # 130 for Ctrl-C, 143 for SIGTERM
    assert "interrupted" in proc.stdout.read()
    assert not wait_no_processes_in(root)
