"""Streaming children: lines as they come, partial lines, cancellation of the whole
process group from another thread, and the reaper when the parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from benchlens.runner.process import ProcessCancelled, StreamingProcess, run_captured
from tests.runner_helpers import env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def py(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def test_lines_stream_as_they_arrive(tmp_path: Path) -> None:
    """The child waits for the parent to have seen each piece before it writes the next:
    buffering to the end would leave it waiting (then it writes "timed out" instead)."""
    line_seen, partial_seen = tmp_path / "line-seen", tmp_path / "partial-seen"
    proc = StreamingProcess(
        py(f"""
            import os, sys, time
            def wait_for(path):
                deadline = time.monotonic() + 60
                while not os.path.exists(path):
                    if time.monotonic() > deadline:
                        print("timed out", flush=True)
                        sys.exit(1)
                    time.sleep(0.01)
            print("one", flush=True)
            wait_for({str(line_seen)!r})
            sys.stderr.write("two\\n"); sys.stderr.flush()
            sys.stdout.write("three-partial"); sys.stdout.flush()
            wait_for({str(partial_seen)!r})
            print(" done", flush=True)
            print("no newline at end", end="")
        """),
        tmp_path,
    )
    partials: list[str] = []

    def on_partial(text: str) -> None:
        partials.append(text)
        if "three-partial" in text:
            partial_seen.touch()

    proc.start()
    seen: list[str] = []
    try:
        for line in proc.lines(on_partial):
            seen.append(line)
            if line == "one":
                line_seen.touch()
    finally:
        code = proc.finish()
    assert code == 0
    assert seen == ["one", "two", "three-partial done", "no newline at end"]
    # "one" arrived while the child was still running (it waited for us to see it),
    # and so did the unfinished "three-partial": streamed, not buffered to the end.
    assert "three-partial" in partials


def test_run_captured_merges_stderr(tmp_path: Path) -> None:
    code, out = run_captured(py("import sys; print('a'); sys.exit(3)"), tmp_path)
    assert (code, out) == (3, "a")


def test_terminate_before_start_cancels(tmp_path: Path) -> None:
    proc = StreamingProcess(py("print('never')"), tmp_path)
    proc.terminate()
    with pytest.raises(ProcessCancelled):
        proc.start()
    assert proc.finish() == -1


def _group_script(pidfile: Path) -> list[str]:
    """A child that starts a grandchild (which ignores SIGTERM) and both sleep."""
    return py(f"""
        import subprocess, sys, time
        g = subprocess.Popen([sys.executable, "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
        open({str(pidfile)!r}, "w").write(str(g.pid))
        print("started", flush=True)
        time.sleep(60)
    """)


def test_terminate_from_another_thread_kills_the_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    proc = StreamingProcess(_group_script(pidfile), tmp_path)
    proc.start()
    lines: list[str] = []

    def read() -> None:
        lines.extend(proc.lines())

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 20
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lines == ["started"]
    grandchild = int(pidfile.read_text())
    t0 = time.monotonic()
    threading.Thread(target=lambda: proc.terminate(grace=0.5)).start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading did not end after cancellation"
    code = proc.finish()
    assert code < 0  # killed by a signal
    assert _wait_dead(grandchild), "the grandchild outlived the cancellation"
    assert time.monotonic() - t0 < 5


def test_reaper_kills_children_when_the_parent_is_killed(tmp_path: Path) -> None:
    """SIGKILL of the Python process leaves no child running: the reaper sees its
    pipe close and kills the registered groups."""
    pidfile = tmp_path / "grandchild.pid"
    parent_code = f"""
        import sys
        from benchlens.runner.process import StreamingProcess
        p = StreamingProcess({_group_script(pidfile)!r}, {str(tmp_path)!r})
        p.start()
        print("child", p._popen.pid, flush=True)
        for line in p.lines():
            print(line, flush=True)
    """
    parent = subprocess.Popen(
        py(parent_code), stdout=subprocess.PIPE, text=True, env=env(), start_new_session=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline().split()[1])
    assert parent.stdout.readline().strip() == "started"
    grandchild = int(pidfile.read_text())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    parent.stdout.close()
    assert _wait_dead(child), "child survived its parent's SIGKILL"
    assert _wait_dead(grandchild), "grandchild survived its grandparent's SIGKILL"
