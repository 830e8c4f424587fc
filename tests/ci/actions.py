"""Runs a GitHub Actions workflow's jobs outside GitHub, the way a runner would
(helpers for the workflow tests; no tests here).

What is real: every `run:` step is the workflow's own script, run by
`bash --noprofile --norc -eo pipefail` in its working directory, with the
environment Actions gives it (`GITHUB_*`, `RUNNER_TEMP`, the workflow's, job's
and step's `env:`), and the files Actions reads back afterwards (`GITHUB_OUTPUT`,
`GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_STEP_SUMMARY`); the `${{ }}` expressions of
`if:`, `env:`, `with:`, `strategy.matrix` and job outputs are evaluated with
GitHub's rules (loose equality, case-insensitive strings, `||` giving the first
truthy operand, status functions); jobs run in `needs` order, matrices expand,
and workflow commands (`::error file=…::`) printed by a step become annotations.

What stands in for GitHub: the few actions the workflow uses, by what they do —
`actions/checkout` clones the test's repository at the event's commit (with
`origin` pointing at it, so git fetches and pushes work); `setup-go` and
`setup-python` check their inputs and leave the tools of this machine;
`upload-artifact`/`download-artifact` copy into and out of a per-run store (names
immutable, as in v4); `marocchino/sticky-pull-request-comment` keeps one comment
per pull request and header, found by the action's own hidden marker, and
updates it in place. Any other action is an error, so nothing passes unseen.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

# --------------------------------------------------------------------------------------
# Expressions


class ExpressionError(Exception):
    pass


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|0x[0-9a-fA-F]+)"
    r"|(?P<str>'(?:[^']|'')*')"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])"
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_-]*)"
    r")"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:]!r} in {text!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b) and not isinstance(a, int | float | str | bool | type(None)):
        return a is b
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return False
    return _number(a) == _number(b)


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2)
    return str(value)


def _property(value: Any, name: Any) -> Any:
    if isinstance(value, dict):
        if name in value:
            return value[name]
        if isinstance(name, str):
            for key, item in value.items():
                if isinstance(key, str) and key.lower() == name.lower():
                    return item
        return None
    if isinstance(value, list) and isinstance(name, int | float) and not isinstance(name, bool):
        i = int(name)
        return value[i] if 0 <= i < len(value) else None
    return None


class _Parser:
    def __init__(
        self, text: str, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
    ) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.context = context
        self.functions = functions
        self.text = text

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ExpressionError(f"expected {value or 'more'} in {self.text!r}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()} in {self.text!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.equality()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.equality()
            value = right if truthy(value) else value
        return value

    def equality(self) -> Any:
        value = self.comparison()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            right = self.comparison()
            value = _equal(value, right) if op == "==" else not _equal(value, right)
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in (("op", "<"), ("op", ">"), ("op", "<="), ("op", ">=")):
            op = self.take()[1]
            right = self.unary()
            a, b = _number(value), _number(right)
            value = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while True:
            token = self.peek()
            if token == ("op", "."):
                self.take()
                name = self.take()
                value = _property(value, name[1]) if name[1] != "*" else value
            elif token == ("op", "["):
                self.take()
                index = self.or_()
                self.take("]")
                value = _property(value, index)
            else:
                return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "op" and text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind != "id":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        if text == "true":
            return True
        if text == "false":
            return False
        if text == "null":
            return None
        if self.peek() == ("op", "("):
            self.take()
            args: list[Any] = []
            while self.peek() != ("op", ")"):
                args.append(self.or_())
                if self.peek() == ("op", ","):
                    self.take()
            self.take(")")
            function = self.functions.get(text.lower())
            if function is None:
                raise ExpressionError(f"unknown function {text}() in {self.text!r}")
            return function(*args)
        if text not in self.context:
            raise ExpressionError(f"unknown context {text!r} in {self.text!r}")
        return self.context[text]


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: to_string(args[int(m.group(1))]), template)


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, list):
        return any(_equal(item, needle) for item in haystack)
    return to_string(needle).lower() in to_string(haystack).lower()


BASE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "fromjson": lambda text: json.loads(to_string(text)),
    "tojson": lambda value: json.dumps(value, indent=2),
    "contains": _contains,
    "startswith": lambda a, b: to_string(a).lower().startswith(to_string(b).lower()),
    "endswith": lambda a, b: to_string(a).lower().endswith(to_string(b).lower()),
    "format": _format,
    "join": lambda items, sep=",": (
        to_string(sep).join(to_string(i) for i in items)
        if isinstance(items, list)
        else to_string(items)
    ),
}

_STATUS = re.compile(r"\b(success|failure|cancelled|always)\s*\(", re.IGNORECASE)
_INTERPOLATION = re.compile(r"\$\{\{((?:(?!\}\}).)*)\}\}", re.S)


@dataclass
class Status:
    """What the status functions of an `if:` see: for a step, whether an earlier
    step failed; for a job, whether a job it needs (or their needs) failed, and
    whether all of them succeeded (a skipped one makes `success()` false)."""

    failed: bool = False
    cancelled: bool = False
    succeeded: bool | None = None

    def success(self) -> bool:
        if self.succeeded is not None:
            return self.succeeded
        return not self.failed and not self.cancelled

    def functions(self) -> dict[str, Callable[..., Any]]:
        return {
            **BASE_FUNCTIONS,
            "success": self.success,
            "failure": lambda: self.failed,
            "cancelled": lambda: self.cancelled,
            "always": lambda: True,
        }


def evaluate(text: str, context: Mapping[str, Any], status: Status | None = None) -> Any:
    return _Parser(text, context, (status or Status()).functions()).parse()


def interpolate(value: Any, context: Mapping[str, Any], status: Status | None = None) -> Any:
    """`${{ }}` in a string replaced; a string that is one expression keeps its type."""
    if not isinstance(value, str):
        return value
    whole = _INTERPOLATION.fullmatch(value.strip())
    if whole:
        return evaluate(whole.group(1), context, status)
    return _INTERPOLATION.sub(lambda m: to_string(evaluate(m.group(1), context, status)), value)


def condition(text: Any, context: Mapping[str, Any], status: Status) -> bool:
    """An `if:`: an expression with or without `${{ }}`; without a status function
    it is `success() && (...)`."""
    if text is None:
        return status.success()
    if isinstance(text, bool):
        return text
    source = str(text).strip()
    whole = _INTERPOLATION.fullmatch(source)
    if whole:
        source = whole.group(1)
    if not _STATUS.search(source):
        source = f"success() && ({source})"
    return truthy(evaluate(source, context, status))


# --------------------------------------------------------------------------------------
# Runs


@dataclass
class Event:
    """A workflow trigger: its name, payload and the ref/sha Actions gives it."""

    name: str
    sha: str
    ref: str
    payload: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    head_ref: str = ""
    base_ref: str = ""


@dataclass
class Annotation:
    level: str
    properties: dict[str, str]
    message: str
    job: str


@dataclass
class StepResult:
    name: str
    outcome: str  # success | failure | skipped
    conclusion: str
    output: str = ""


@dataclass
class JobResult:
    name: str
    result: str  # success | failure | skipped
    steps: list[StepResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""

    def step(self, name: str) -> StepResult:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"no step {name!r} in {self.name}: {[s.name for s in self.steps]}")


@dataclass
class RunResult:
    jobs: dict[str, JobResult] = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    artifacts: Path | None = None

    def job(self, name: str) -> JobResult:
        return self.jobs[name]

    @property
    def conclusion(self) -> str:
        results = {j.result for j in self.jobs.values()}
        return "failure" if "failure" in results else "success"


@dataclass
class PullRequestComment:
    number: int
    header: str
    body: str
    updates: int = 0


_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _parse_properties(text: str | None) -> dict[str, str]:
    props: dict[str, str] = {}
    for part in (text or "").split(","):
        if "=" in part:
            key, _, value = part.partition("=")
            props[key.strip()] = _unescape(value.replace("%3A", ":").replace("%2C", ","))
    return props


def _read_key_values(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `key=value` lines and `key<<DELIM` blocks."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, _, delimiter = line.partition("<<")
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
        i += 1
    return values


class Runner:
    """Runs the jobs of one workflow file for events, against one git repository.

    `origin` is the repository checkouts clone from (a bare one, standing for GitHub's
    copy); `machine_env` is the runner machine's own environment (PATH, HOME, and a
    test's redirections such as `HTTP_PROXY`); `secrets` and `variables` are the
    repository's.
    """

    def __init__(
        self,
        workflow: Path,
        origin: Path,
        root: Path,
        *,
        repository: str = "acme/eventpipe",
        machine_env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> None:
        yaml = YAML(typ="safe", pure=True)
        self.workflow: dict[str, Any] = yaml.load(workflow.read_text(encoding="utf-8"))
        self.workflow_name = str(self.workflow.get("name", workflow.stem))
        self.origin = origin
        self.root = root
        self.repository = repository
        self.machine_env = dict(machine_env or {})
        self.secrets = dict(secrets or {})
        self.variables = dict(variables or {})
        self.comments: list[PullRequestComment] = []
        self.runs = 0
        self.log: list[str] = []

    # -- public ----------------------------------------------------------------

    def run(self, event: Event) -> RunResult:
        self.runs += 1
        run_dir = self.root / f"run-{self.runs}"
        artifacts = run_dir / "artifacts"
        artifacts.mkdir(parents=True)
        event_path = run_dir / "event.json"
        event_path.write_text(json.dumps(event.payload), encoding="utf-8")
        result = RunResult(artifacts=artifacts)
        jobs: dict[str, Any] = self.workflow["jobs"]
        for job_id in self._job_order(jobs):
            result.jobs[job_id] = self._job(job_id, jobs[job_id], event, event_path, result)
        return result

    # -- jobs ------------------------------------------------------------------

    @staticmethod
    def _needs(job: Mapping[str, Any]) -> list[str]:
        needs = job.get("needs") or []
        return [needs] if isinstance(needs, str) else list(needs)

    def _job_order(self, jobs: Mapping[str, Any]) -> list[str]:
        order: list[str] = []
        pending = list(jobs)
        while pending:
            ready = [j for j in pending if all(n in order for n in self._needs(jobs[j]))]
            if not ready:
                raise ValueError(f"jobs with circular needs: {pending}")
            order.append(ready[0])
            pending.remove(ready[0])
        return order

    def _github(self, event: Event, event_path: Path, job_id: str) -> dict[str, Any]:
        ref_name = event.ref.split("/", 2)[-1] if event.ref.startswith("refs/") else event.ref
        return {
            "event_name": event.name,
            "event": event.payload,
            "sha": event.sha,
            "ref": event.ref,
            "ref_name": ref_name,
            "ref_type": "branch",
            "head_ref": event.head_ref,
            "base_ref": event.base_ref,
            "repository": self.repository,
            "repository_owner": self.repository.split("/")[0],
            "workflow": self.workflow_name,
            "job": job_id,
            "run_id": str(1000 + self.runs),
            "run_number": str(self.runs),
            "run_attempt": "1",
            "actor": "octocat",
            "server_url": "https://github.com",
            "api_url": "https://api.github.com",
            "graphql_url": "https://api.github.com/graphql",
            "token": "ghs_workflow_token",
            "event_path": str(event_path),
            "workspace": "",
        }

    def _job(
        self,
        job_id: str,
        job: Mapping[str, Any],
        event: Event,
        event_path: Path,
        run: RunResult,
    ) -> JobResult:
        needs = {
            n: {"result": run.jobs[n].result, "outputs": run.jobs[n].outputs}
            for n in self._needs(job)
        }
        ancestors = self._ancestors(job_id)
        status = Status(
            failed=any(run.jobs[a].result == "failure" for a in ancestors),
            succeeded=all(run.jobs[a].result == "success" for a in ancestors),
        )
        github = self._github(event, event_path, job_id)
        base_context = {
            "github": github,
            "needs": needs,
            "vars": self.variables,
            "inputs": event.inputs,
            "secrets": self.secrets,
            "env": {},
            "matrix": {},
            "strategy": {},
            "steps": {},
            "runner": {},
            "job": {},
        }
        if not condition(job.get("if"), base_context, status):
            return JobResult(job_id, "skipped")
        combos = self._matrix(job, base_context)
        results = [
            self._job_instance(job_id, job, event, base_context, combo, index, len(combos), run)
            for index, combo in enumerate(combos)
        ]
        merged = JobResult(
            job_id,
            "failure" if any(r.result == "failure" for r in results) else "success",
        )
        for r in results:
            merged.steps += r.steps
            merged.outputs.update(r.outputs)
            merged.summary += r.summary
        return merged

    def _ancestors(self, job_id: str) -> set[str]:
        """The jobs `job_id` needs, and the jobs those need, and so on."""
        jobs = self.workflow["jobs"]
        seen: set[str] = set()
        stack = self._needs(jobs[job_id])
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack += self._needs(jobs[name])
        return seen

    def _matrix(self, job: Mapping[str, Any], context: Mapping[str, Any]) -> list[dict[str, Any]]:
        matrix = (job.get("strategy") or {}).get("matrix")
        if not matrix:
            return [{}]
        matrix = interpolate(matrix, context) if isinstance(matrix, str) else matrix
        keys = [k for k in matrix if k not in ("include", "exclude")]
        values = [interpolate(matrix[k], context) for k in keys]
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]

    def _job_instance(
        self,
        job_id: str,
        job: Mapping[str, Any],
        event: Event,
        base_context: Mapping[str, Any],
        combo: dict[str, Any],
        index: int,
        total: int,
        run: RunResult,
    ) -> JobResult:
        # A fresh runner: the same workspace path every time (as on GitHub), emptied.
        workspace = self.root / "work" / self.repository.split("/")[1]
        if workspace.exists():
            shutil.rmtree(workspace)
        workspace.mkdir(parents=True)
        temp = self.root / f"run-{self.runs}" / f"{job_id}-{index + 1}" / "temp"
        temp.mkdir(parents=True)
        files = {
            name: temp / f"_{name.lower()}"
            for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")
        }
        github = dict(base_context["github"])
        github["workspace"] = str(workspace)
        context: dict[str, Any] = {
            **base_context,
            "github": github,
            "matrix": combo,
            "strategy": {"job-index": index, "job-total": total, "fail-fast": False},
            "runner": {"temp": str(temp), "os": "Linux", "arch": "X64", "name": "local"},
            "job": {"status": "success"},
            "steps": {},
        }
        env: dict[str, str] = {}
        for key, value in (self.workflow.get("env") or {}).items():
            env[key] = to_string(interpolate(value, {**context, "env": env}))
        for key, value in (job.get("env") or {}).items():
            env[key] = to_string(interpolate(value, {**context, "env": env}))
        defaults = {
            **((self.workflow.get("defaults") or {}).get("run") or {}),
            **((job.get("defaults") or {}).get("run") or {}),
        }
        result = JobResult(job_id if total == 1 else f"{job_id} ({index + 1}/{total})", "success")
        extra_path: list[str] = []
        failed = False
        for number, step in enumerate(job.get("steps") or [], start=1):
            name = str(step.get("name") or step.get("uses") or step.get("run", "")[:40])
            step_context = {**context, "env": env, "steps": context["steps"]}
            status = Status(failed=failed)
            if not condition(step.get("if"), step_context, status):
                result.steps.append(StepResult(name, "skipped", "skipped"))
                if step.get("id"):
                    context["steps"][step["id"]] = {
                        "outputs": {},
                        "outcome": "skipped",
                        "conclusion": "skipped",
                    }
                continue
            step_env = dict(env)
            for key, value in (step.get("env") or {}).items():
                step_env[key] = to_string(interpolate(value, {**step_context, "env": step_env}))
            for path in files.values():
                path.write_text("", encoding="utf-8")
            process_env = self._process_env(
                github, event, job_id, temp, files, step_env, extra_path, step.get("id")
            )
            if "run" in step:
                ok, output = self._run_script(step, defaults, workspace, temp, number, process_env)
            else:
                inputs = {
                    k: to_string(interpolate(v, step_context))
                    for k, v in (step.get("with") or {}).items()
                }
                ok, output = self._action(
                    str(step["uses"]), inputs, workspace, event, run, process_env
                )
            for line in output.splitlines():
                m = _COMMAND.match(line)
                if m:
                    run.annotations.append(
                        Annotation(
                            m.group(1), _parse_properties(m.group(2)), _unescape(m.group(3)), job_id
                        )
                    )
            outputs = _read_key_values(files["GITHUB_OUTPUT"])
            env.update(_read_key_values(files["GITHUB_ENV"]))
            extra_path = [
                *files["GITHUB_PATH"].read_text(encoding="utf-8").split(),
                *extra_path,
            ]
            result.summary += files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
            outcome = "success" if ok else "failure"
            conclusion = "success" if ok or step.get("continue-on-error") else "failure"
            result.steps.append(StepResult(name, outcome, conclusion, output))
            self.log.append(f"--- {job_id} / {name}: {outcome}\n{output}")
            if step.get("id"):
                context["steps"][step["id"]] = {
                    "outputs": outputs,
                    "outcome": outcome,
                    "conclusion": conclusion,
                }
            if conclusion == "failure":
                failed = True
        result.result = "failure" if failed else "success"
        for key, value in (job.get("outputs") or {}).items():
            result.outputs[key] = to_string(interpolate(value, {**context, "env": env}))
        return result

    def _process_env(
        self,
        github: Mapping[str, Any],
        event: Event,
        job_id: str,
        temp: Path,
        files: Mapping[str, Path],
        step_env: Mapping[str, str],
        extra_path: list[str],
        step_id: str | None,
    ) -> dict[str, str]:
        env = dict(self.machine_env)
        env.update(
            {
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKFLOW": self.workflow_name,
                "GITHUB_RUN_ID": github["run_id"],
                "GITHUB_RUN_NUMBER": github["run_number"],
                "GITHUB_RUN_ATTEMPT": "1",
                "GITHUB_JOB": job_id,
                "GITHUB_ACTION": step_id or "__run",
                "GITHUB_ACTOR": "octocat",
                "GITHUB_REPOSITORY": self.repository,
                "GITHUB_REPOSITORY_OWNER": self.repository.split("/")[0],
                "GITHUB_EVENT_NAME": event.name,
                "GITHUB_EVENT_PATH": github["event_path"],
                "GITHUB_WORKSPACE": github["workspace"],
                "GITHUB_SHA": event.sha,
                "GITHUB_REF": event.ref,
                "GITHUB_REF_NAME": github["ref_name"],
                "GITHUB_REF_TYPE": "branch",
                "GITHUB_HEAD_REF": event.head_ref,
                "GITHUB_BASE_REF": event.base_ref,
                "GITHUB_SERVER_URL": github["server_url"],
                "GITHUB_API_URL": github["api_url"],
                "GITHUB_GRAPHQL_URL": github["graphql_url"],
                "RUNNER_OS": "Linux",
                "RUNNER_ARCH": "X64",
                "RUNNER_NAME": "local",
                "RUNNER_TEMP": str(temp),
                "RUNNER_TOOL_CACHE": str(self.root / "toolcache"),
                **{name: str(path) for name, path in files.items()},
            }
        )
        env.update(step_env)
        if extra_path:
            env["PATH"] = os.pathsep.join([*extra_path, env.get("PATH", "")])
        return env

    def _run_script(
        self,
        step: Mapping[str, Any],
        defaults: Mapping[str, Any],
        workspace: Path,
        temp: Path,
        number: int,
        env: Mapping[str, str],
    ) -> tuple[bool, str]:
        shell = step.get("shell") or defaults.get("shell") or "bash"
        assert shell == "bash", f"only bash steps are run here, not {shell}"
        directory = workspace / str(
            step.get("working-directory") or defaults.get("working-directory") or "."
        )
        script = temp / f"_step_{number}.sh"
        script.write_text(str(step["run"]), encoding="utf-8")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=directory,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=900,
        )
        return proc.returncode == 0, proc.stdout

    # -- the actions -------------------------------------------------------------

    def _action(
        self,
        uses: str,
        inputs: Mapping[str, str],
        workspace: Path,
        event: Event,
        run: RunResult,
        env: Mapping[str, str],
    ) -> tuple[bool, str]:
        action = uses.split("@", 1)[0]
        handler = {
            "actions/checkout": self._checkout,
            "actions/setup-go": self._setup_go,
            "actions/setup-python": self._setup_python,
            "actions/upload-artifact": self._upload,
            "actions/download-artifact": self._download,
            "marocchino/sticky-pull-request-comment": self._sticky_comment,
        }.get(action)
        if handler is None:
            raise AssertionError(f"the test runner does not know the action {uses}")
        try:
            return handler(inputs, workspace, event, run, env)
        except StepFailed as exc:
            return False, f"::error::{exc}\n"

    def _checkout(
        self, inputs: Mapping[str, str], workspace: Path, event: Event, run: RunResult, env: Any
    ) -> tuple[bool, str]:
        git_env = {**os.environ, **self.machine_env}
        for args in (
            ["git", "clone", "--quiet", "--no-checkout", str(self.origin), str(workspace)],
            ["git", "-C", str(workspace), "checkout", "--quiet", "--detach", event.sha],
        ):
            proc = subprocess.run(args, capture_output=True, text=True, env=git_env, check=False)
            if proc.returncode != 0:
                raise StepFailed(proc.stderr.strip())
        return True, f"checked out {event.sha[:7]}\n"

    def _setup_go(
        self, inputs: Mapping[str, str], workspace: Path, event: Event, run: RunResult, env: Any
    ) -> tuple[bool, str]:
        for key in ("go-version-file", "cache-dependency-path"):
            if key in inputs and not (workspace / inputs[key]).is_file():
                raise StepFailed(f"setup-go: {key} {inputs[key]} does not exist")
        return True, "go from this machine\n"

    def _setup_python(
        self, inputs: Mapping[str, str], workspace: Path, event: Event, run: RunResult, env: Any
    ) -> tuple[bool, str]:
        return True, "python from this machine\n"

    def _upload(
        self, inputs: Mapping[str, str], workspace: Path, event: Event, run: RunResult, env: Any
    ) -> tuple[bool, str]:
        assert run.artifacts is not None
        name = inputs["name"]
        target = run.artifacts / name
        if target.exists():
            raise StepFailed(f"an artifact named {name} exists already (v4: immutable)")
        files: list[tuple[Path, Path]] = []
        for pattern in inputs["path"].split("\n"):
            pattern = pattern.strip()
            if not pattern:
                continue
            base = Path(pattern) if os.path.isabs(pattern) else workspace / pattern
            if base.is_dir():
                files += [(p, p.relative_to(base)) for p in base.rglob("*") if p.is_file()]
            elif base.is_file():
                files.append((base, Path(base.name)))
        if not files:
            mode = inputs.get("if-no-files-found", "warn")
            if mode == "error":
                raise StepFailed(f"no files found at {inputs['path']}")
            return True, f"::warning::no files found at {inputs['path']}\n"
        for source, relative in files:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
        return True, f"uploaded {len(files)} file(s) as {name}\n"

    def _download(
        self, inputs: Mapping[str, str], workspace: Path, event: Event, run: RunResult, env: Any
    ) -> tuple[bool, str]:
        assert run.artifacts is not None
        raw = inputs.get("path") or "."
        destination = Path(raw) if os.path.isabs(raw) else workspace / raw
        if inputs.get("name"):
            names = [inputs["name"]]
            if not (run.artifacts / names[0]).is_dir():
                raise StepFailed(f"Artifact not found for name: {names[0]}")
            merge = True
        else:
            pattern = inputs.get("pattern") or "*"
            names = sorted(
                p.name for p in run.artifacts.iterdir() if fnmatch.fnmatch(p.name, pattern)
            )
            merge = inputs.get("merge-multiple") == "true"
        for name in names:
            into = destination if merge else destination / name
            shutil.copytree(run.artifacts / name, into, dirs_exist_ok=True)
        return True, f"downloaded {', '.join(names) or 'nothing'}\n"

    def _sticky_comment(
        self, inputs: Mapping[str, str], workspace: Path, event: Event, run: RunResult, env: Any
    ) -> tuple[bool, str]:
        number = int(event.payload["pull_request"]["number"])
        header = inputs.get("header", "")
        if inputs.get("path"):
            path = Path(inputs["path"])
            if not path.is_file():
                raise StepFailed(f"no comment file {path}")
            message = path.read_text(encoding="utf-8")
        else:
            message = inputs.get("message", "")
        # The action's hidden marker, which finds the comment again on the next push.
        body = f"{message}\n<!-- Sticky Pull Request Comment{header} -->"
        for comment in self.comments:
            if comment.number == number and comment.header == header:
                comment.body = body
                comment.updates += 1
                return True, "updated the comment\n"
        self.comments.append(PullRequestComment(number, header, body))
        return True, "created the comment\n"


class StepFailed(Exception):
    pass
