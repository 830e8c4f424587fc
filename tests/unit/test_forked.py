"""`benchlens.forked`: a part of a one-shot command run by a forked child, its answer
pickled back - the same value, the same exception, nothing printed twice, and the
part run here when there is no child to be had, it dies, or its answer does not pickle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchlens import forked
from benchlens.results.reader import ResultsFileError, load_results
from tests.conftest import EXAMPLES

CURRENT = EXAMPLES / "benchmark_results" / "current.txt"
needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="no fork or a single core here")


@needs_fork
def test_the_child_reads_the_same_results() -> None:
    parent = os.getpid()
    child_pid, results = forked.start(lambda: (os.getpid(), load_results(CURRENT))).result()
    assert child_pid != parent
    assert results == load_results(CURRENT)
    # the read-only configuration survives the trip read-only
    first = next(iter(results.benchmarks.values()))
    with pytest.raises(TypeError):
        first.config["goos"] = "plan9"  # type: ignore[index]


def test_an_exception_in_the_child_is_raised_here(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    pending = forked.start(lambda: load_results(missing))
    with pytest.raises(ResultsFileError, match=r"gone\.txt"):
        pending.result()


@needs_fork
def test_an_answer_that_cannot_be_pickled_is_made_here() -> None:
    parent = os.getpid()

    def part() -> tuple[int, object]:
        return os.getpid(), threading.Lock()  # a lock does not pickle

    pid, lock = forked.start(part).result()
    assert pid == parent and hasattr(lock, "acquire")


@needs_fork
def test_a_child_killed_before_answering_is_replaced_by_running_here() -> None:
    parent = os.getpid()

    def part() -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "run here"

    assert forked.start(part).result() == "run here"


def test_benchlens_jobs_1_runs_every_part_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCHLENS_JOBS", "1")
    assert not forked.can_fork()
    assert forked.start(os.getpid).result() == os.getpid()


def test_no_fork_once_a_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.can_fork()
        assert forked.start(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_cancel_kills_and_reaps_the_child() -> None:
    pending = forked.start(lambda: time.sleep(600))
    pending.cancel()
    with pytest.raises(Exception, match="cancelled"):
        pending.result()


def test_buffered_output_is_not_written_twice() -> None:
    code = (
        "import sys; from benchlens import forked; sys.stdout.write('once '); "
        "print(forked.start(lambda: 'answer').result())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout == "once answer\n"


@needs_fork
def test_an_answer_larger_than_the_pipe_streams_through() -> None:
    big = [float(i) for i in range(2 * forked.PIPE_BYTES // 8)]  # ~2x the pipe, pickled
    assert forked.start(lambda: big).result() == big
