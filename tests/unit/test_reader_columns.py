"""The reader's column-at-a-time path reads exactly what the line-at-a-time one reads.

`load_results`/`load_text` group the result lines between two other lines by name and
convert them a column at a time; `read_lines` feeds one line at a time into records.
Both must give the same samples, iteration counts, configurations, first locations,
issues and unit metadata, whatever the mix of lines.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchlens.results.model import ResultSet
from benchlens.results.reader import load_results, load_text, read_lines


def _line_at_a_time(text: str, source: str) -> ResultSet:
    results = ResultSet(source)
    for record in read_lines(text.split("\n"), source):
        results.add(record)
    return results


def _facts(rs: ResultSet) -> object:
    return (
        [
            (
                key,
                b.samples,
                list(b.samples),
                b.iterations,
                dict(b.config),
                b.first_location,
            )
            for key, b in rs.benchmarks.items()
        ],
        [str(issue) for issue in rs.issues],
        rs.unit_metadata,
        rs.config,
    )


def _same(text: str) -> None:
    assert _facts(load_text(text, "x.txt")) == _facts(_line_at_a_time(text, "x.txt"))


_names = st.sampled_from(
    ["BenchmarkA-8", "BenchmarkA", "BenchmarkB/size=64-8", "BenchmarkC-4", "Benchmarking", "B"]
)
_numbers = st.one_of(
    st.integers(0, 10**20).map(str),
    st.sampled_from(["1.5", "0.25", ".5", "5.", "1..2", "-3", "+4", "1e3", "0x1p3", "NaN"]),
    st.sampled_from(["inf", "1_0", "٣", "", "12345678901234567890"]),
)
_units = st.sampled_from(["ns/op", "sec/op", "MB/s", "B/op", "allocs/op", "frames/op", "12"])


@st.composite
def _result_line(draw: st.DrawFn) -> str:
    fields = [draw(_names), draw(st.one_of(st.sampled_from(["10", "1000"]), _numbers))]
    for _ in range(draw(st.integers(0, 4))):
        fields += [draw(_numbers), draw(_units)]
    if draw(st.booleans()):
        fields = fields[: draw(st.integers(1, len(fields)))]
    sep = draw(st.sampled_from(["\t", " ", " \t "]))
    return sep.join(fields)


_other_lines = st.sampled_from(
    [
        "pkg: example.com/a",
        "pkg: example.com/b",
        "pkg:",
        "commit: abc",
        "goos: linux",
        "PASS",
        "ok  \texample.com/a\t1.2s",
        "",
        "    bench_test.go:12: a log line",
        "\tindented",
        "Unit ns/op better=lower",
        "Unit frames/op assume=exact",
        "--- FAIL: BenchmarkA",
        "BenchmarkA-8 \t--- SKIP",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_result_line(), _result_line(), _other_lines), max_size=40),
    st.booleans(),
)
def test_columns_read_what_lines_read(lines: list[str], crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    _same(end.join(lines) + end)


def test_columns_on_usual_shapes() -> None:
    # go test -count 3: a benchmark's samples together; benchlens run: one run after another.
    together = ["pkg: p"] + [
        f"Benchmark{n}-8 \t100\t{10 + i}.5 ns/op\t{8 * i} B/op\t1 allocs/op"
        for n in "XYZ"
        for i in range(3)
    ]
    rounds = ["pkg: q"] + [
        f"Benchmark{n}-8 \t100\t{10 + i} ns/op\t12.5 MB/s" for i in range(3) for n in "XYZ"
    ]
    announced = ["pkg: r", "BenchmarkV", "BenchmarkV-2 \t5\t7 ns/op", "BenchmarkV-2 \t5\t8 ns/op"]
    scaled = ["pkg: s", "BenchmarkS 1 0.5 sec/op", "BenchmarkS 1 0.25 sec/op"]
    for lines in (together, rounds, announced, scaled, together + rounds + announced + scaled):
        _same("\n".join(lines) + "\n")


def test_columns_across_blocks(tmp_path: Path) -> None:
    # Larger than the reader's blocks: groups split where a block ends.
    lines = []
    for p in range(30):
        lines.append(f"pkg: example.com/p{p}")
        for i in range(10):
            for b in range(40):
                lines.append(f"BenchmarkB{b:03d}/size={b}-8 \t{1000 + i}\t{b + i * 0.5} ns/op")
    text = "\n".join(lines) + "\n"
    path = tmp_path / "big.txt"
    path.write_text(text)
    assert _facts(load_results(path)) == _facts(_line_at_a_time(text, str(path)))
