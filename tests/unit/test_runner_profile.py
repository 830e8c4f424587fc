"""The profiling library against a real Go module: the package found by the
benchmark's name, the profiles and binary kept together, steps and output streamed,
failures by stage, and cancellation from another thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from benchlens.runner.profile import (
    ProfileOutcome,
    Profiler,
    ProfileRequest,
    ProfileStep,
    safe_dir_name,
    shell_path,
)
from tests.runner_helpers import copy_module, go_path, wait_no_processes_in

pytestmark = pytest.mark.go


def request(root: Path, bench: str, **kw: object) -> ProfileRequest:
    base: dict[str, object] = {
        "root": root,
        "bench": bench,
        "out_dir": root / "profiles" / safe_dir_name(bench),
        "pattern": f"^{bench}$",
        "benchtime": "20x",
        "go": go_path(),
    }
    base.update(kw)
    return ProfileRequest(**base)  # type: ignore[arg-type]


def test_profile_finds_the_package_and_streams(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    lines: list[str] = []
    steps: list[ProfileStep] = []
    outcome = Profiler(request(root, "BenchmarkWork")).run(lines.append, steps.append)
    assert outcome.ok, outcome.failure
    assert [s.step for s in steps] == ["find", "build", "run", "top"]
    assert steps[-1].package == "example.com/basic/slow"
    assert outcome.package is not None and outcome.package.import_path == steps[-1].package
    assert outcome.binary == outcome.out_dir / "slow.test" and outcome.binary.exists()
    assert outcome.cpu.stat().st_size > 0 and outcome.mem.stat().st_size > 0
    assert any(line.startswith("BenchmarkWork") for line in lines)
    assert any("flat%" in line for line in outcome.top)
    http_cpu, http_mem = outcome.commands(root)
    assert http_cpu == "go tool pprof -http=:8080 profiles/BenchmarkWork/slow.test " + (
        "profiles/BenchmarkWork/cpu.prof"
    )
    assert "-sample_index=alloc_space" in http_mem and http_mem.endswith("mem.prof")
    assert str(outcome.cpu) in outcome.commands()[0]  # absolute without a base


def test_failure_stages(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    missing = Profiler(request(root, "BenchmarkNope")).run()
    assert missing.failure is not None and missing.failure.stage == "find"
    assert "no package in ./... declares func BenchmarkNope" in str(missing.failure)
    wrong = Profiler(request(root, "BenchmarkWork", package="./fast")).run()
    assert wrong.failure is not None and wrong.failure.stage == "match"
    assert not wrong.ok and not wrong.cancelled


def test_cancel_from_another_thread(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    profiler = Profiler(request(root, "BenchmarkWork", benchtime="30s"))
    running = threading.Event()
    outcomes: list[ProfileOutcome] = []

    def on_line(line: str) -> None:
        if line.startswith("goos:"):  # the header Go prints as the benchmark starts
            running.set()

    worker = threading.Thread(target=lambda: outcomes.append(profiler.run(on_line)))
    worker.start()
    assert running.wait(60), "the benchmark never started"
    time.sleep(0.3)
    t0 = time.monotonic()
    profiler.cancel()
    worker.join(15)
    assert not worker.is_alive()
    assert time.monotonic() - t0 < 10
    (outcome,) = outcomes
    assert outcome.cancelled and not outcome.ok and outcome.failure is None
    assert not outcome.top
    assert not wait_no_processes_in(root)


def test_cancel_before_run_starts_nothing(tmp_path: Path) -> None:
    root = copy_module("basic", tmp_path)
    profiler = Profiler(request(root, "BenchmarkWork"))
    profiler.cancel()
    outcome = profiler.run()
    assert outcome.cancelled and outcome.failure is None and outcome.package is None
    assert not (root / "profiles").exists()


def test_shell_path_quotes() -> None:
    assert shell_path(Path("/a/b c/cpu.prof"), Path("/a")) == "'b c/cpu.prof'"
    assert shell_path(Path("/x/cpu.prof"), Path("/a")) == "/x/cpu.prof"
