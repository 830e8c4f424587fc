"""Hostile results files (issue 10, items 5 and 6): every one a warning or a clear error,
never a traceback, a hang or memory that grows with the bytes read."""

from __future__ import annotations

import json
import math
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from benchlens import stats
from benchlens.compare import Comparison, compare
from benchlens.config import default_config
from benchlens.results.model import BenchmarkKey
from benchlens.results.reader import ResultsFileError, load_results, load_text, read_records
from benchlens.views.facts import benchmark_message, status_summary
from benchlens.views.hover import hover_markdown
from benchlens.views.html import render_html
from benchlens.views.json_view import render_json
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text


def _every_view(comparison: Comparison) -> None:
    """Render the comparison in every view; the JSON must be strict JSON (no NaN/Infinity)."""
    render_text(comparison)
    render_markdown(comparison)
    render_html(comparison)
    json.loads(render_json(comparison), parse_constant=lambda c: pytest.fail(f"JSON has {c}"))
    for bench in comparison.benchmarks:
        hover_markdown(bench)
        benchmark_message(bench)
        status_summary(bench)


def _compare(base: str, cur: str, tmp_path: Path) -> Comparison:
    return compare(load_text(base, "base.txt"), load_text(cur, "cur.txt"), default_config(tmp_path))


def test_nan_is_a_malformed_line_with_its_file_and_line(tmp_path: Path) -> None:
    text = "pkg: p\nBenchmarkA 1 5 ns/op\nBenchmarkA 1 NaN ns/op\nBenchmarkA 1 6 ns/op\n"
    rs = load_text(text, "x")
    (issue,) = rs.issues
    assert str(issue).startswith("x:3: ")
    assert "NaN" in issue.message
    assert rs.benchmarks[BenchmarkKey("p", "BenchmarkA")].samples["ns/op"] == [5, 6]


def test_infinities_compare_and_render(tmp_path: Path) -> None:
    """±Inf in allocs/op raised OverflowError; -Inf and +Inf together gave a NaN median."""
    base = "pkg: p\n" + "BenchmarkA 1 +Inf allocs/op\n" * 6
    base += "BenchmarkB 1 -Inf ns/op\nBenchmarkB 1 +Inf ns/op\n" * 3
    base += "BenchmarkC 1 1e308 ns/op\n" * 3
    cur = "pkg: p\n" + "BenchmarkA 1 1 allocs/op\nBenchmarkA 1 +Inf allocs/op\n" * 3
    cur += "BenchmarkB 1 -Inf ns/op\nBenchmarkB 1 +Inf ns/op\n" * 3
    cur += "BenchmarkC 1 -1e308 ns/op\n" * 3
    comparison = _compare(base, cur, tmp_path)
    assert not comparison.issues
    _every_view(comparison)
    b = comparison.by_key()[BenchmarkKey("p", "BenchmarkB")].metrics[0]
    assert b.baseline is not None and math.isnan(b.baseline.center)
    assert json.loads(render_json(comparison))["benchmarks"][1]["metrics"][0]["baseline"] is None


def test_huge_numbers_in_names_and_json(tmp_path: Path) -> None:
    """A 5,000-digit -procs suffix or JSON integer hit Python's int-conversion limit."""
    digits = "9" * 5000
    rs = load_text(f"pkg: p\nBenchmarkA-{digits} 1 5 ns/op\nBenchmarkB 1{digits} 5 ns/op\n", "x")
    (key,) = rs.benchmarks
    assert key == BenchmarkKey("p", f"BenchmarkA-{digits}", 1)
    (issue,) = rs.issues  # the iteration count is out of int64's range, as in Go
    assert "parsing iteration count" in issue.message
    assert len(issue.message) < 200
    events = [
        f'{{"Action":"output","Package":"p","Output":"BenchmarkA 1 5 ns/op\\n","N":{digits}}}',
        '{"Action":"output","Package":"p","Output":"BenchmarkA 1 6 ns/op\\n"}',
    ]
    rs = load_text("\n".join(events) + "\n", "x.json")
    assert rs.benchmarks[BenchmarkKey("p", "BenchmarkA")].samples["ns/op"] == [6]
    (issue,) = rs.issues
    assert issue.location.line == 1 and "invalid JSON" in issue.message
    _every_view(_compare(f"BenchmarkA-{digits} 1 5 ns/op\n", "", tmp_path))


def test_json_nested_deeply_is_an_invalid_event() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = '{"Action":"output","Package":"p","Output":"BenchmarkA 1 5 ns/op\\n"}\n'
    text += f'{{"Action":"output","Output":{deep}}}\n'
    rs = load_text(text, "x.json")
    assert len(rs.benchmarks) == 1
    (issue,) = rs.issues
    assert issue.location.line == 2 and "invalid JSON event" in issue.message


def test_lone_surrogate_in_json_becomes_a_replacement_character(tmp_path: Path) -> None:
    text = '{"Action":"output","Package":"p\\udc00","Output":"BenchmarkA\\ud800 1 5 ns/op\\n"}\n'
    rs = load_text(text, "x.json")
    (key,) = rs.benchmarks
    assert key == BenchmarkKey("p\ufffd", "BenchmarkA\ufffd")
    comparison = compare(None, rs, default_config(tmp_path))
    for out in (render_text(comparison), render_json(comparison), render_markdown(comparison)):
        out.encode("utf-8")  # printing it cannot fail


def test_read_error_mid_file_is_a_results_file_error() -> None:
    if not os.access("/proc/self/mem", os.R_OK):
        pytest.skip("no /proc/self/mem here")
    with pytest.raises(ResultsFileError, match=r"/proc/self/mem:1: read error"):
        load_results("/proc/self/mem")


def _in_thread(fn: object, timeout: float = 20.0) -> BaseException | None:
    """Run `fn` in a daemon thread; the exception it raised, or fail when it hangs."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            fn()  # type: ignore[operator]
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        pytest.fail("reading did not return")
    return outcome[0]


def test_a_fifo_without_a_writer_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "current.txt"
    os.mkfifo(fifo)
    for read in (load_results, lambda p: list(read_records(p))):
        exc = _in_thread(lambda read=read: read(fifo))
        assert isinstance(exc, ResultsFileError)
        assert "not a regular file" in str(exc)


def test_devices_and_directories_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="not a regular file"):
        load_results("/dev/zero")
    with pytest.raises(ResultsFileError, match="a directory"):
        load_results(tmp_path)


def test_an_overlong_line_is_skipped_with_a_warning_in_bounded_memory(tmp_path: Path) -> None:
    """One 200 MB line peaked at 7 GB: now a line over 64 KiB is skipped without being held."""
    path = tmp_path / "long.txt"
    with path.open("wb") as f:
        f.write(b"pkg: p\nBenchmarkA 1 5 ns/op\n")
        f.write(b"BenchmarkB 1 " + b"5 ns/op " * (1 << 20) + b"\n")  # 8 MiB
        f.write(b"x" * (3 << 20))  # 3 MiB without a newline at the end
        f.write(b"\nBenchmarkA 1 6 ns/op\n" + b"y" * (2 << 20))
    tracemalloc.start()
    try:
        rs = load_results(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rs.benchmarks[BenchmarkKey("p", "BenchmarkA")].samples["ns/op"] == [5, 6]
    assert [(i.location.line, "longer than 64 KiB" in i.message) for i in rs.issues] == [
        (3, True),
        (4, True),
        (6, True),
    ]
    assert peak < 4 << 20, f"peak {peak / 2**20:.1f} MiB while reading 13 MiB of long lines"


def test_overlong_test2json_output_is_skipped(tmp_path: Path) -> None:
    chunk = json.dumps({"Action": "output", "Package": "p", "Output": "x" * 30_000})
    lines = [chunk] * 4 + [
        json.dumps({"Action": "output", "Package": "p", "Output": "\nBenchmarkA 1 5 ns/op\n"})
    ]
    rs = load_text("\n".join(lines) + "\n", "x.json")
    assert list(rs.benchmarks) == [BenchmarkKey("p", "BenchmarkA")]
    (issue,) = rs.issues
    assert "longer than 64 KiB" in issue.message


def test_what_the_reader_yields_never_makes_stats_raise() -> None:
    """Every value the reader accepts (finite, ±Inf, extremes) is safe for the statistics."""
    rs = load_text(
        "".join(
            f"BenchmarkA 1 {v} ns/op\n"
            for v in ("+Inf", "-Inf", "1e308", "-1e308", "5e-324", "0", "-0", "0x1p-1074")
        )
    )
    values = rs.benchmarks[BenchmarkKey("", "BenchmarkA")].samples["ns/op"]
    assert len(values) == 8
    for a in (values, values[:1], values[:3], [math.inf] * 3):
        for b in (values, values[2:], [-math.inf] * 5):
            stats.summarize(a)
            stats.summarize(a, assume_exact=True)
            stats.compare_samples(a, b)
            stats.compare_samples(a, b, assume_exact=True)
