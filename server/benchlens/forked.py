"""A call run in a forked child process, its result brought back pickled through a pipe.

Why: `compare` and `check` are one-shot commands whose work splits into independent
parts (two results files to read, a source tree to index). benchstat has a second
core working for it (Go's collector runs beside the program), so on the 2-core
machines CI runs on, a single-threaded Python process loses on wall time while
spending no more CPU. A fork shares the parent's imported modules and memory, so the
child starts working at once; `multiprocessing` would import itself and start its
machinery for a part that takes tens of milliseconds.

Used only by one-shot commands, never in the language server: a process with threads
is not forked (the part then runs here, in order), nor is one on a single core, nor
one without `os.fork`, nor any when `BENCHLENS_JOBS=1`. The child writes nothing but
its result and leaves with `os._exit`: no atexit handlers, no second flush of the
parent's buffered output. If it dies without answering, the part is run here.
"""

from __future__ import annotations

import contextlib
import copyreg
import os
import pickle
import signal
import sys
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, BinaryIO, Generic, TypeVar

__all__ = ["Pending", "can_fork", "start"]

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a part may run in a child process here and now."""
    if not hasattr(os, "fork") or os.environ.get("BENCHLENS_JOBS", "").strip() == "1":
        return False
    threading = sys.modules.get("threading")  # never imported: no thread was started
    if threading is not None and threading.active_count() != 1:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores > 1


class _Cancelled(Exception):
    """What `result()` raises once `cancel()` has dropped the part."""


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _mapping_proxy, (dict(proxy),)


# Results keep their configuration read-only (a MappingProxyType), which pickle
# does not know; it travels as its dict and is wrapped again on arrival.
_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[MappingProxyType] = _reduce_mapping_proxy


#: The pipe's capacity asked for (Linux): the answer - a results file of 20,000
#: lines pickles to about 1 MiB - then streams through while this process still reads.
PIPE_BYTES = 1 << 20


def _send(call: Callable[[], object], out: BinaryIO) -> None:
    """`call`'s outcome, pickled straight into the pipe: the parent unpickles it as it
    comes (no copy in memory on either side, and the two halves of the work overlap).
    An outcome that cannot be pickled leaves a truncated stream, which the parent takes
    for a child that died: it runs the call itself."""
    try:
        outcome: tuple[bool, object] = (True, call())
    except BaseException as exc:  # the parent raises it, as if it had run the call
        outcome = (False, exc)
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(outcome)


class Pending(Generic[T]):
    """The result of a call started by `start`: `result()` waits for it, once."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._pid = 0
        self._fd = -1
        self._done = False
        self._outcome: tuple[bool, Any] = (False, None)
        if can_fork():
            self._fork()
        else:
            self._run_here()

    def _run_here(self) -> None:
        try:
            self._outcome = (True, self._call())
        except Exception as exc:
            self._outcome = (False, exc)
        self._done = True

    def _fork(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        read_fd, write_fd = os.pipe()
        with contextlib.suppress(AttributeError, OSError):  # Linux only; a hint
            import fcntl  # POSIX, as fork is

            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            self._run_here()
            return
        if pid == 0:  # the child: answer and leave, whatever happens
            status = 0
            try:
                os.close(read_fd)
                with os.fdopen(write_fd, "wb") as out:
                    _send(self._call, out)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def _collect(self) -> None:
        outcome: tuple[bool, Any] | None = None
        try:
            with os.fdopen(self._fd, "rb") as inp:  # closed first: a child still writing
                try:  # gets EPIPE and leaves, so that the wait below ends
                    outcome = pickle.load(inp)
                except Exception:  # nothing, or a truncated stream
                    outcome = None
        finally:
            os.waitpid(self._pid, 0)
        if outcome is None:  # the child died without answering (killed, out of memory)
            self._run_here()  # or its answer could not be pickled
            return
        self._outcome = outcome
        self._done = True

    def cancel(self) -> None:
        """Stop waiting: the child, if any, is killed and reaped; its result is dropped."""
        if self._done or not self._pid:
            return
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        os.close(self._fd)
        os.waitpid(self._pid, 0)
        self._done = True
        self._outcome = (False, _Cancelled("cancelled"))

    def result(self) -> T:
        """The call's value, or the exception it raised, raised here."""
        if not self._done:
            self._collect()
        ok, value = self._outcome
        if ok:
            return value  # type: ignore[no-any-return]
        raise value


def start(call: Callable[[], T]) -> Pending[T]:
    """`call()` started in a child process when one may be forked, else run here now."""
    return Pending(call)
