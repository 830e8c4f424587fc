"""Configuration: defaults, TOML layering, editor settings, and located validation errors."""

from __future__ import annotations

from pathlib import Path

from benchlens.config import default_config, inside_workspace, load_config
from benchlens.units import Better, Metric


def test_defaults_follow_the_conventional_layout(tmp_path: Path) -> None:
    config, issues = load_config(tmp_path)
    assert issues == []
    root = tmp_path.resolve()
    assert config.baseline == root / "benchmark_results" / "baseline.txt"
    assert config.current == root / "benchmark_results" / "current.txt"
    assert config.history == root / "benchmark_results" / "history"
    assert config.packages == ("./...",)
    assert config.alpha == 0.05
    assert [
        config.threshold("X", m)
        for m in (Metric.LATENCY, Metric.THROUGHPUT, Metric.ALLOCATIONS, Metric.MEMORY)
    ] == [20, 10, 15, 15]
    assert config.improvement_threshold("X") == 10
    assert config.run.benchtime == {"quick": "1s", "default": "5s", "full": "10s"}


def test_toml_file_and_editor_settings_layer(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_text(
        """
packages = ["./storage/...", "./kafka/..."]
alpha = 0.01

[paths]
baseline = "perf/base.txt"

[thresholds]
latency = 25
improvement = 5

[thresholds.benchmarks."BenchmarkParse/*"]
latency = 40

[units]
"frames/op" = "higher"

[run]
count = 10
flags = ["-tags", "integration"]
benchtime = { quick = "100x" }

[severity]
missing = "off"
"""
    )
    config, issues = load_config(tmp_path, {"thresholds": {"latency": 30}, "trusted": False})
    assert issues == []
    assert config.packages == ("./storage/...", "./kafka/...")
    assert config.alpha == 0.01
    assert config.baseline == tmp_path.resolve() / "perf" / "base.txt"
    assert config.threshold("BenchmarkX", Metric.LATENCY) == 30  # editor beats file
    assert config.threshold("BenchmarkParse/json", Metric.LATENCY) == 40
    assert config.improvement_threshold("BenchmarkX") == 5
    assert config.units == {"frames/op": Better.HIGHER}
    assert config.run.count == 10 and config.run.flags == ("-tags", "integration")
    assert config.run.benchtime["quick"] == "100x" and config.run.benchtime["full"] == "10s"
    assert config.severity["missing"] == "off"
    assert config.trusted is False


def test_invalid_values_name_file_line_and_key_and_keep_defaults(tmp_path: Path) -> None:
    path = tmp_path / "benchlens.toml"
    path.write_text(
        'alpha = 2\n[thresholds]\nlatency = "high"\nbogus = 3\n[run]\ncount = 2.5\n'
        'benchtime = { full = "ten" }\n[severity]\nregression = "loud"\n'
    )
    config, issues = load_config(tmp_path)
    found = {(i.line, i.key) for i in issues}
    assert found == {
        (1, "alpha"),
        (3, "thresholds.latency"),
        (4, "thresholds.bogus"),
        (6, "run.count"),
        (7, "run.benchtime.full"),
        (9, "severity.regression"),
    }
    assert all(i.source == str(path) for i in issues)
    assert str(issues[0]).startswith(f"{path}:1: alpha: ")
    assert config.alpha == 0.05 and config.threshold("X", Metric.LATENCY) == 20
    assert config.run.count == 6 and config.severity["regression"] == "warning"


def test_broken_toml_gives_line_and_defaults(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_text("[thresholds]\nlatency = \n")
    config, issues = load_config(tmp_path)
    (issue,) = issues
    assert issue.line == 2
    assert "invalid TOML" in issue.message
    assert config.threshold("X", Metric.LATENCY) == 20


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_bytes(b"alpha = 0.1\n\xff\xfe\n")
    config, issues = load_config(tmp_path)
    assert len(issues) == 1 and "UTF-8" in issues[0].message
    assert config.alpha == 0.05


def test_typo_is_reported_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / ".benchlens.toml").write_text(
        "# thresholds\n\n[tresholds]\nlatency = 5\n\n[run]\ncuont = 3\n"
        '[run.benchtime]\nquik = "1s"\n'
        '[severity]\nregresion = "error"\n[paths]\nbasline = "b.txt"\n'
    )
    config, issues = load_config(tmp_path)
    assert [i.line for i in issues] == [3, 7, 9, 11, 13]  # in the order of the file
    found = {(i.line, i.key, i.message.split(";")[-1].split("(")[0].strip()) for i in issues}
    assert found == {
        (3, "tresholds", "did you mean thresholds?"),
        (7, "run.cuont", "did you mean count?"),
        (9, "run.benchtime.quik", "did you mean quick?"),
        (11, "severity.regresion", "did you mean regression?"),
        (13, "paths.basline", "did you mean baseline?"),
    }
    assert config.threshold("X", Metric.LATENCY) == 20


def test_paths_from_the_repository_stay_inside_it(tmp_path: Path) -> None:
    """A hostile .benchlens.toml cannot make benchlens write outside the workspace:
    `..`, absolute paths and symlinks that lead out are problems at their line, and
    the defaults are used. The user's own settings may point anywhere."""
    root = tmp_path / "repo"
    (tmp_path / "outside").mkdir()
    root.mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    (root / "inside").mkdir()
    (root / ".benchlens.toml").write_text(
        "[paths]\n"
        'baseline = "../outside/evil.sh"\n'
        f'history = "{tmp_path / "abs"}"\n'
        'report = "link/x.md"\n'
        'current = "inside/../inside/cur.txt"\n'
    )
    config, issues = load_config(root)
    assert {(i.line, i.key) for i in issues} == {
        (2, "paths.baseline"),
        (3, "paths.history"),
        (4, "paths.report"),
    }
    assert all("outside the workspace; the default is used" in i.message for i in issues)
    defaults = default_config(root.resolve())
    assert (config.baseline, config.history, config.report) == (
        defaults.baseline,
        defaults.history,
        defaults.report,
    )
    assert config.current == root.resolve() / "inside" / "cur.txt"
    assert inside_workspace(config, config.baseline)

    elsewhere = tmp_path / "mine" / "base.txt"
    config, issues = load_config(root, {"paths": {"baseline": str(elsewhere)}})
    assert config.baseline == elsewhere and "baseline" in config.user_paths
    assert inside_workspace(config, config.baseline)
    assert not inside_workspace(config, tmp_path / "outside" / "x.txt")


def test_a_symlinked_results_directory_that_leads_out_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "benchmark_results").symlink_to(tmp_path / "outside")
    config, issues = load_config(root)
    assert {i.key for i in issues} == {
        "paths.baseline",
        "paths.current",
        "paths.history",
        "paths.report",
    }
    assert "will not write there" in issues[0].message
    assert not inside_workspace(config, config.baseline)


def test_hostile_values_are_problems_not_crashes(tmp_path: Path) -> None:
    """A 5,000-digit integer, nesting thousands deep, a NUL in a path: a problem at its
    line and the defaults, never an exception (the server must still start)."""
    cases = {
        "digits": (f"alpha = 0.01\n\n[run]\ncount = {'9' * 5000}\n", 4, "5,000 digits"),
        "arrays": ("alpha = 0.01\npackages = " + "[" * 5000 + "]" * 5000 + "\n", 2, "nested"),
        "tables": ("alpha = 0.01\nx = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", 2, "nested"),
        "nul": ('[paths]\ncurrent = "a\\u0000b"\n', 2, "NUL"),
        "nul-flag": ('[run]\nflags = ["-tags", "x\\u0000y"]\n', 2, "NUL"),
    }
    for name, (text, line, words) in cases.items():
        root = tmp_path / name
        root.mkdir()
        (root / ".benchlens.toml").write_text(text)
        config, issues = load_config(root)
        assert len(issues) == 1, (name, issues)
        assert issues[0].line == line and words in str(issues[0]), (name, str(issues[0]))
        assert config.alpha == 0.05 and config.run.count == 6 and config.run.flags == ()
        assert config.current == default_config(root.resolve()).current


def test_hostile_editor_settings_are_problems_not_crashes(tmp_path: Path) -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    config, issues = load_config(
        tmp_path,
        {"alpha": 10**5000, "packages": deep, "run": {"go": "go\0"}, "units": {"x": deep}},
    )
    messages = sorted(str(i) for i in issues)
    assert len(messages) == 4
    assert "alpha: an integer of about 5,001 digits is out of range" in messages[0]
    assert "packages: expected a list of strings, got [[[[...]]]]" in messages[1]
    assert "run.go: a NUL character" in messages[2]
    assert config.alpha == 0.05 and config.run.go == "go" and config.packages == ("./...",)


def test_the_workspaces_own_editor_settings_keep_their_paths_inside_it(tmp_path: Path) -> None:
    """A repository's `.vscode/settings.json` reaches the server as the `workspace` table of
    the editor settings: its paths are held to the repository's rule, while the user's
    own settings below it may still point anywhere."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    mine = tmp_path / "mine" / "report.md"
    settings = {
        "paths": {"report": str(mine)},
        "workspace": {
            "paths": {
                "baseline": "../evil/baseline.txt",
                "report": "link/report.md",
                "current": "perf/current.txt",
            },
            "run": {"count": 3},
        },
    }
    config, issues = load_config(root, settings)
    assert [(i.source, i.key) for i in issues] == [
        ("workspace settings", "paths.baseline"),
        ("workspace settings", "paths.report"),
    ]
    assert all("outside the workspace" in i.message for i in issues)
    root = root.resolve()
    assert config.baseline == default_config(root).baseline  # refused: the default stays
    assert config.report == mine and config.user_paths == {"report"}  # refused: yours stays
    assert config.current == root / "perf" / "current.txt"  # inside: used
    assert config.run.count == 3
    assert not inside_workspace(config, tmp_path / "evil" / "baseline.txt")

    # The workspace may choose a path inside it over the user's: then it is no longer one
    # the user chose, and it is held to the workspace.
    config, issues = load_config(root, {**settings, "workspace": {"paths": {"report": "r.md"}}})
    assert issues == [] and config.report == root / "r.md" and config.user_paths == set()

    config, issues = load_config(root, {"workspace": ["paths"]})
    assert [str(i) for i in issues] == ["workspace settings: expected a table, got ['paths']"]
