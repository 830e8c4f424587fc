"""Where results come from: `run` records the commit (marked `(modified)` for a dirty
tree), the Go version and the benchlens version; `save-baseline` keeps them, and
saving the same results twice makes one history entry, not two."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchlens import __version__
from benchlens.cli import main
from benchlens.history import list_history
from benchlens.results.reader import load_results
from tests.runner_helpers import QUICK, copy_module, go_path

pytestmark = pytest.mark.go

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]


def git_repo(root: Path) -> str:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", "first"], cwd=root, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    return head.stdout.strip()


def go_version() -> str:
    out = subprocess.run([go_path(), "env", "GOVERSION"], capture_output=True, text=True)
    return out.stdout.strip()


def header(path: Path) -> list[str]:
    return [ln for ln in path.read_text().splitlines() if ln.split(":")[0] in PROVENANCE]


PROVENANCE = ("commit", "goversion", "benchlens", "date")


def test_run_records_provenance_and_save_baseline_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_module("basic", tmp_path)
    (root / ".gitignore").write_text("benchmark_results/\n")
    head = git_repo(root)
    results = root / "benchmark_results"
    current = results / "current.txt"

    assert main(["run", "-C", str(root), *QUICK, "--count", "1", "./fast"]) == 0
    expected = [f"commit: {head}", f"goversion: {go_version()}", f"benchlens: {__version__}"]
    assert sorted(header(current)) == sorted(expected)
    bench = next(iter(load_results(current)))
    assert bench.config["commit"] == head and bench.config["benchlens"] == __version__

    # An edited Go file: the results are not those of the commit any more.
    with (root / "fast" / "fast.go").open("a") as f:
        f.write("\n// edited\n")
    assert main(["run", "-C", str(root), *QUICK, "--count", "1", "./fast"]) == 0
    assert header(current)[0] == f"commit: {head} (modified)"
    capsys.readouterr()

    # The baseline keeps the run's own commit line (not HEAD's), and gets a date.
    assert main(["save-baseline", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"commit {head[:7]} (modified)" in out
    baseline = header(results / "baseline.txt")
    assert baseline[0].startswith("date: ")
    assert sorted(baseline[1:]) == sorted(
        [f"commit: {head} (modified)", f"goversion: {go_version()}", f"benchlens: {__version__}"]
    )
    assert len(list_history(results / "history")) == 1

    # The same results saved again: one history entry, which trends count once.
    assert main(["save-baseline", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert "no new history entry" in out
    assert len(list_history(results / "history")) == 1
    # New results: a new entry.
    assert main(["run", "-C", str(root), *QUICK, "--count", "1", "./fast"]) == 0
    assert main(["save-baseline", "-C", str(root)]) == 0
    assert len(list_history(results / "history")) == 2
