"""`benchlens run` with real Go: results written atomically, --merge, failures that
never destroy the previous results, and names full of shell metacharacters."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.results.reader import load_results
from benchlens.runner.goargs import go_rewrite, name_pattern
from benchlens.runner.store import partial_path
from tests.runner_helpers import (
    PREVIOUS,
    QUICK,
    copy_module,
    names,
    sample_counts,
    write_text,
)

pytestmark = pytest.mark.go

HOSTILE = "BenchmarkShell/$(touch pwned); `rm -rf x` | 'q' && \"d\""


def test_run_writes_current_then_merge_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_module("basic", tmp_path)
    current = root / "benchmark_results" / "current.txt"
    assert main(["run", "-C", str(root), *QUICK, "--count", "2"]) == 0
    out = capsys.readouterr().out
    assert "BenchmarkWork running" in out  # plain progress when not on a terminal
    # Once each package ran once, the second run's lines say the time elapsed and left.
    assert re.search(
        r"^\[2/2 \d+s, ETA \d+s\] example.com/basic/slow BenchmarkWork running$", out, re.M
    )
    assert "wrote benchmark_results/current.txt (4 benchmarks, 8 samples" in out
    assert sample_counts(current) == {
        "BenchmarkAdd": 2,
        "BenchmarkSum/size=8": 2,
        "BenchmarkSum/size=64": 2,
        "BenchmarkWork": 2,
    }
    results = load_results(current)
    assert {k.package for k in results.benchmarks} == {
        "example.com/basic/fast",
        "example.com/basic/slow",
    }
    before = load_results(current).benchmarks

    # Re-run one benchmark with --merge: it is replaced, every other one kept as it was.
    assert main(["run", "-C", str(root), *QUICK, "--count", "3", "--merge", "--bench", "Add"]) == 0
    after = load_results(current).benchmarks
    assert sample_counts(current)["BenchmarkAdd"] == 3
    assert list(after) == list(before)
    for key, bench in before.items():
        if key.name != "BenchmarkAdd":
            assert after[key].samples == bench.samples

    # Without --merge, the file holds exactly what ran.
    assert main(["run", "-C", str(root), *QUICK, "--count", "1", "./slow"]) == 0
    assert names(current) == {"BenchmarkWork"}


def test_run_options_output_and_fast_count(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    out = tmp_path / "elsewhere.txt"
    code = main(["run", "-C", str(root), *QUICK, "--count", "2", "--fast-count", "-o", str(out)])
    assert code == 0
    assert sample_counts(out)["BenchmarkWork"] == 2
    assert not (root / "benchmark_results" / "current.txt").exists()


def test_failure_keeps_previous_results_and_writes_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_module("broken", tmp_path)
    current = write_text(root / "benchmark_results" / "current.txt", PREVIOUS)
    assert main(["run", "-C", str(root), *QUICK, "--count", "1"]) == 1
    err = capsys.readouterr().err
    assert "example.com/broken/nocompile: build failed" in err
    assert "cannot use" in err
    assert "deliberate failure" in err
    assert "benchmark_results/current.txt left unchanged" in err
    assert current.read_text() == PREVIOUS
    partial = partial_path(current)
    assert partial.name == "current.partial.txt"
    assert names(partial) == {"BenchmarkGood", "BenchmarkPasses"}


def test_nothing_matched_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_module("basic", tmp_path)
    current = write_text(root / "benchmark_results" / "current.txt", PREVIOUS)
    assert main(["run", "-C", str(root), *QUICK, "--bench", "NoSuchBenchmark"]) == 2
    assert "no benchmarks ran" in capsys.readouterr().err
    assert current.read_text() == PREVIOUS


@pytest.mark.parametrize("how", ["--name", "--bench"])
def test_shell_metacharacters_reach_go_as_one_argument(tmp_path: Path, how: str) -> None:
    root = copy_module("shell", tmp_path)
    canaries = [root / "x", root / "meta" / "x", tmp_path / "x"]
    for canary in canaries:
        canary.mkdir()
    value = HOSTILE if how == "--name" else name_pattern(HOSTILE)
    assert main(["run", "-C", str(root), *QUICK, "--count", "1", how, value]) == 0
    # Exactly that sub-benchmark ran and was parsed, under Go's rewritten name.
    assert names(root / "benchmark_results" / "current.txt") == {go_rewrite(HOSTILE)}
    assert go_rewrite(HOSTILE) == "BenchmarkShell/$(touch_pwned);_`rm_-rf_x`_|_'q'_&&_\"d\""
    # ... and nothing in it was executed.
    assert not [p for p in tmp_path.rglob("*pwned*")]
    assert not list(Path.cwd().glob("*pwned*"))
    assert all(c.is_dir() for c in canaries)


def test_bad_count_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--count", "0"])
    assert exc.value.code == 2


def test_run_on_the_example_module(example_copy: Path) -> None:
    """The bundled example (four packages) runs with the default configuration."""
    current = example_copy / "benchmark_results" / "current.txt"
    assert main(["run", "-C", str(example_copy), *QUICK, "--count", "1"]) == 0
    packages = {k.package for k in load_results(current).benchmarks}
    assert packages == {
        "example.com/eventpipe/storage/log",
        "example.com/eventpipe/kafka/handler",
        "example.com/eventpipe/mempool",
        "example.com/eventpipe/throttle",
    }


def test_benchmarks_that_skip_themselves_are_named_as_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """golang/snappy's benchmarks skip without /usr/share/dict/words or downloaded
    files, and without -v the test binary says nothing of it: "check the pattern"
    alone sent the user hunting a pattern that was right."""
    root = tmp_path / "skips"
    write_text(root / "go.mod", "module example.com/skips\n\ngo 1.21\n")
    write_text(
        root / "s_test.go",
        'package skips\n\nimport "testing"\n\n'
        'func BenchmarkWords(b *testing.B) { b.Skip("no /usr/share/dict/words") }\n',
    )
    assert main(["run", "-C", str(root), *QUICK, "--count", "1"]) == 2
    err = capsys.readouterr().err
    assert "no benchmarks ran" in err
    assert "or they skipped themselves (b.Skip" in err
    assert "-v" in err


def test_terminal_progress_bar(tmp_path: Path) -> None:
    """The rich progress display follows a real run without errors."""
    from benchlens.cli.run import RichProgress, execute
    from benchlens.runner import RunRequest
    from tests.runner_helpers import go_path

    root = copy_module("basic", tmp_path)
    display = RichProgress()
    outcome = execute(RunRequest(root=root, benchtime="10x", count=2, go=go_path()), display)
    assert outcome.ok and len(outcome.keys) == 4
    tasks = display.progress.tasks
    # The overall bar is the percent of the estimated work; it ends full, on the last run.
    assert tasks[0].completed == tasks[0].total == 100
    assert tasks[0].description == "run 2/2" and tasks[0].fields["percent"] == "100%"
    assert display.last is not None and display.last.remaining == 0.0


def test_exec_flag_runs_the_binary_through_the_given_program(tmp_path: Path) -> None:
    """`run.flags = ["-exec", X]` is for the test binary, as with `go test -exec`:
    `go list` and `go test -c` never see it (go list rejects it)."""
    root = copy_module("basic", tmp_path)
    log = tmp_path / "exec.log"
    wrapper = write_text(
        tmp_path / "wrap.sh", f'#!/bin/sh\necho "$1" >> {shlex.quote(str(log))}\nexec "$@"\n'
    )
    wrapper.chmod(0o755)
    write_text(
        root / ".benchlens.toml",
        f'[run]\nflags = ["-exec", "{wrapper} ", "-tags", "x", "-vet=off"]\n',
    )
    assert main(["run", "-C", str(root), *QUICK, "--count", "2", "./fast", "./slow"]) == 0
    ran = log.read_text().splitlines()
    assert len(ran) == 4 and all(line.endswith(".test") for line in ran)
    assert sample_counts(root / "benchmark_results" / "current.txt")["BenchmarkWork"] == 2


def test_terminal_progress_keeps_the_times_on_a_narrow_terminal() -> None:
    """On an 80-column terminal a long package and benchmark name is cut short with `…`,
    not the percent and the times (they were cut to `4…` trying valyala/fastjson)."""
    import io
    import time

    from rich.console import Console

    from benchlens.cli.run import RichProgress
    from benchlens.runner.events import (
        BenchmarkStarted,
        PackagesListed,
        PackageStarted,
        RunProgress,
    )

    pkg = "github.com/valyala/fastjson/fastfloat"
    display = RichProgress()
    display.progress.stop()
    display(PackagesListed(packages=(), skipped=(), runs=6))
    display(PackageStarted(package=pkg, run=1, runs=6))
    display(BenchmarkStarted(pkg, "BenchmarkParseBestEffort/1234567890/custom", procs=2, run=1))
    now = time.monotonic()
    display(RunProgress(elapsed=65, remaining=190, fraction=0.12, samples=3, at=now + 3600))
    screen = Console(width=80, file=io.StringIO(), color_system=None)
    screen.print(display.progress.get_renderable())
    lines = [line for line in screen.file.getvalue().splitlines() if line.strip()]
    assert len(lines) == 2, lines  # one line each: the run, the benchmark
    assert lines[0].rstrip().endswith("12% 1m05s, ETA 3m10s"), lines[0]
    assert "github.com/valyala/fastjson" in lines[1] and "…" in lines[1], lines[1]
