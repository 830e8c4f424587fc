"""One grammar for a benchmark result line, used by the reader and the runner alike."""

from __future__ import annotations

import math

import pytest

from benchlens.results.grammar import (
    BadMeasurement,
    announced_name,
    benchmark_name,
    is_benchmark_name,
    is_benchmark_output,
    looks_like_result,
    parse_config_line,
    parse_iterations,
    parse_measurement,
    split_fields,
    split_procs,
)
from benchlens.results.reader import load_text
from benchlens.runner.session import _StartWatcher


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Benchmark", True),
        ("BenchmarkX", True),
        ("Benchmark_x", True),  # go test runs these: the rune after is not lower case
        ("Benchmark1", True),
        ("BenchmarkÉclair", True),
        ("Benchmarkfoo", False),
        ("Benchmarking", False),
        ("Benchmarkéclair", False),
        ("benchmarkX", False),
    ],
)
def test_benchmark_names(name: str, ok: bool) -> None:
    assert is_benchmark_name(name) is ok
    assert (benchmark_name(f"{name} 1 2 ns/op") == name) is ok


def test_reader_and_runner_agree_on_a_lower_case_rune_after_benchmark() -> None:
    """The runner announced `Benchmarkfoo` as started while the reader ignored its results."""
    seen: list[tuple[str, int]] = []
    watcher = _StartWatcher(lambda name, procs: seen.append((name, procs)))
    watcher.partial("Benchmarkfoo-8   \t")
    watcher.complete("Benchmarkfoo-8   \t 100\t 12.5 ns/op")
    watcher.partial("Benchmark_x-8   \t")
    watcher.complete("Benchmark_x-8   \t 100\t 12.5 ns/op")
    assert seen == [("Benchmark_x", 8)]
    rs = load_text("Benchmarkfoo-8 100 12.5 ns/op\nBenchmark_x-8 100 12.5 ns/op\n")
    assert [k.name for k in rs.benchmarks] == ["Benchmark_x"]
    assert not looks_like_result("Benchmarkfoo-8 100 12.5 ns/op")
    assert looks_like_result("Benchmark_x-8 100 12.5 ns/op")


def test_runner_line_classes() -> None:
    assert announced_name("BenchmarkA-2   \t") == "BenchmarkA-2"
    assert announced_name("BenchmarkA-2") is None  # not yet the tab that precedes the numbers
    assert announced_name("Benchmarking\t") is None
    assert is_benchmark_output("BenchmarkA-2   \t--- FAIL: BenchmarkA-2")
    assert not is_benchmark_output("BenchmarkA-2 10 5 ns/op")
    assert not is_benchmark_output("BenchmarkA-2")


def test_fields_split_on_go_white_space_only() -> None:
    # \x1f is white space to Python's str.split, not to Go's unicode.IsSpace.
    assert split_fields("BenchmarkA\x1fB 1\u00a02 ns/op") == ["BenchmarkA\x1fB", "1", "2", "ns/op"]
    rs = load_text("BenchmarkA\x1fB 1 2 ns/op\n")
    assert [k.name for k in rs.benchmarks] == ["BenchmarkA\x1fB"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        ("12.5", 12.5),
        ("1.", 1.0),
        (".5", 0.5),
        ("-3e2", -300.0),
        ("1_000", 1000.0),  # Go accepts underscores between digits
        ("1e1_0", 1e10),
        ("0x1p-2", 0.25),
        ("0X_1.8P1", 3.0),
        ("+Inf", math.inf),
        ("-infinity", -math.inf),
        ("inf", math.inf),
        ("1e-400", 0.0),  # underflow is not an error in Go
    ],
)
def test_measurements_go_accepts(text: str, value: float) -> None:
    assert parse_measurement(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NaN", "NaN"),
        ("nan", "NaN"),
        ("+nan", "invalid syntax"),
        ("1e400", "out of range"),
        ("0x1p99999", "out of range"),
        ("0x10", "invalid syntax"),  # a hex float needs its p exponent
        ("1__0", "invalid syntax"),
        ("_1", "invalid syntax"),
        ("1_", "invalid syntax"),
        ("١٢", "invalid syntax"),  # Python's float() takes other scripts' digits; Go does not
        ("12ns", "invalid syntax"),
        ("infin", "invalid syntax"),
        ("", "invalid syntax"),
    ],
)
def test_measurements_go_rejects(text: str, reason: str) -> None:
    with pytest.raises(BadMeasurement, match=reason):
        parse_measurement(text)


def test_iteration_counts_are_go_atoi() -> None:
    assert parse_iterations("100") == 100
    assert parse_iterations("+5") == 5
    assert parse_iterations("-5") == -5
    assert parse_iterations("9223372036854775807") == 2**63 - 1
    assert parse_iterations("9223372036854775808") is None
    assert parse_iterations("1_000") is None
    assert parse_iterations("٣") is None
    assert parse_iterations("9" * 5000) is None


def test_procs_suffix() -> None:
    assert split_procs("BenchmarkX-8") == ("BenchmarkX", 8)
    long = "BenchmarkX-" + "9" * 5000
    assert split_procs(long) == (long, 1)  # no int conversion of 5,000 digits


def test_config_lines() -> None:
    assert parse_config_line("pkg: example.com/p") == ("pkg", "example.com/p")
    assert parse_config_line("note:") == ("note", "")
    assert parse_config_line("cpu: X\r") == ("cpu", "X")
    assert parse_config_line("ünï-key: v") == ("ünï-key", "v")
    assert parse_config_line("Key: v") is None
    assert parse_config_line("key:v") is None
    assert parse_config_line("my key: v") is None
    assert parse_config_line("kEy: v") is None
