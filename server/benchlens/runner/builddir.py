"""The temporary directory a run builds its test binaries into, and the clean-up of
those that a killed run left behind.

A run removes its directory when it ends, also on Ctrl-C or SIGTERM; a SIGKILL (or
a crash) leaves it, with megabytes of test binaries. So the directory is named
after the process that owns it (`benchlens-bin-<pid>-...`) and that process holds an
exclusive `flock` on it while it runs — the kernel drops the lock when the process
dies, however it dies. At the start of each run, the directories of processes that
are gone — pid not running *and* lock free — are deleted; a directory whose owner
may still run (the pid exists, or the lock is held, e.g. by a process in another
pid namespace) is left alone, and so is anything not ours (another user's, a
symbolic link, a name without a pid).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "benchlens-bin-"
_OWNED = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. EPERM: it exists, as another user
    return True


def _lock(path: Path, *, wait: bool) -> int | None:
    """An open descriptor of directory `path` holding an exclusive flock, or None when
    another process holds it (and `wait` is False)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError:
        os.close(fd)
        raise
    return fd


def clean_stale(directory: Path | None = None) -> list[Path]:
    """Delete the build directories in `directory` (the temporary directory) whose
    owner process is gone; returns those deleted."""
    where = Path(directory or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        names = os.listdir(where)
    except OSError:
        return removed
    for name in names:
        m = _OWNED.match(name)
        if m is None or int(m.group(1)) == os.getpid() or _process_exists(int(m.group(1))):
            continue
        path = where / name
        try:
            info = path.lstat()
            if not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid():
                continue
            fd = _lock(path, wait=False)
        except OSError:
            continue
        if fd is None:
            continue  # its owner runs after all (another pid namespace)
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)
        if not path.exists():
            removed.append(path)
    return removed


@contextlib.contextmanager
def build_dir() -> Iterator[Path]:
    """A fresh, locked build directory, removed afterwards; stale ones are cleaned first."""
    clean_stale()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    fd = _lock(path, wait=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        if fd is not None:
            os.close(fd)
