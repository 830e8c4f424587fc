"""`benchlens init [--force]`: set up a Go repository for benchlens.

Writes, in the Go module of the current directory (or `-C DIR`):
- `.benchlens.toml`: the packages that have benchmarks, the main settings at
  their defaults;
- `Taskfile.yml`: `bench:quick`, `bench`, `bench:full`, `bench:regression`,
  `bench:report`, `bench:save-baseline`, `profile` — merged into an existing
  Taskfile, whose tasks and comments are kept;
- `.github/workflows/performance-regression.yml` at the repository's top: the CI
  workflow (PR comment, annotations, baseline on main, alerts, sharding).
An existing file is never overwritten without `--force` (a Taskfile only gets the
tasks it lacks). Nothing runs the project's code: the benchmarks are found by
reading the `_test.go` files. Exit 0 when done, 2 without a Go module or without
any benchmark (nothing is written then).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchlens import __version__
from benchlens.cli.common import warn
from benchlens.config import CONFIG_NAMES
from benchlens.history import atomic_write_text
from benchlens.scaffold.config_file import render_config
from benchlens.scaffold.project import MIN_GO, GoProject, NotAModule, inspect
from benchlens.scaffold.taskfile import TaskfileError, find_taskfile, merge_taskfile
from benchlens.scaffold.workflow import WORKFLOW_PATH, WorkflowSettings, render_workflow
from benchlens.views.check import display_path


def register(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="set up a Go repository: .benchlens.toml, Taskfile tasks, the CI workflow",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-C", "--dir", type=Path, default=Path("."), help="the Go module (default: .)")
    p.add_argument("--force", action="store_true", help="replace files (and tasks) that exist")
    p.add_argument(
        "--install",
        default=f"benchlens=={__version__}",
        metavar="SPEC",
        help="what the workflow pip-installs: a requirement, a path or a git URL "
        "(default: %(default)s)",
    )
    p.add_argument("--branch", help="the branch whose pushes store the baseline (default: found)")
    p.set_defaults(func=init_command)


@dataclass
class Planned:
    """One file: its new text (None: left as it is) and what is said about it."""

    path: Path
    text: str | None
    verb: str
    detail: str = ""


def _plain(path: Path, text: str, force: bool) -> Planned:
    if not path.exists():
        return Planned(path, text, "wrote")
    if path.is_file() and path.read_text(encoding="utf-8", errors="replace") == text:
        return Planned(path, None, "unchanged")
    if force:
        return Planned(path, text, "replaced")
    return Planned(path, None, "kept", "exists; --force replaces it")


def _config(project: GoProject, force: bool) -> Planned:
    text = render_config(project.packages)
    for name in CONFIG_NAMES:
        existing = project.root / name
        if existing.exists() and not force:
            return Planned(existing, None, "kept", "exists; --force replaces it")
    return _plain(project.root / CONFIG_NAMES[0], text, force)


def _taskfile(project: GoProject, force: bool) -> Planned:
    existing = find_taskfile(project.root)
    if existing is None:
        merged = merge_taskfile(None, source="Taskfile.yml")
        return Planned(project.root / "Taskfile.yml", merged.text, "wrote")
    text = existing.read_text(encoding="utf-8")
    merged = merge_taskfile(text, source=str(existing), replace=force)
    parts = []
    if merged.added:
        parts.append(f"added {', '.join(merged.added)}")
    if merged.replaced:
        parts.append(f"replaced {', '.join(merged.replaced)}")
    if merged.kept:
        parts.append(f"kept your own {', '.join(merged.kept)} (--force replaces them)")
    if merged.others:
        parts.append(f"kept your {merged.others} other task{'s' if merged.others != 1 else ''}")
    if not merged.added and not merged.replaced and not merged.kept:
        parts.insert(0, "has every benchlens task")
    verb = "merged" if merged.text is not None else "unchanged"
    return Planned(existing, merged.text, verb, "; ".join(parts))


def _go_from_mod(project: GoProject) -> bool:
    """Whether CI can install the Go that go.mod names (`go-version-file`)."""
    return project.go_version is not None and project.go_version >= MIN_GO


def plan(project: GoProject, args: argparse.Namespace) -> list[Planned]:
    settings = WorkflowSettings.for_package(
        args.install,
        module_dir=project.module_dir,
        branch=args.branch or project.default_branch,
        go_from_mod=_go_from_mod(project),
    )
    return [
        _config(project, args.force),
        _taskfile(project, args.force),
        _plain(project.top / WORKFLOW_PATH, render_workflow(settings), args.force),
    ]


def _shown(path: Path) -> str:
    return display_path(path, Path.cwd())


def init_command(args: argparse.Namespace) -> int:
    try:
        project = inspect(args.dir)
    except NotAModule as exc:
        warn(str(exc))
        return 2
    if not project.packages:
        warn(
            f"no benchmarks in {project.module_path} ({_shown(project.root)}): no "
            "`func BenchmarkX(b *testing.B)` in its _test.go files. Add one "
            "(https://pkg.go.dev/testing#hdr-Benchmarks), then run `benchlens init` again; "
            "nothing written"
        )
        return 2
    try:
        planned = plan(project, args)
    except (TaskfileError, ValueError) as exc:
        warn(f"{exc}; nothing written")
        return 2
    functions = sum(project.benchmarks.values())
    n = len(project.packages)
    print(
        f"benchlens init: {project.module_path}, {n} package{'s' if n != 1 else ''} "
        f"with benchmarks ({functions} Benchmark function{'s' if functions != 1 else ''})"
    )
    for item in planned:
        if item.text is not None:
            try:
                atomic_write_text(item.path, item.text)
            except OSError as exc:
                warn(f"{item.path}: cannot write: {exc.strerror or exc}")
                return 2
        detail = f" ({item.detail})" if item.detail else ""
        print(f"  {item.verb:<9} {_shown(item.path)}{detail}")
    if not _go_from_mod(project):
        version = project.go_version
        says = f"says go {version[0]}.{version[1]}" if version else "has no go line"
        print(
            f"note: go.mod {says}; benchlens needs Go 1.19 or later, so the workflow "
            "installs the latest stable Go"
        )
    if not project.in_git:
        warn(
            "not in a git repository: GitHub reads workflows from .github/workflows at the "
            "top of the repository; move the workflow there"
        )
    print(
        "next: benchlens run --quick && benchlens save-baseline"
        "   (or: task bench:quick && task bench:save-baseline)"
    )
    branch = args.branch or project.default_branch
    print(
        f"then: commit these files and push to {branch}; CI benchmarks {branch} and stores "
        "the baseline (benchlens baseline --fetch brings it here)"
    )
    return 0
