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


def start_long_run(
    root: Path, tmpdir: Path | None = None
) -> tuple[subprocess.Popen[str], list[str]]:
    """`benchlens run` of a benchmark that takes ~30 s; returns once it is running."""
    proc = subprocess.Popen(
        benchlens_argv("run", "-C", str(root), "--benchtime", "30s", "--count", "3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env(), "TMPDIR": str(tmpdir)} if tmpdir else env(),
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
        # As shells report a death by signal: 130 for Ctrl-C, 143 for SIGTERM.
        assert code == 128 + sig, "".join(lines)
    left = wait_no_processes_in(root)
    assert not left, f"orphan processes: {left}"
    assert current.read_text() == PREVIOUS
    leftovers = sorted(p.name for p in current.parent.iterdir())
    assert leftovers == ["current.txt"], leftovers


def test_the_next_run_removes_the_build_folder_a_killed_run_left(tmp_path: Path) -> None:
    """SIGKILL leaves `benchlens-bin-<pid>-*` (the test binaries) in the temporary
    directory; the next run deletes it, since its owner is gone."""
    root = copy_module("basic", tmp_path)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc, _ = start_long_run(root, tmpdir)
    proc.kill()
    proc.wait(timeout=30)
    assert not wait_no_processes_in(root)
    left = [p.name for p in tmpdir.iterdir()]
    assert len(left) == 1 and left[0].startswith(f"benchlens-bin-{proc.pid}-"), left
    run = subprocess.run(
        benchlens_argv("run", "-C", str(root), "--benchtime", "1x", "--count", "1", "./fast"),
        env={**env(), "TMPDIR": str(tmpdir)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert list(tmpdir.iterdir()) == []
