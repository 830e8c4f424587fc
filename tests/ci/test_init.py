"""`benchlens init`: a fresh repository, an existing Taskfile (merged, kept), a second
run (nothing overwritten), --force, and repositories it cannot set up."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.config import load_config
from benchlens.scaffold.taskfile import TASKS
from benchlens.scaffold.workflow import WORKFLOW_PATH, WorkflowSettings, render_workflow
from tests.ci.test_workflow_lint import actionlint
from tests.conftest import EXAMPLES, VENV_BIN

PACKAGES = ("./kafka/handler", "./mempool", "./storage/log", "./throttle")

OWN_TASKFILE = """\
# Our team's tasks. Keep this comment.
version: '3'

vars:
  PKG: ./...   # every package

tasks:
  build:
    desc: Build everything
    cmds:
      - go build {{.PKG}}   # plain build
  bench:
    desc: Our own benchmark task
    cmds: ['go test -run=^$ -bench=. {{.PKG}}']
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example module as a git repository of its own (module at the top)."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("benchmark_results"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("[user]\n\tname = T\n\temail = t@example.com\n")
    git(root, "init", "-q", "-b", "main")
    monkeypatch.chdir(root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def task_names(root: Path) -> set[str]:
    """The tasks as `task` itself (go-task) reads the Taskfile."""
    out = subprocess.run(
        [str(VENV_BIN / "task"), "--list-all", "--json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {t["name"] for t in json.loads(out)["tasks"]}


def test_fresh_repository(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "example.com/eventpipe, 4 packages with benchmarks (10 Benchmark functions)" in out
    for name in (".benchlens.toml", "Taskfile.yml", str(WORKFLOW_PATH)):
        assert f"  wrote     {name}\n" in out
    assert "next: benchlens run --quick && benchlens save-baseline" in out
    # The task alternative saves the baseline too (bench:quick alone only runs and checks).
    assert "(or: task bench:quick && task bench:save-baseline)" in out
    assert "push to main" in out

    config, issues = load_config(repo)
    assert issues == []
    assert config.packages == PACKAGES
    assert task_names(repo) == set(TASKS)
    assert (repo / WORKFLOW_PATH).read_text() == render_workflow(WorkflowSettings())


@pytest.mark.parametrize("directive", ["go 1.12\n", ""], ids=["go-1.12", "no-go-line"])
def test_a_module_older_than_go_1_19_gets_a_current_go_in_ci(
    repo: Path, directive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`setup-go` with `go-version-file: go.mod` installs the go directive's version:
    valyala/fastjson's `go 1.12` would give CI Go 1.12, whose `go list` has no
    `-json=fields` (Go 1.19), so every benchmark job would fail. Such a module's
    workflow installs the latest stable Go instead, and init says so."""
    (repo / "go.mod").write_text(f"module example.com/eventpipe\n\n{directive}")
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    workflow = (repo / WORKFLOW_PATH).read_text()
    assert "go-version-file" not in workflow
    assert "go-version: stable" in workflow
    assert workflow == render_workflow(WorkflowSettings(go_from_mod=False))
    assert "the workflow installs the latest stable Go" in out
    result = actionlint(repo / WORKFLOW_PATH)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_module_on_go_1_19_or_later_keeps_its_own_go_in_ci(repo: Path) -> None:
    (repo / "go.mod").write_text("module example.com/eventpipe\n\ngo 1.19\n")
    assert main(["init"]) == 0
    workflow = (repo / WORKFLOW_PATH).read_text()
    assert "go-version-file: go.mod" in workflow and "go-version: stable" not in workflow


def test_existing_taskfile_is_merged_and_kept(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "Taskfile.yml").write_text(OWN_TASKFILE)
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "  merged    Taskfile.yml (added bench:quick, bench:full" in out
    assert "kept your own bench (--force replaces them); kept your 1 other task" in out
    text = (repo / "Taskfile.yml").read_text()
    # The file's own lines are all still there, comments included, in their order...
    assert text.startswith(OWN_TASKFILE)
    # ...and `task` reads both its tasks and ours.
    assert task_names(repo) == {"build", *TASKS}

    # --force replaces our task names (their `bench` too), never their other tasks.
    assert main(["init", "--force"]) == 0
    assert "replaced bench" in capsys.readouterr().out
    text = (repo / "Taskfile.yml").read_text()
    assert "# Our team's tasks. Keep this comment." in text
    assert "go build {{.PKG}}   # plain build" in text
    assert "Our own benchmark task" not in text


def test_second_run_without_force_overwrites_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    # The team edits what init wrote.
    config = repo / ".benchlens.toml"
    config.write_text(config.read_text().replace("count = 6", "count = 10"))
    workflow = repo / WORKFLOW_PATH
    workflow.write_text(workflow.read_text() + "# our change\n")
    before = snapshot(repo)
    capsys.readouterr()

    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert snapshot(repo) == before
    assert "  kept      .benchlens.toml (exists; --force replaces it)" in out
    assert f"  kept      {WORKFLOW_PATH} (exists; --force replaces it)" in out
    assert "  unchanged Taskfile.yml (has every benchlens task)" in out

    assert main(["init", "--force"]) == 0
    out = capsys.readouterr().out
    assert "  replaced  .benchlens.toml" in out and f"  replaced  {WORKFLOW_PATH}" in out
    assert "count = 6" in config.read_text()
    assert "# our change" not in workflow.read_text()


def test_module_in_a_subdirectory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The workflow goes to the repository's top, working in the module's directory."""
    top = tmp_path / "mono"
    shutil.copytree(EXAMPLES, top / "services" / "pipe")
    git(top, "init", "-q", "-b", "trunk")
    code = main(["init", "-C", str(top / "services" / "pipe"), "--install", "./tools/benchlens"])
    assert code == 0
    expected = WorkflowSettings.for_package(
        "./tools/benchlens", module_dir="services/pipe", branch="trunk"
    )
    assert (top / WORKFLOW_PATH).read_text() == render_workflow(expected)
    assert (top / "services" / "pipe" / "Taskfile.yml").is_file()
    assert "push to trunk" in capsys.readouterr().out


def test_repository_without_benchmarks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "nobench"
    (root / "util").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/nobench\n\ngo 1.22\n")
    (root / "util" / "util.go").write_text(
        "package util\n\nfunc Add(a, b int) int { return a + b }\n"
    )
    (root / "util" / "util_test.go").write_text(
        'package util\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {}\n'
    )
    assert main(["init", "-C", str(root)]) == 2
    err = capsys.readouterr().err
    assert "no benchmarks in example.com/nobench" in err
    assert "func BenchmarkX(b *testing.B)" in err and "nothing written" in err
    assert sorted(p.name for p in root.rglob("*")) == ["go.mod", "util", "util.go", "util_test.go"]

    assert main(["init", "-C", str(tmp_path)]) == 2
    assert "no go.mod here" in capsys.readouterr().err


def test_broken_taskfile_writes_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "Taskfile.yml").write_text("version: '3'\ntasks:\n  build: [unclosed\n")
    before = snapshot(repo)
    assert main(["init"]) == 2
    err = capsys.readouterr().err
    assert "Taskfile.yml:4:" in err or "Taskfile.yml:3:" in err
    assert "nothing written" in err
    assert snapshot(repo) == before
