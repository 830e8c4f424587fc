"""The server's state logic without a server: settings layers, unfinished files, staleness."""

from __future__ import annotations

from pathlib import Path

from benchlens.goindex.model import BenchmarkFunction, SourceRange
from benchlens.lsp.results_file import MAX_ATTEMPTS, ResultsFile, parse_results
from benchlens.lsp.settings import (
    Level,
    Notifications,
    deep_merge,
    read_trust,
    settings_layer,
    split_server_options,
)
from benchlens.lsp.staleness import EditTracker, function_texts, parsed_functions
from tests.lsp.conftest import write_atomic

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


def test_notifications_and_trust_settings() -> None:
    _, options, problems = split_server_options({})
    assert options.notifications is Notifications.ON_ERROR and options.trusted
    assert not problems and options.trust_problem is None
    _, options, problems = split_server_options({"notifications": "always", "trusted": True})
    assert options.notifications is Notifications.ALWAYS and options.trusted
    _, options, problems = split_server_options({"notifications": "loud"})
    assert options.notifications is Notifications.ON_ERROR and "notifications" in problems[0]
    assert Notifications.ON_ERROR.shows(Level.ERROR)
    assert not Notifications.ON_ERROR.shows(Level.WARNING)
    assert Notifications.ON_WARNING.shows(Level.WARNING)
    assert not Notifications.ON_WARNING.shows(Level.INFO)
    assert Notifications.ALWAYS.shows(Level.INFO) and not Notifications.OFF.shows(Level.ERROR)


def test_trust_fails_closed() -> None:
    """Only JSON `true` trusts, when a client says anything; a wrong type is reported."""
    assert read_trust({}) == (True, None)
    assert read_trust({"trusted": True}) == (True, None)
    assert read_trust({"trusted": False}) == (False, None)
    for value in ("false", "true", 1, 0, None, [], {}):
        trusted, problem = read_trust({"trusted": value})
        assert not trusted and problem is not None and repr(value) in problem
    config, options, _ = split_server_options({"trusted": "false", "alpha": 0.01})
    assert not options.trusted and options.trust_problem and config == {"alpha": 0.01}
    # The editor's settings can take trust away, never give back what the client withheld.
    assert not split_server_options({"trusted": True}, trusted=False)[1].trusted


def test_the_workspace_layer_sets_server_options_but_not_trust() -> None:
    """The `workspace` table (what `.vscode/settings.json` set) goes to `load_config` without
    the server's keys; its debounce and pop-ups win over the user's, its `trusted` is not
    the client's word and changes nothing."""
    settings = {
        "debounce_ms": 50,
        "notifications": "off",
        "alpha": 0.01,
        "workspace": {"debounce_ms": 500, "trusted": True, "paths": {"baseline": "b.txt"}},
    }
    config, options, problems = split_server_options(settings, trusted=False)
    assert config == {"alpha": 0.01, "workspace": {"paths": {"baseline": "b.txt"}}}
    assert options.debounce == 0.5 and options.notifications is Notifications.OFF
    assert not options.trusted and not problems
    _, options, _ = split_server_options({"trusted": False, "workspace": {"trusted": True}})
    assert not options.trusted


def test_unfinished_file_keeps_the_last_good_parse(tmp_path: Path) -> None:
    path = tmp_path / "current.txt"
    path.write_text(RESULTS)
    file = ResultsFile(path)
    assert file.offer(parse_results(path)) is None and file.results is not None
    good = file.results

    # Cut in the middle of a line, and renamed into place: not a file being written in
    # place (that is waited for as long as it grows, see test_results_file.py).
    write_atomic(path, RESULTS + "BenchmarkC-2   100   3")
    for _ in range(MAX_ATTEMPTS - 1):
        reason = file.offer(parse_results(path))
        assert str(reason) == "the last line is not finished"
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
    write_atomic(path, "pkg: m\nBenchmarkX1-2   1   1.0 ns/op\n")  # a run of one benchmark
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


def test_a_remembered_version_is_parsed_only_when_a_different_one_comes() -> None:
    path = Path("/x_test.go")
    two = (
        'package x\n\nimport "testing"\n\n'
        "func BenchmarkA(b *testing.B) {\n\tb.N++\n}\n\n"
        "func BenchmarkB(b *testing.B) {\n\tb.N++\n}\n"
    )
    parsed: list[str] = []

    def functions_of(p: Path, text: str) -> tuple[BenchmarkFunction, ...]:
        parsed.append(text)
        return parsed_functions(p, text)

    tracker = EditTracker(functions_of)
    tracker.remember(path, two)
    assert tracker.known(path)
    # The same text again (the file opened unchanged): nothing to parse, nothing edited.
    assert tracker.observe(path, two, parsed_functions(path, two), when=1.0) == set()
    assert parsed == []

    # Remembered, then a different version (changed on disk, or opened with changes):
    # the remembered text is parsed once, and only the edited function counts.
    other = EditTracker(functions_of)
    other.remember(path, two)
    moved = "// doc\n" + two.replace(
        "b.N++\n}\n\nfunc BenchmarkB", "b.N += 2\n}\n\nfunc BenchmarkB"
    )
    assert other.observe(path, moved, parsed_functions(path, moved), when=2.0) == {"BenchmarkA"}
    assert parsed == [two]
    assert (
        other.edited_at(path, "BenchmarkA") == 2.0 and other.edited_at(path, "BenchmarkB") is None
    )

    other.forget(path)
    assert not other.known(path)
