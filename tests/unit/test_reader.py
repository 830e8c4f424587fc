"""The results reader on the shared corpora, on hostile and malformed input, and streaming."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchlens.results.model import BenchmarkKey, Result, SyntaxIssue, UnitMetadata
from benchlens.results.reader import (
    ResultsFileError,
    load_results,
    load_text,
    read_lines,
    read_records,
    read_stream,
    split_procs,
)


def test_split_procs() -> None:
    assert split_procs("BenchmarkX-8") == ("BenchmarkX", 8)
    assert split_procs("BenchmarkX") == ("BenchmarkX", 1)
    assert split_procs("BenchmarkX/size=4096-16") == ("BenchmarkX/size=4096", 16)
    # Ambiguous in the format itself; benchfmt splits the suffix too.
    assert split_procs("BenchmarkX/n=-3") == ("BenchmarkX/n=", 3)
    assert split_procs("BenchmarkX-0") == ("BenchmarkX-0", 1)
    assert split_procs("BenchmarkX/a-b") == ("BenchmarkX/a-b", 1)


def test_result_line_config_and_units() -> None:
    text = (
        "goos: linux\n"
        "pkg: example.com/p\n"
        "cpu: Some CPU @ 2.0GHz\n"
        "Unit frames/op better=higher assume=exact\n"
        "BenchmarkHash/size=4096-8  \t 1000\t 1234 ns/op\t 3319.5 MB/s\t 16 B/op\t 1 allocs/op\n"
        "note: after\n"
        "BenchmarkHash/size=4096-8 1000 1300 ns/op\n"
        "note:\n"
        "PASS\n"
        "ok  \texample.com/p\t1.2s\n"
    )
    records = list(read_lines(text.splitlines(keepends=True), "x.txt"))
    results = [r for r in records if isinstance(r, Result)]
    units = [r for r in records if isinstance(r, UnitMetadata)]
    assert [u.key for u in units] == ["better", "assume"]
    assert len(results) == 2
    first, second = results
    assert first.key == BenchmarkKey("example.com/p", "BenchmarkHash/size=4096", 8)
    assert [(v.value, v.unit) for v in first.values] == [
        (1234, "ns/op"),
        (3319.5, "MB/s"),
        (16, "B/op"),
        (1, "allocs/op"),
    ]
    assert first.iterations == 1000
    assert first.config["cpu"] == "Some CPU @ 2.0GHz"
    assert "note" not in first.config
    assert second.config["note"] == "after"
    assert first.location.line == 5
    rs = load_text(text)
    assert rs.benchmarks[first.key].samples["ns/op"] == [1234, 1300]
    assert rs.unit_metadata["frames/op"] == {"better": "higher", "assume": "exact"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("BenchmarkX abc 12 ns/op", "parsing iteration count"),
        ("BenchmarkX 10", "missing measurements"),
        ("BenchmarkX 10 12", "missing units"),
        ("BenchmarkX 10 twelve ns/op", "parsing measurement"),
    ],
)
def test_malformed_lines_are_reported_with_line_and_skipped(line: str, reason: str) -> None:
    text = f"pkg: p\nBenchmarkA 1 1 ns/op\n{line}\nBenchmarkB 1 2 ns/op\n"
    rs = load_text(text, "bad.txt")
    assert [k.name for k in rs.benchmarks] == ["BenchmarkA", "BenchmarkB"]
    assert len(rs.issues) == 1
    issue = rs.issues[0]
    assert issue.location.path == "bad.txt"
    assert issue.location.line == 3
    assert reason in issue.message
    assert str(issue).startswith("bad.txt:3: ")


def test_lines_that_are_not_results_are_ignored() -> None:
    text = (
        "Benchmarking is fun\nBenchmarkfoo 1 2 ns/op\n--- FAIL: BenchmarkX\nKEY: v\nBenchmarkX-8\n"
    )
    rs = load_text(text)
    assert len(rs) == 0
    assert rs.issues == []


def test_hostile_benchmark_names_survive() -> None:
    name = "BenchmarkX/$(touch_x);`rm`|'q'&&\"d\"/ünïcode/#01"
    rs = load_text(f"pkg: p\n{name}-4 10 5 ns/op\n")
    (key,) = rs.benchmarks
    assert key.name == name
    assert key.procs == 4
    assert key.sub_parts == ("$(touch_x);`rm`|'q'&&\"d\"", "ünïcode", "#01")


def test_test2json_corpus_joins_split_output(corpus: Path) -> None:
    for stem in ("bench", "benchfail", "benchshort"):
        from_json = load_results(corpus / "test2json" / f"{stem}.json")
        from_text = load_results(corpus / "test2json" / f"{stem}.test")
        assert list(from_json.benchmarks) == list(from_text.benchmarks)
        assert [b.samples for b in from_json] == [b.samples for b in from_text]
        assert [i.message for i in from_json.issues] == [i.message for i in from_text.issues]
    bench = load_results(corpus / "test2json" / "bench.json")
    (samples,) = bench
    assert samples.key.name == "BenchmarkFoo"
    assert samples.key.procs == 8
    assert samples.samples["ns/op"] == [0.0]
    assert samples.config["goos"] == "darwin"
    short = load_results(corpus / "test2json" / "benchshort.json")
    assert len(short) == 0
    (issue,) = short.issues
    assert "parsing measurement 'early'" in issue.message


def test_test2json_result_split_across_events_and_packages() -> None:
    events = [
        {"Action": "output", "Package": "a", "Output": "pkg: a\n"},
        {"Action": "output", "Package": "a", "Output": "BenchmarkA-2   \t"},
        {"Action": "output", "Package": "b", "Output": "BenchmarkB-2 \t 5 \t 7 ns/op\n"},
        {"Action": "output", "Package": "a", "Output": "   100\t  12.5 ns/op\n"},
        {"Action": "pass", "Package": "a"},
    ]
    text = "\n".join(json.dumps(e) for e in events) + "\nnot json\n"
    rs = load_text(text, "x.json")
    assert rs.benchmarks[BenchmarkKey("a", "BenchmarkA", 2)].samples["ns/op"] == [12.5]
    # package b had no pkg: line: the event's Package stands in.
    assert rs.benchmarks[BenchmarkKey("b", "BenchmarkB", 2)].samples["ns/op"] == [7]
    (issue,) = rs.issues
    assert issue.location.line == 6
    assert "invalid JSON" in issue.message


def test_read_stream_detects_format() -> None:
    text = '\n{"Action":"output","Package":"p","Output":"BenchmarkZ 1 3 ns/op\\n"}\n'
    records = list(read_stream(io.StringIO(text), "s"))
    assert isinstance(records[0], Result)
    assert records[0].key == BenchmarkKey("p", "BenchmarkZ", 1)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="cannot read results"):
        list(read_records(tmp_path / "nope.txt"))
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\xff\xfe garbage\nBenchmarkA 1 2 ns/op\n\xff\n")
    rs = load_results(binary)
    assert list(rs.benchmarks) == [BenchmarkKey("", "BenchmarkA", 1)]


def test_file_caught_mid_write_keeps_complete_lines(tmp_path: Path) -> None:
    path = tmp_path / "current.txt"
    path.write_text("pkg: p\nBenchmarkA-2 10 100 ns/op\nBenchmarkA-2 10 1")
    rs = load_results(path)
    # The truncated last line still parses (as 1 ns/op) or is reported — never a crash.
    assert BenchmarkKey("p", "BenchmarkA", 2) in rs.benchmarks


def test_large_file_streams(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("w") as f:
        f.write("pkg: big\n")
        for i in range(200_000):
            f.write(f"BenchmarkN/i={i % 1000}-8 \t1000\t{i % 97 + 1} ns/op\t0 B/op\t0 allocs/op\n")
    size = path.stat().st_size
    count = sum(1 for r in read_records(path) if isinstance(r, Result))
    assert count == 200_000
    tracemalloc.start()
    try:
        rs = load_results(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rs) == 1000
    assert all(len(b.samples["ns/op"]) == 200 for b in rs)
    # Memory follows what is kept, not the bytes read: 800,000 numbers (600,000 values
    # and 200,000 iteration counts) in 8-byte list slots, the number objects shared
    # through the reader's caches, plus a few blocks of text in flight.
    kept = 800_000 * 8
    assert peak < 1.5 * kept + (2 << 20), f"{size >> 20} MiB read, {peak >> 20} MiB held"


@given(st.text(max_size=400))
def test_reader_never_raises_on_arbitrary_text(text: str) -> None:
    for record in read_lines(text.splitlines(keepends=True), "fuzz"):
        assert isinstance(record, Result | UnitMetadata | SyntaxIssue)


@given(
    name=st.text(
        alphabet=st.characters(blacklist_categories=("Zs", "Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    ),
    procs=st.integers(min_value=1, max_value=512),
    value=st.floats(min_value=0, max_value=1e12, allow_nan=False),
)
def test_any_printable_name_round_trips(name: str, procs: int, value: float) -> None:
    full = f"BenchmarkX/{name}"
    rs = load_text(f"BenchmarkX/{name}-{procs} 1 {value!r} ns/op\n")
    (key,) = rs.benchmarks
    # A name that itself ends in -N is ambiguous in the format; the suffix we added wins.
    assert key.procs == procs
    assert key.name == full


@pytest.mark.go
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "test2json"])
def test_real_go_test_bench_output(tmp_path: Path, as_json: bool) -> None:
    """A real `go test -bench` run of the example module reads back completely."""
    import subprocess

    from tests.conftest import EXAMPLES, go_binary

    args = [go_binary(), "test", "-run=^$", "-bench=.", "-benchtime=1x", "-benchmem", "-count=2"]
    if as_json:
        args.append("-json")
    proc = subprocess.run(
        [*args, "./..."], cwd=EXAMPLES, capture_output=True, text=True, timeout=300, check=True
    )
    out = tmp_path / ("out.json" if as_json else "out.txt")
    out.write_text(proc.stdout)
    rs = load_results(out)
    assert rs.issues == []
    committed = load_results(EXAMPLES / "benchmark_results" / "baseline.txt")
    assert {(k.package, k.name) for k in rs.benchmarks} == {
        (k.package, k.name) for k in committed.benchmarks
    }
    for bench in rs:
        assert bench.key.package.startswith("example.com/eventpipe/")
        assert len(bench.samples["ns/op"]) == 2
        assert {"B/op", "allocs/op"} <= set(bench.samples)
