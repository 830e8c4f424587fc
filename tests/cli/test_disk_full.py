"""A full disk while results are written: the files stay as they were, no temporary
file is left, and the command says which file in one line and exits 2.

Two deterministic ways to make writes fail, without root:
- `RLIMIT_FSIZE` set in the child (any Linux): a write past the limit fails with
  EFBIG ("File too large"), as a full disk fails with ENOSPC; the limit is chosen
  above the Go test binary's size and below the results file's.
- a real full file system (ENOSPC): a 1 MiB tmpfs mounted over `benchmark_results`
  in a user and mount namespace (`unshare -rm`), filled up before benchlens runs.
  Skipped where user namespaces are not allowed.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner_helpers import QUICK, benchlens_argv, copy_module, env, go_path, write_text

pytestmark = pytest.mark.go

PREVIOUS = "pkg: example.com/basic/fast\nBenchmarkAdd-2\t100\t999 ns/op\n"


def limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def big_results(lines: int, name_length: int) -> str:
    """Results for another package, large in bytes but few in lines (long names)."""
    rows = [f"BenchmarkBig/{i:05d}{'x' * name_length}-2\t10\t5 ns/op" for i in range(lines)]
    return "pkg: example.com/basic/other\n" + "\n".join(rows) + "\n"


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_save_baseline_past_the_file_size_limit(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    results = root / "benchmark_results"
    current = write_text(results / "current.txt", big_results(200, 300))
    baseline = write_text(results / "baseline.txt", PREVIOUS)
    proc = subprocess.run(
        benchlens_argv("save-baseline", "-C", str(root)),
        env=env(),
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size(16 * 1024),
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"benchlens: {baseline}: File too large; left unchanged\n"
    assert baseline.read_text() == PREVIOUS
    assert listing(results) == ["baseline.txt", "current.txt"]  # no temporary file, no history
    assert current.stat().st_size > 16 * 1024


def test_run_merge_past_the_file_size_limit(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    current = write_text(root / "benchmark_results" / "current.txt", big_results(3000, 3000))
    before = current.read_bytes()
    limit = 8 * 1024 * 1024  # above a test binary (~5 MB), below the merged results (~9 MB)
    assert len(before) > limit
    # Compile the dependencies without the limit first: a cold build cache holds larger files.
    warm = [go_path(), "test", "-count=1", "-run=^$", "./fast"]
    subprocess.run(warm, cwd=root, env=env(), capture_output=True, check=True, timeout=300)
    proc = subprocess.run(
        benchlens_argv("run", "-C", str(root), *QUICK, "--count", "1", "--merge", "./fast"),
        env=env(),
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size(limit),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines()[-1] == f"benchlens: {current}: File too large; left unchanged"
    assert "Traceback" not in proc.stderr
    assert current.read_bytes() == before
    assert listing(current.parent) == ["current.txt"]


def _namespaces_allowed() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


FULL_DISK = """
set -e
results="$1"; shift
mount -t tmpfs -o size=1m tmpfs "$results"
cp -p "$SAVED"/* "$results"/
dd if=/dev/zero of="$results/filler" bs=4096 2>/dev/null || true
set +e
"$@"
rc=$?
# The tmpfs goes with the namespace: say here what benchlens left on it.
{
  echo "rc=$rc"
  for f in "$SAVED"/*; do cmp -s "$f" "$results/${f##*/}" && echo "same ${f##*/}"; done
  ls -A "$results"
} > "$REPORT"
exit $rc
"""


def on_a_full_disk(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`benchlens ARGS` with `root/benchmark_results` on a full tmpfs holding copies
    of the files that were there."""
    results = root / "benchmark_results"
    saved = root.parent / "saved"
    shutil.copytree(results, saved)
    for item in results.iterdir():
        item.unlink()
    child_env = {**env(), "SAVED": str(saved), "REPORT": str(root.parent / "report.txt")}
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", FULL_DISK, "sh", str(results), *benchlens_argv(*args)],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(
    not _namespaces_allowed(), reason="user namespaces not allowed: no private tmpfs"
)
@pytest.mark.parametrize(
    "command",
    [
        ("run", *QUICK, "--count", "1", "./fast"),
        ("run", *QUICK, "--count", "1", "--merge", "./fast"),
        ("save-baseline",),
    ],
    ids=["run", "run-merge", "save-baseline"],
)
def test_a_full_file_system(tmp_path: Path, command: tuple[str, ...]) -> None:
    root = copy_module("basic", tmp_path)
    results = root / "benchmark_results"
    write_text(results / "current.txt", PREVIOUS)
    write_text(results / "baseline.txt", PREVIOUS.replace("999", "1000"))
    proc = on_a_full_disk(root, command[0], "-C", str(root), *command[1:])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    target = "baseline.txt" if command[0] == "save-baseline" else "current.txt"
    last = proc.stderr.splitlines()[-1]
    assert last == f"benchlens: {results / target}: No space left on device; left unchanged"
    assert "Traceback" not in proc.stderr
    report = (tmp_path / "report.txt").read_text().split("\n")
    # Both files intact, and nothing but them and the filler on the full disk.
    assert report == [
        "rc=2",
        "same baseline.txt",
        "same current.txt",
        "baseline.txt",
        "current.txt",
        "filler",
        "",
    ]
