"""The results writer: what it writes reads back the same, and merging keeps what did not run."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from benchlens.results.model import BenchmarkKey
from benchlens.results.reader import load_text
from benchlens.results.writer import format_value, merge_results, write_results

TEXT = """goos: linux
goarch: amd64
pkg: example.com/a
cpu: AMD EPYC
Unit MB/s better=higher
BenchmarkX-8\t100\t12.5 ns/op\t3 B/op\t1 allocs/op
BenchmarkX-8\t100\t13.25 ns/op\t3 B/op\t1 allocs/op
BenchmarkY/size=64-8\t10\t1e-05 ns/op\t120.5 MB/s
pkg: example.com/b
BenchmarkZ\t5\t7 ns/op
"""


def roundtrip(text: str, header: dict[str, str] | None = None) -> str:
    out = io.StringIO()
    write_results(load_text(text), out, header)
    return out.getvalue()


def test_roundtrip_keeps_samples_config_and_units() -> None:
    before = load_text(TEXT)
    written = roundtrip(TEXT, {"commit": "abc", "date": "2025-01-01T00:00:00Z"})
    after = load_text(written)
    assert written.startswith("commit: abc\ndate: 2025-01-01T00:00:00Z\n")
    assert list(after.benchmarks) == list(before.benchmarks)
    for key, bench in before.benchmarks.items():
        assert after.benchmarks[key].samples == bench.samples
        assert after.benchmarks[key].iterations == bench.iterations
        assert after.benchmarks[key].config["pkg"] == key.package
    assert after.unit_metadata == {"MB/s": {"better": "higher"}}
    assert after.config["commit"] == "abc" and after.config["cpu"] == "AMD EPYC"
    assert "BenchmarkX-8\t100\t12.5 ns/op\t3 B/op\t1 allocs/op" in written
    # Writing what was written keeps every sample.
    again = load_text(roundtrip(written))
    assert {k: b.samples for k, b in again.benchmarks.items()} == {
        k: b.samples for k, b in after.benchmarks.items()
    }


def test_format_value() -> None:
    assert format_value(18.0) == "18"
    assert format_value(22.1) == "22.1"
    assert format_value(1e-05) == "1e-05"
    assert format_value(float("inf")) == "inf"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0))
def test_values_read_back_exactly(v: float) -> None:
    rs = load_text(f"pkg: p\nBenchmarkV 1 {format_value(v)} ns/op\n")
    assert rs.benchmarks[BenchmarkKey("p", "BenchmarkV")].samples["ns/op"] == [v]


def test_merge_replaces_what_ran_and_keeps_the_rest() -> None:
    previous = load_text(TEXT)
    fresh = load_text(
        "pkg: example.com/a\nBenchmarkX-8\t200\t9 ns/op\nBenchmarkNew-8\t1\t1 ns/op\n"
    )
    merged = merge_results(previous, fresh)
    x = merged.benchmarks[BenchmarkKey("example.com/a", "BenchmarkX", 8)]
    assert x.samples == {"ns/op": [9.0]} and x.iterations == [200]
    assert list(merged.benchmarks) == [
        BenchmarkKey("example.com/a", "BenchmarkX", 8),
        BenchmarkKey("example.com/a", "BenchmarkY/size=64", 8),
        BenchmarkKey("example.com/b", "BenchmarkZ", 1),
        BenchmarkKey("example.com/a", "BenchmarkNew", 8),
    ]
    y = merged.benchmarks[BenchmarkKey("example.com/a", "BenchmarkY/size=64", 8)]
    assert y.samples["MB/s"] == [120.5]
    # The merge goes through the writer intact.
    out = io.StringIO()
    write_results(merged, out)
    again = load_text(out.getvalue())
    assert list(again.benchmarks) == list(merged.benchmarks)
