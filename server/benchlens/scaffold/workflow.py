"""The CI workflow (`.github/workflows/performance-regression.yml`) from its one template.

Every repository gets the same workflow, rendered for where its Go module is
and how benchlens is installed; this repository's own workflow is the same
template rendered for `examples/` (a test keeps the two identical). The template
uses `<@ … @>` for its few variables so that GitHub's own `${{ … }}` expressions
stay as they are.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import jinja2

from benchlens import __version__

WORKFLOW_PATH = PurePosixPath(".github/workflows/performance-regression.yml")
TEMPLATE = "performance-regression.yml.j2"


@dataclass(frozen=True)
class WorkflowSettings:
    """What varies between repositories. `module_dir` is the Go module's directory
    relative to the repository's top (`.` at the top); `install` is the argument
    list of `pip install`, as shell words. `go_from_mod`: CI installs the Go of
    go.mod's `go` line, else (a module older than Go 1.19, or without the line) the
    latest stable Go."""

    module_dir: str = "."
    install: str = f"benchlens=={__version__}"
    branch: str = "main"
    python_version: str = "3.12"
    go_from_mod: bool = True

    @classmethod
    def for_package(cls, spec: str, **kwargs: Any) -> WorkflowSettings:
        """Settings installing `spec` (a requirement, a path, a VCS URL) with pip."""
        return cls(install=shlex.quote(spec), **kwargs)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("benchlens.scaffold", "templates"),
        variable_start_string="<@",
        variable_end_string="@>",
        block_start_string="<%",
        block_end_string="%>",
        comment_start_string="<#",
        comment_end_string="#>",
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML, not HTML; every value is checked below
    )


def _check(settings: WorkflowSettings) -> None:
    """Values go into YAML and shell: refuse what could break out of either."""
    for name in ("module_dir", "branch", "python_version"):
        value = getattr(settings, name)
        if not value or any(c in value for c in "\"'`$\\\n\r:#{}[]*&!|>%@,") or " " in value:
            raise ValueError(f"workflow {name} {value!r}: not a plain path or name")
    if "\n" in settings.install or "\r" in settings.install:
        raise ValueError("workflow install: one line of shell words")
    if PurePosixPath(settings.module_dir).is_absolute() or ".." in settings.module_dir.split("/"):
        raise ValueError(f"workflow module_dir {settings.module_dir!r}: not inside the repository")


def render_workflow(settings: WorkflowSettings) -> str:
    """The workflow's YAML text for `settings`."""
    _check(settings)
    module = PurePosixPath(settings.module_dir).as_posix()
    prefix = "" if module == "." else f"{module}/"
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            module_dir=module,
            module_prefix=prefix,
            module_glob=prefix,
            install=settings.install,
            branch=settings.branch,
            python_version=settings.python_version,
            go_from_mod=settings.go_from_mod,
        )
    )
