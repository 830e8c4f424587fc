"""A child process whose output streams in line by line and which can be cancelled.

Why each child gets its own process group (`start_new_session=True`): `go test`
starts the compiler, the linker and the test binary as its own children, so
killing `go` alone would leave them running. Cancelling kills the whole group,
from any thread (the language server cancels from its event loop while a worker
thread reads the output). A small reaper process kills the groups that are
still registered if this process dies without cleaning up (SIGKILL, a crash).

POSIX only (process groups, `killpg`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol

#: Seconds between SIGTERM and SIGKILL when cancelling.
KILL_GRACE = 2.0


class _Reaper:
    """The one reaper process of this Python process, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._broken = False

    def _pipe(self) -> IO[bytes] | None:
        if self._proc is None and not self._broken:
            script = Path(__file__).with_name("_reaper.py")
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-I", str(script)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except OSError:
                self._broken = True
        return self._proc.stdin if self._proc is not None else None

    def _send(self, line: str) -> None:
        with self._lock:
            pipe = self._pipe()
            if pipe is None:
                return
            try:
                pipe.write(line.encode() + b"\n")
                pipe.flush()
            except OSError:
                self._broken = True
                self._proc = None

    def watch(self, pgid: int) -> None:
        self._send(f"+{pgid}")

    def unwatch(self, pgid: int) -> None:
        self._send(f"-{pgid}")


_reaper = _Reaper()


def _killpg(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _wait_exited(pid: int) -> None:
    """Block until `pid` has exited, without reaping it: while it is a zombie its
    process group id cannot be reused, so signalling the group stays safe."""
    waitid = getattr(os, "waitid", None)
    if waitid is None:  # pragma: no cover - platforms without waitid
        return
    with contextlib.suppress(ChildProcessError):
        waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)


class ProcessCancelled(Exception):
    """The process was cancelled before it could start."""


class StreamingProcess:
    """One child in its own process group, stdout and stderr merged, read as lines.

    Use: `start()`, iterate `lines()`, then `finish()` (in a `finally`) for the
    exit code; `terminate()` may be called at any time from any thread.
    """

    def __init__(
        self,
        argv: Sequence[str],
        cwd: str | Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.cwd = Path(cwd)
        self.env = dict(env) if env is not None else None
        self._lock = threading.Lock()
        self._popen: subprocess.Popen[bytes] | None = None
        self._terminated = False
        self._reaped = False
        self._eof = False
        self.returncode: int | None = None

    @property
    def terminated(self) -> bool:
        return self._terminated

    def start(self) -> None:
        """Start the child; raises ProcessCancelled if `terminate()` came first,
        OSError if the program cannot be run."""
        with self._lock:
            if self._terminated:
                raise ProcessCancelled(self.argv[0])
            self._popen = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                bufsize=0,
            )
            _reaper.watch(self._popen.pid)

    def lines(self, on_partial: Callable[[str], None] | None = None) -> Iterator[str]:
        """Output lines (without the newline) as they arrive. `on_partial` sees the
        incomplete last line after each read: Go prints a benchmark's name before
        running it and the numbers on the same line after."""
        assert self._popen is not None and self._popen.stdout is not None
        fd = self._popen.stdout.fileno()
        buf = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            *complete, buf = buf.split(b"\n")
            for raw in complete:
                yield _decode(raw)
            if buf and on_partial is not None:
                on_partial(_decode(buf))
        if buf:
            yield _decode(buf)
        self._eof = True

    def terminate(self, grace: float = KILL_GRACE) -> None:
        """Cancel: SIGTERM to the group now, SIGKILL after `grace` seconds. Thread-safe,
        idempotent, never blocks."""
        with self._lock:
            first = not self._terminated
            self._terminated = True
            if self._popen is None or self._reaped or not first:
                return
            _killpg(self._popen.pid, signal.SIGTERM)
        timer = threading.Timer(grace, self._kill_now)
        timer.daemon = True
        timer.start()

    def _kill_now(self) -> None:
        with self._lock:
            if self._popen is not None and not self._reaped:
                _killpg(self._popen.pid, signal.SIGKILL)

    def finish(self) -> int:
        """Wait for the child and reap it; returns its exit code (negative: signal).
        Output not read to the end means the caller gave up: the child is cancelled."""
        popen = self._popen
        if popen is None:
            return -1
        if not self._eof:
            self.terminate()
        _wait_exited(popen.pid)
        with self._lock:
            if self._terminated:
                # Grandchildren (the compiler, a test binary under `go test`) may outlive `go`.
                _killpg(popen.pid, signal.SIGKILL)
            _reaper.unwatch(popen.pid)
            self.returncode = popen.wait()
            self._reaped = True
        if popen.stdout is not None:
            popen.stdout.close()
        return self.returncode


class Cancelled(Exception):
    """Raised in the worker thread of cancelled work; the work's `run()` catches it."""


class ChildSlot:
    """The one child process a piece of work (a benchmark session, a profile) runs at
    a time, and the cancellation of that work from any thread: `cancel()` kills the
    current child's process group, and no child starts after it (`start` raises
    `Cancelled`). `env` is the environment of every child (None: this process's).
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(env) if env is not None else None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._current: StreamingProcess | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Thread-safe and idempotent; never blocks."""
        with self._lock:
            self._cancelled.set()
            proc = self._current
        if proc is not None:
            proc.terminate()

    def check(self) -> None:
        """Raise `Cancelled` if the work was cancelled."""
        if self.cancelled:
            raise Cancelled

    def start(self, argv: Sequence[str], cwd: str | Path) -> StreamingProcess:
        """Start `argv` as the current child; pair with `finish` in a `finally`."""
        proc = StreamingProcess(argv, cwd, self.env)
        with self._lock:
            if self._cancelled.is_set():
                raise Cancelled
            self._current = proc
            try:
                proc.start()
            except ProcessCancelled as exc:
                raise Cancelled from exc
        return proc

    def finish(self, proc: StreamingProcess) -> int:
        """`proc.finish()`: its exit code; it is no longer the current child."""
        try:
            return proc.finish()
        finally:
            with self._lock:
                self._current = None

    def capture(self, argv: Sequence[str], cwd: str | Path) -> tuple[int, str]:
        """Run to completion: (exit code, merged output); `Cancelled` if cancelled."""
        proc = self.start(argv, cwd)
        try:
            out = "\n".join(proc.lines())
        finally:
            code = self.finish(proc)
        self.check()
        return code, out

    @contextlib.contextmanager
    def adopting(self) -> Iterator[Callable[[StreamingProcess], None]]:
        """An `on_start` callback (for `run_captured`, `list_packages`) that makes the
        process started elsewhere the current child while the block runs."""

        def adopt(proc: StreamingProcess) -> None:
            with self._lock:
                self._current = proc
            if self.cancelled:
                proc.terminate()

        try:
            yield adopt
        finally:
            with self._lock:
                self._current = None


class Cancellable(Protocol):
    """Anything that can be told to stop from another thread (a session, a profile)."""

    def cancel(self) -> None: ...


class CancellableWork:
    """Work (a benchmark session, a profile) whose children run through one
    `ChildSlot`, driven by `run()` in one thread and cancelled from any other."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._slot = ChildSlot(env)

    def cancel(self) -> None:
        """Stop: kills the running child's process group; no new child starts.
        Thread-safe and idempotent; `run()` then returns with `cancelled=True`."""
        self._slot.cancel()

    @property
    def cancelled(self) -> bool:
        return self._slot.cancelled


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\r")


def run_captured(
    argv: Sequence[str],
    cwd: str | Path,
    env: Mapping[str, str] | None = None,
    on_start: Callable[[StreamingProcess], None] | None = None,
) -> tuple[int, str]:
    """Run to completion and return (exit code, merged output). `on_start` receives
    the process so that a caller can cancel it from another thread."""
    proc = StreamingProcess(argv, cwd, env)
    proc.start()
    if on_start is not None:
        on_start(proc)
    try:
        out = "\n".join(proc.lines())
    finally:
        code = proc.finish()
    return code, out
