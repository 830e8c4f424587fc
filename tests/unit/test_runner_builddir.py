"""Build folders of killed runs are removed at the next start — only those whose owner
process is gone; a live run's folder, another process's lock, a symbolic link and
names without a pid are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from benchlens.runner.builddir import PREFIX, build_dir, clean_stale

HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def folder(where: Path, name: str) -> Path:
    path = where / name
    path.mkdir()
    (path / "000-example.test").write_bytes(b"\x7fELF")
    return path


def test_only_folders_of_gone_processes_are_removed(tmp_path: Path) -> None:
    gone = dead_pid()
    stale = folder(tmp_path, f"{PREFIX}{gone}-abc")
    ours = folder(tmp_path, f"{PREFIX}{os.getpid()}-def")
    unnamed = folder(tmp_path, f"{PREFIX}k2j3h4")
    target = folder(tmp_path, "elsewhere")
    link = tmp_path / f"{PREFIX}{gone}-link"
    link.symlink_to(target)
    # A folder whose pid looks gone but whose lock is held: its owner runs (another
    # pid namespace, say), so it stays.
    locked = folder(tmp_path, f"{PREFIX}{dead_pid()}-locked")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(locked)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        assert clean_stale(tmp_path) == [stale]
        assert ours.exists() and unnamed.exists() and locked.exists() and link.is_symlink()
        assert (target / "000-example.test").exists()
    finally:
        holder.communicate("")
    assert clean_stale(tmp_path) == [locked]  # the lock went with its process


def test_build_dir_is_named_after_its_process_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = folder(tmp_path, f"{PREFIX}{dead_pid()}-abc")
    with build_dir() as path:
        assert path.name.startswith(f"{PREFIX}{os.getpid()}-") and path.is_dir()
        assert not stale.exists()
    assert not path.exists()
