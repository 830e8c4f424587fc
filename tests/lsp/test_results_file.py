"""A results file written progressively (`go test -bench . > current.txt`) keeps the
previous version on screen until it is finished, without any timer in the test: `now`
is given."""

from __future__ import annotations

import os
from pathlib import Path

from benchlens.lsp.results_file import (
    SETTLE_SECONDS,
    Reason,
    ResultsFile,
    ends_finished,
    parse_results,
)
from tests.lsp.conftest import write_atomic

HEADER = "goos: linux\ngoarch: amd64\npkg: example.com/m\ncpu: x\n"
LINES = [f"BenchmarkB{i}-2   \t100\t{10 + i}.0 ns/op\n" for i in range(6)]
DONE = "PASS\nok  \texample.com/m\t1.2s\n"


def taken(path: Path, text: str) -> ResultsFile:
    path.write_text(text)
    file = ResultsFile(path)
    assert file.offer(parse_results(path)) is None
    return file


def test_the_last_line_of_a_finished_run() -> None:
    assert ends_finished(b"BenchmarkA-2 1 1 ns/op\nPASS\nok  \texample.com/m\t1.2s\n")
    assert ends_finished(b"BenchmarkA-2 1 1 ns/op\nPASS\n\n")
    assert ends_finished(b"--- FAIL: BenchmarkA\nFAIL\texample.com/m\t0.1s\n")
    assert ends_finished(b"?   \texample.com/m/x\t[no test files]\n")
    assert not ends_finished(b"pkg: example.com/m\nBenchmarkA-2 1 1 ns/op\n")
    assert not ends_finished(b"BenchmarkA-2   \t")  # the name is printed before the run
    assert not ends_finished(b"")
    json_done = b'{"Action":"pass","Package":"example.com/m","Elapsed":1.2}\n'
    assert ends_finished(b'{"Action":"output","Output":"x"}\n' + json_done)
    assert not ends_finished(b'{"Action":"pass","Test":"TestX","Package":"m"}\n')


def test_a_file_written_in_place_is_kept_while_it_grows(tmp_path: Path) -> None:
    path = tmp_path / "current.txt"
    file = taken(path, HEADER + "".join(LINES) + DONE)
    previous = file.results
    with path.open("w") as out:  # `go test ... > current.txt`: truncated, then written
        for i, line in enumerate(LINES):
            out.write(HEADER if i == 0 else "")
            out.write(line[:12])  # the name first, the numbers when the run is done
            out.flush()
            now = path.stat().st_mtime
            suspicion = file.offer(parse_results(path), now=now)
            assert suspicion is not None and suspicion.reason is Reason.BEING_WRITTEN
            assert file.writing and file.results is previous
            out.write(line[12:])
            out.flush()
            suspicion = file.offer(parse_results(path), now=now + 1)
            assert suspicion is not None and suspicion.reason is Reason.BEING_WRITTEN
            assert str(suspicion) == f"results being written: {i + 1} benchmarks so far"
            # A pause between two benchmarks (no change) is still the same run.
            again = file.offer(parse_results(path), now=now + 5)
            assert again is not None and again.reason is Reason.BEING_WRITTEN
        out.write(DONE)
    assert file.offer(parse_results(path), now=path.stat().st_mtime) is None
    assert not file.writing and file.results is not previous and len(file.results or []) == 6


def test_a_writer_that_stops_is_taken_after_the_settle_time(tmp_path: Path) -> None:
    path = tmp_path / "current.txt"
    file = taken(path, HEADER + "".join(LINES) + DONE)
    path.write_text(HEADER + "".join(LINES[:4]))  # killed after four benchmarks
    mtime = path.stat().st_mtime
    suspicion = file.offer(parse_results(path), now=mtime + 1)
    assert suspicion is not None and suspicion.reason is Reason.BEING_WRITTEN
    # The next look is when the file has had the settle time to change.
    assert file.retry_in(suspicion, 0.2, now=mtime + 1) > SETTLE_SECONDS - 1
    assert file.offer(parse_results(path), now=mtime + SETTLE_SECONDS + 1) is None
    assert len(file.results or []) == 4


def test_deleted_then_written_again_is_the_same_run(tmp_path: Path) -> None:
    """`rm current.txt; go test ... > current.txt`."""
    path = tmp_path / "current.txt"
    file = taken(path, HEADER + "".join(LINES) + DONE)
    path.unlink()
    gone = file.offer(parse_results(path))
    assert gone is not None and gone.reason is Reason.GONE
    path.write_text(HEADER + LINES[0])
    suspicion = file.offer(parse_results(path), now=path.stat().st_mtime)
    assert suspicion is not None and suspicion.reason is Reason.BEING_WRITTEN


def test_a_file_renamed_into_place_is_complete(tmp_path: Path) -> None:
    """`benchlens run` writes atomically and without a final `ok` line: taken at once."""
    path = tmp_path / "current.txt"
    file = taken(path, HEADER + "".join(LINES) + DONE)
    write_atomic(path, HEADER + "".join(LINES[:5]))
    assert file.offer(parse_results(path), now=path.stat().st_mtime) is None
    assert len(file.results or []) == 5


def test_not_a_regular_file_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "current.txt"
    os.mkfifo(fifo)
    parse = parse_results(fifo)  # would block forever if it were opened
    assert parse.results is None and parse.error is not None
    assert "not a regular file" in parse.error


def test_between_two_packages_the_run_is_not_over(tmp_path: Path) -> None:
    """`go test -bench . ./...`: after the first package's `ok` line the file ends as a
    finished run does, but it holds fewer benchmarks than before: still being written."""
    second = "pkg: example.com/m/two\n" + "".join(
        x.replace("BenchmarkB", "BenchmarkC") for x in LINES
    )
    path = tmp_path / "current.txt"
    file = taken(path, HEADER + "".join(LINES) + DONE + second + DONE)
    with path.open("w") as out:
        out.write(HEADER + LINES[0])
        out.flush()
        first_look = file.offer(parse_results(path), now=path.stat().st_mtime)
        assert first_look is not None and first_look.reason is Reason.BEING_WRITTEN
        out.write("".join(LINES[1:]) + DONE)  # the first package is done
        out.flush()
        between = file.offer(parse_results(path), now=path.stat().st_mtime)
        assert between is not None and between.reason is Reason.BEING_WRITTEN
        out.write(second + DONE)
    assert file.offer(parse_results(path), now=path.stat().st_mtime) is None
    assert len(file.results or []) == 12
