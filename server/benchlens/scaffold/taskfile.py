"""The Taskfile tasks Go teams type (`task bench`, `task bench:regression`, …), merged
into the repository's own Taskfile.

ruamel.yaml reads and writes the file round-trip, so the tasks, comments, key
order and quoting already there are kept; only the missing benchlens tasks are
appended (with `replace`, the benchlens tasks that exist are rewritten too,
every other task is kept as it is).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

#: The names `task` looks for, in its order of preference.
TASKFILE_NAMES = (
    "Taskfile.yml",
    "taskfile.yml",
    "Taskfile.yaml",
    "taskfile.yaml",
    "Taskfile.dist.yml",
    "taskfile.dist.yml",
    "Taskfile.dist.yaml",
    "taskfile.dist.yaml",
)

#: name → (description, commands). `{{.CLI_ARGS}}` is what follows `--` on `task`'s line.
TASKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bench:quick": (
        "Benchmarks with the quick benchtime, then the findings against the baseline",
        ("benchlens run --quick {{.CLI_ARGS}}", "benchlens check"),
    ),
    "bench": (
        "Benchmarks (run.count independent runs of each test binary), then the findings",
        ("benchlens run {{.CLI_ARGS}}", "benchlens check"),
    ),
    "bench:full": (
        "Benchmarks with the full benchtime, then the findings",
        ("benchlens run --full {{.CLI_ARGS}}", "benchlens check"),
    ),
    "bench:regression": (
        "Run, compare with the baseline, write the report; fails on a regression",
        ("benchlens regression {{.CLI_ARGS}}",),
    ),
    "bench:report": (
        "The HTML report of the current results against the baseline",
        ("benchlens report {{.CLI_ARGS}}",),
    ),
    "bench:save-baseline": (
        "Keep the current results as the baseline (archived in history)",
        ("benchlens save-baseline {{.CLI_ARGS}}",),
    ),
    "profile": (
        "CPU and memory profiles of one benchmark: task profile -- BenchmarkName [--pkg P]",
        ("benchlens profile {{.CLI_ARGS}}",),
    ),
}


class TaskfileError(Exception):
    """An existing Taskfile that cannot be merged into; names the file and line."""


@dataclass
class TaskfileMerge:
    """The new text (None: nothing to change) and what happened to each task."""

    text: str | None
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # the file's own version of one of ours
    present: list[str] = field(default_factory=list)  # ours, there already as we write them
    others: int = 0  # the file's own tasks, all kept


def find_taskfile(directory: Path) -> Path | None:
    for name in TASKFILE_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and quotes are kept
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def _task(description: str, commands: tuple[str, ...]) -> CommentedMap:
    task = CommentedMap()
    task["desc"] = description
    task["cmds"] = CommentedSeq(commands)
    return task


def _same(task: object, description: str, commands: tuple[str, ...]) -> bool:
    return (
        isinstance(task, dict)
        and set(task) == {"desc", "cmds"}
        and task["desc"] == description
        and list(task["cmds"]) == list(commands)
    )


def new_taskfile() -> str:
    """A Taskfile with only the benchlens tasks."""
    merged = merge_taskfile(None, source="Taskfile.yml")
    assert merged.text is not None
    return merged.text


def merge_taskfile(text: str | None, *, source: str, replace: bool = False) -> TaskfileMerge:
    """The benchlens tasks merged into the Taskfile `text` (None: a new file)."""
    yaml = _yaml()
    doc: Any
    if text is None or not text.strip():
        doc = CommentedMap()
        doc["version"] = "3"
        if text is None:
            doc.yaml_set_start_comment("Written by `benchlens init`; `task --list` shows them.")
    else:
        try:
            doc = yaml.load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{source}:{mark.line + 1}" if mark is not None else source
            raise TaskfileError(f"{where}: not valid YAML: {exc.problem or exc}") from exc
        except YAMLError as exc:
            raise TaskfileError(f"{source}: not valid YAML: {exc}") from exc
        if doc is None:
            doc = CommentedMap()
            doc["version"] = "3"
        if not isinstance(doc, CommentedMap):
            raise TaskfileError(f"{source}: a Taskfile is a mapping (version:, tasks:)")
    tasks = doc.get("tasks")
    if tasks is None:
        tasks = doc["tasks"] = CommentedMap()
    if not isinstance(tasks, CommentedMap):
        raise TaskfileError(f"{source}: `tasks` is not a mapping of task names")
    result = TaskfileMerge(None, others=sum(1 for name in tasks if name not in TASKS))
    for name, (description, commands) in TASKS.items():
        if name not in tasks:
            tasks[name] = _task(description, commands)
            result.added.append(name)
        elif _same(tasks[name], description, commands):
            result.present.append(name)
        elif replace:
            tasks[name] = _task(description, commands)
            result.replaced.append(name)
        else:
            result.kept.append(name)
    if result.added or result.replaced or text is None:
        out = io.StringIO()
        yaml.dump(doc, out)
        result.text = out.getvalue()
    return result
