"""A repository's `.benchlens.toml` cannot make benchlens write outside the
repository: escaping paths are reported at their line and the defaults are used by
`save-baseline`, `report` and `regression --no-run`; a committed symbolic link that
leads out is refused. The user's own options (`-o`) may point anywhere."""

from __future__ import annotations

from pathlib import Path

from tests.runner_helpers import run_benchlens

CURRENT = "pkg: example.com/m\nBenchmarkA-2\t10\t5 ns/op\n"
PAYLOAD = "#!/bin/sh\necho pwned\n" + CURRENT


def hostile_workspace(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    (root / "benchmark_results").mkdir(parents=True)
    outside.mkdir()
    (root / "go.mod").write_text("module example.com/m\n")
    (root / "benchmark_results" / "current.txt").write_text(PAYLOAD)
    (root / "link").symlink_to(outside)
    (root / ".benchlens.toml").write_text(
        "[paths]\n"
        'baseline = "../outside/evil.sh"\n'
        f'history = "{outside / "history"}"\n'
        'report = "../../x.md"\n'
        "\n"
        "[thresholds]\n"
        "latency = 30\n"
    )
    return root, outside


def everything_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def test_escaping_paths_fall_back_to_the_defaults(tmp_path: Path) -> None:
    root, outside = hostile_workspace(tmp_path)
    config = root.resolve() / ".benchlens.toml"
    for command in (("save-baseline",), ("report",), ("regression", "--no-run")):
        proc = run_benchlens(*command, "-C", str(root))
        assert proc.returncode == 0, (command, proc.stderr)
        warnings = proc.stderr.splitlines()
        for line, key in ((2, "baseline"), (3, "history"), (4, "report")):
            assert any(
                w.startswith(f"benchlens: {config}:{line}: paths.{key}: ")
                and "outside the workspace; the default is used" in w
                for w in warnings
            ), (command, warnings)
    assert everything_under(outside) == []
    assert not (tmp_path / "x.md").exists()
    results = root / "benchmark_results"
    assert (results / "baseline.txt").read_text().endswith(PAYLOAD)
    assert len(list((results / "history").glob("*.txt"))) == 1
    assert (results / "report.html").is_file()
    assert (results / "regression_report.md").is_file()


def test_a_committed_symlink_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "go.mod").write_text("module example.com/m\n")
    (root / "benchmark_results").symlink_to(outside)
    (outside / "current.txt").write_text(CURRENT)
    for command in (("save-baseline",), ("report",), ("regression", "--no-run")):
        proc = run_benchlens(*command, "-C", str(root))
        assert proc.returncode == 2, (command, proc.stderr)
        assert "outside the workspace" in proc.stderr.splitlines()[-1]
        assert "not writing there" in proc.stderr.splitlines()[-1]
    assert everything_under(outside) == ["current.txt"]
    # The user's own choice of output is theirs to make.
    mine = tmp_path / "mine" / "report.html"
    mine.parent.mkdir()
    proc = run_benchlens("report", "-C", str(root), "-o", str(mine))
    assert proc.returncode == 0, proc.stderr
    assert mine.is_file()
