"""The server's state logic without a server: settings layers, unfinished files, staleness."""

from __future__ import annotations

from pathlib import Path

from benchlens.goindex.model import BenchmarkFunction, SourceRange
from benchlens.lsp.state import (
    MAX_ATTEMPTS,
    EditTracker,
    ResultsFile,
    deep_merge,
    function_texts,
    parse_results,
    settings_layer,
    split_server_options,
)

RESULTS = "pkg: example.com/m\nBenchmarkA-2   100   10.0 ns/op\nBenchmarkB-2   100   20.0 ns/op\n"


def test_settings_layers() -> None:
    assert settings_layer({"benchlens": {"alpha": 0.01}}) == {"alpha": 0.01}
    assert settings_layer({"alpha": 0.01}) == {"alpha": 0.01}
    assert settings_layer(None) == {} and settings_layer([1]) == {}
    merged = deep_merge(
        {"severity": {"regression": "hint", "missing": "off"}, "alpha": 0.05},
        {"severity": {"regression": "error"}},
    )
    assert merged == {"severity": {"regression": "error", "missing": "off"}, "alpha": 0.05}
    config, options, problems = split_server_options({"debounce_ms": 50, "alpha": 0.01}, False)
    assert config == {"alpha": 0.01} and options.debounce == 0.05 and not options.trusted
    assert not problems
    _, options, problems = split_server_options({"debounceMs": "soon"})
    assert options.debounce == 0.2 and "debounce_ms" in problems[0]


def test_unfinished_file_keeps_the_last_good_parse(tmp_path: Path) -> None:
    path = tmp_path / "current.txt"
    path.write_text(RESULTS)
    file = ResultsFile(path)
    assert file.offer(parse_results(path)) is None and file.results is not None
    good = file.results

    path.write_text(RESULTS + "BenchmarkC-2   100   3")  # cut in the middle of a line
    for _ in range(MAX_ATTEMPTS - 1):
        reason = file.offer(parse_results(path))
        assert reason == "the last line is not finished"
        assert file.results is good
    # A writer that never finishes: after MAX_ATTEMPTS the file is taken as it is.
    assert file.offer(parse_results(path)) is None
    assert file.results is not good and len(file.results or []) == 2


def test_a_smaller_file_is_taken_once_it_stops_changing(tmp_path: Path) -> None:
    path = tmp_path / "current.txt"
    many = "pkg: m\n" + "".join(f"BenchmarkX{i}-2   1   {i}.0 ns/op\n" for i in range(10))
    path.write_text(many)
    file = ResultsFile(path)
    file.offer(parse_results(path))
    path.write_text("pkg: m\nBenchmarkX1-2   1   1.0 ns/op\n")  # a run of one benchmark
    assert file.offer(parse_results(path)) is not None  # maybe still being written
    assert len(file.results or []) == 10
    assert file.offer(parse_results(path)) is None  # unchanged since: a real, smaller run
    assert len(file.results or []) == 1


def test_function_fingerprints_ignore_moves_not_edits() -> None:
    path = Path("/x_test.go")
    text = "package x\n\nfunc BenchmarkA(b *testing.B) {\n\tb.N++\n}\n"
    fn = BenchmarkFunction(path, "BenchmarkA", SourceRange(2, 5, 2, 15), SourceRange(2, 30, 4, 1))
    moved_text = "package x\n\n// doc\n\nfunc BenchmarkA(b *testing.B) {\n\tb.N++\n}\n"
    moved = BenchmarkFunction(
        path, "BenchmarkA", SourceRange(4, 5, 4, 15), SourceRange(4, 30, 6, 1)
    )
    assert function_texts(text, [fn]) == function_texts(moved_text, [moved])

    tracker = EditTracker()
    assert tracker.observe(path, text, [fn], when=1.0) == set()
    assert tracker.observe(path, moved_text, [moved], when=2.0) == set()
    edited = moved_text.replace("b.N++", "b.N += 2")
    assert tracker.observe(path, edited, [moved], when=3.0) == {"BenchmarkA"}
    assert tracker.edited_at(path, "BenchmarkA") == 3.0
