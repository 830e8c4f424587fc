"""Killing `benchlens run` mid-way: the previous results stay as they were and no
go process or test binary is left running (SIGINT/SIGTERM clean up; after SIGKILL
the reaper does)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.runner_helpers import (
    PREVIOUS,
    benchlens_argv,
    copy_module,
    env,
    processes_in,
    wait_no_processes_in,
    write_text,
)

pytestmark = pytest.mark.go


def start_long_run(root: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """`benchlens run` of a benchmark that takes ~30 s; returns once it is running."""
    proc = subprocess.Popen(
        benchlens_argv("run", "-C", str(root), "--benchtime", "30s", "--count", "3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env(),
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

    threading.Thread(target=read, daemon=True).start()
    if not running.wait(90):
        proc.kill()
        pytest.fail("no benchmark started:\n" + "".join(lines))
    return proc, lines


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_killed_run_leaves_previous_results_and_no_processes(
    tmp_path: Path, sig: signal.Signals
) -> None:
    root = copy_module("basic", tmp_path)
    current = write_text(root / "benchmark_results" / "current.txt", PREVIOUS)
    proc, lines = start_long_run(root)
    # Something is running in the module now: the test binary, in its package directory.
    assert processes_in(root), "expected a test binary running in the module"
    t0 = time.monotonic()
    proc.send_signal(sig)
    code = proc.wait(timeout=30)
    assert time.monotonic() - t0 < 15
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 130, "".join(lines)
    left = wait_no_processes_in(root)
    assert not left, f"orphan processes: {left}"
    assert current.read_text() == PREVIOUS
    leftovers = sorted(p.name for p in current.parent.iterdir())
    assert leftovers == ["current.txt"], leftovers
