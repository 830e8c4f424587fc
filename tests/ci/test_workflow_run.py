"""This repository's CI workflow, run outside GitHub on a repository made from
`examples/` with two commits — base, and head where `Reserve` is ~100x slower.

Each job's `run:` steps are the workflow's own scripts, run in order with the
environment Actions gives them (see `tests.ci.actions`); the Slack webhook and the
GitHub API are a local server that records what it is sent, reached by the real
`curl` and the real `gh`.

- pull request (two shards): `benchlens ab` per shard, the shards merged, one PR
  comment with the table, annotations at `examples/throttle/bucket_test.go`, the
  report artifact, and the run fails on the regression;
- push to main, first run: no baseline yet, so none is compared and one is stored
  on the `benchlens-baseline` branch;
- schedule on the slower commit: the regression against the stored baseline gives
  a Slack message and an issue labelled performance, regression, P1; the next
  scheduled run (no Slack secret: that step skipped) comments on the same issue.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchlens.scaffold.workflow import WORKFLOW_PATH
from tests.ci.actions import Event, Runner, RunResult
from tests.ci.fake_github import FakeGitHub
from tests.conftest import EXAMPLES, REPO, VENV_BIN

pytestmark = [pytest.mark.go, pytest.mark.slow]

REPOSITORY = "acme/eventpipe"
#: Two packages, a few thousand iterations per sample, 5 alternated runs per side:
#: enough for Mann-Whitney at α = 0.05 (n=5+5), and a 100x slowdown stands out.
CONFIG = """\
packages = ["./throttle", "./mempool"]

[run]
count = 5
benchtime = { quick = "2000x", default = "2000x", full = "2000x" }
"""
SLOW_RESERVE = """func (b *Bucket) Reserve(n int) time.Duration {
	for i := 0; i < 3000; i++ {
		spin += float64(i)
	}
"""


def _git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


@dataclass
class World:
    origin: Path
    base: str
    head: str
    runner: Runner
    fake: FakeGitHub
    pip_log: Path
    env: dict[str, str]
    results: dict[str, RunResult]

    def git(self, *args: str) -> str:
        return _git(self.origin, *args, env=self.env)


def _machine_env(tmp: Path, fake: FakeGitHub, shims: Path) -> dict[str, str]:
    """The runner machine: this venv's tools (benchlens, go, gh), `pip` recording what
    the install step asks for, git without the user's config, and `gh` pointed at the
    fake API (gh serves GH_HOST=github.localhost over http, here via the proxy)."""
    gitconfig = tmp / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test\n\temail = test@example.com\n")
    (tmp / "tmp").mkdir()
    return {
        "TMPDIR": str(tmp / "tmp"),  # ab's worktrees: private, as a runner's /tmp is
        "PATH": os.pathsep.join([str(shims), str(VENV_BIN), os.environ.get("PATH", "")]),
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "",
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GH_HOST": "github.localhost",
        "GH_CONFIG_DIR": str(tmp / "gh"),
        "GH_PROMPT_DISABLED": "1",
        "HTTP_PROXY": fake.proxy,
        "http_proxy": fake.proxy,
        "NO_PROXY": "",
        "no_proxy": "",
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    for tool in ("bash", "git", "jq", "curl"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (make system-deps installs it)")
    tmp = tmp_path_factory.mktemp("workflow")
    fake = FakeGitHub().start()
    shims = tmp / "shims"
    shims.mkdir()
    pip_log = tmp / "pip.log"
    (shims / "pip").write_text(f'#!/bin/sh\necho "pip $*" >> "{pip_log}"\n')
    (shims / "pip").chmod(0o755)
    env = _machine_env(tmp, fake, shims)
    git_env = {**os.environ, **env}

    # The repository: this one's layout — the module in examples/, the workflow at the top.
    work = tmp / "clone"
    shutil.copytree(EXAMPLES, work / "examples", ignore=shutil.ignore_patterns("benchmark_results"))
    (work / "examples" / ".benchlens.toml").write_text(CONFIG)
    (work / WORKFLOW_PATH).parent.mkdir(parents=True)
    shutil.copy2(REPO / WORKFLOW_PATH, work / WORKFLOW_PATH)
    _git(work, "init", "-q", "-b", "main", env=git_env)
    _git(work, "add", "-A", env=git_env)
    _git(work, "commit", "-q", "-m", "base", env=git_env)
    base = _git(work, "rev-parse", "HEAD", env=git_env)
    bucket = work / "examples" / "throttle" / "bucket.go"
    text = bucket.read_text()
    first_line = "func (b *Bucket) Reserve(n int) time.Duration {\n"
    assert first_line in text
    bucket.write_text(text.replace(first_line, SLOW_RESERVE) + "\nvar spin float64\n")
    _git(work, "commit", "-q", "-am", "head: Reserve spins", env=git_env)
    head = _git(work, "rev-parse", "HEAD", env=git_env)
    origin = tmp / "origin.git"
    _git(tmp, "clone", "-q", "--bare", str(work), str(origin), env=git_env)
    _git(origin, "branch", "-f", "main", base, env=git_env)
    _git(origin, "branch", "slower", head, env=git_env)

    runner = Runner(
        REPO / WORKFLOW_PATH,
        origin,
        tmp / "runner",
        repository=REPOSITORY,
        machine_env=env,
        secrets={"SLACK_WEBHOOK_URL": fake.slack_url},
    )
    yield World(origin, base, head, runner, fake, pip_log, git_env, {})
    fake.stop()


def _log(world: World) -> str:
    return "\n".join(world.runner.log)[-20000:]


def test_pull_request(world: World) -> None:
    world.runner.variables = {"BENCHLENS_SHARDS": "2"}
    event = Event(
        "pull_request",
        sha=world.head,
        ref="refs/pull/7/merge",
        head_ref="slower",
        base_ref="main",
        payload={
            "number": 7,
            "pull_request": {
                "number": 7,
                "base": {"sha": world.base, "ref": "main"},
                "head": {"sha": world.head, "ref": "slower", "repo": {"full_name": REPOSITORY}},
            },
        },
    )
    run = world.runner.run(event)
    world.runner.variables = {}
    log = _log(world)
    assert run.job("plan").outputs == {"shards": "[1,2]", "base_ref": world.base}, log
    bench = run.job("benchmark")
    assert bench.result == "success", log
    assert [s.outcome for s in bench.steps if s.name == "Benchmark"] == ["skipped", "skipped"]
    ab_steps = [s for s in bench.steps if s.name.startswith("Benchmark base and head")]
    assert len(ab_steps) == 2 and all(s.outcome == "success" for s in ab_steps), log
    # Each shard ran both sides of its own packages; together, every package once.
    assert "shard 1/2: example.com/eventpipe/" in ab_steps[0].output
    assert "shard 2/2: example.com/eventpipe/" in ab_steps[1].output
    assert run.artifacts is not None
    shard_files = sorted(
        p.relative_to(run.artifacts).as_posix() for p in run.artifacts.glob("benchlens-shard-*/*")
    )
    assert shard_files == [
        "benchlens-shard-1/base-1.txt",
        "benchlens-shard-1/head-1.txt",
        "benchlens-shard-2/base-2.txt",
        "benchlens-shard-2/head-2.txt",
    ]
    assert f"pip install {world.runner.root / 'work' / 'eventpipe'}" in world.pip_log.read_text()

    # The report job: compared, commented, uploaded — and failed on the regression.
    report = run.job("report")
    assert report.result == "failure", log
    assert report.step("Compare").outcome == "success"
    assert report.step("Comment on the pull request").outcome == "success"
    assert report.step("Annotate the benchmarks; fail on a regression").outcome == "failure"
    assert run.conclusion == "failure"

    # One comment on PR 7, with the table and the action's hidden marker.
    [comment] = world.runner.comments
    assert comment.number == 7 and comment.header == "benchlens"
    assert comment.body.endswith("<!-- Sticky Pull Request Commentbenchlens -->")
    assert "| Benchmark | Metric | Baseline | Current | Change | Status |" in comment.body
    reserve_rows = [ln for ln in comment.body.splitlines() if ln.startswith("| `Reserve-2` |")]
    assert any("ns/op" in row and "🔴" in row for row in reserve_rows), comment.body
    assert "/runner/work/" not in comment.body  # files named as the workspace names them
    assert (
        "the `benchlens-report` artifact of [this run](https://github.com/acme/eventpipe/actions/runs/"
        in comment.body
    )
    assert "| Benchmark | Metric |" in report.summary  # the job summary has the table too

    # Annotations at the benchmark's line, paths from the repository's top.
    bucket_test = EXAMPLES / "throttle" / "bucket_test.go"
    line = 1 + bucket_test.read_text().splitlines().index("func BenchmarkReserve(b *testing.B) {")
    reserve = [
        a
        for a in run.annotations
        if a.properties.get("file") == "examples/throttle/bucket_test.go"
        and a.properties.get("line") == str(line)
    ]
    assert reserve and reserve[0].level == "warning", [vars(a) for a in run.annotations]
    assert (
        reserve[0].message.startswith("Reserve-2 regression: ns/op")
        or "Reserve" in reserve[0].message
    )

    # The artifacts: the HTML report and both result files, each side's commit inside.
    files = {p.name for p in (run.artifacts / "benchlens-report").iterdir()}
    assert {"report.html", "baseline.txt", "current.txt", "regression_report.md"} <= files
    baseline = (run.artifacts / "benchlens-report" / "baseline.txt").read_text()
    current = (run.artifacts / "benchlens-report" / "current.txt").read_text()
    assert f"commit: {world.base}" in baseline and "BenchmarkGetPut" in baseline
    assert f"commit: {world.head}" in current and "BenchmarkReserve" in current
    page = (run.artifacts / "benchlens-report" / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "Reserve" in page

    # Nothing stored, nothing alerted on a pull request.
    assert run.job("store-baseline").result == "skipped"
    assert run.job("alert").result == "skipped"
    assert world.fake.requests == []
    world.results["pr"] = run


def test_push_stores_the_first_baseline_then_schedules_alert(world: World) -> None:
    # Push to main (the base commit), the very first run: no baseline yet.
    push = world.runner.run(
        Event("push", sha=world.base, ref="refs/heads/main", payload={"after": world.base})
    )
    log = _log(world)
    assert push.job("plan").outputs["base_ref"] == ""
    assert push.job("report").result == "success", log
    merge = push.job("report").step(
        "Merge the shards; the baseline is the base side, else the stored one"
    )
    assert "no stored baseline yet: origin has no branch benchlens-baseline" in merge.output
    assert push.job("store-baseline").result == "success", log
    assert push.job("alert").result == "skipped"
    files = world.git("ls-tree", "-r", "--name-only", "benchlens-baseline").splitlines()
    assert "examples/benchmark_results/baseline.txt" in files
    assert sum(f.startswith("examples/benchmark_results/history/") for f in files) == 1
    stored = world.git("show", "benchlens-baseline:examples/benchmark_results/baseline.txt")
    assert f"commit: {world.base}\n" in stored

    # main moves on to the slower commit; the weekly run compares it with the stored baseline.
    world.git("branch", "-f", "main", world.head)
    schedule = Event(
        "schedule", sha=world.head, ref="refs/heads/main", payload={"schedule": "0 2 * * 0"}
    )
    first = world.runner.run(schedule)
    log = _log(world)
    assert first.job("report").result == "failure", log
    assert first.job("store-baseline").result == "success"  # stored already: left alone
    assert "a baseline is stored already" in first.job("store-baseline").steps[-1].output
    assert len(world.git("log", "--format=%H", "benchlens-baseline").splitlines()) == 1
    alert = first.job("alert")
    assert alert.result == "success", log
    assert alert.step("Slack").outcome == "success"
    [slack] = world.fake.slack
    assert slack["text"].startswith(f"{REPOSITORY} on main ({world.head[:7]}): ")
    assert "benchmark(s) regressed: " in slack["text"] and "BenchmarkReserve" in slack["text"]
    assert "https://github.com/acme/eventpipe/actions/runs/" in slack["text"]
    [issue] = world.fake.issues
    assert issue.title == "Performance regression on main"
    assert issue.labels == ["performance", "regression", "P1"]
    assert "BenchmarkReserve" in issue.body and "| Benchmark | Metric |" in issue.body
    token_headers = {
        r.headers.get("Authorization") for r in world.fake.requests if r.host != "127.0.0.1"
    }
    assert token_headers == {"token ghs_workflow_token"}  # gh used the job's GH_TOKEN

    # The next week, still slower, and no Slack secret: no second issue, a comment on it.
    world.runner.secrets = {}
    second = world.runner.run(schedule)
    assert second.job("alert").result == "success", _log(world)
    assert second.job("alert").step("Slack").outcome == "skipped"
    assert len(world.fake.slack) == 1
    assert len(world.fake.issues) == 1
    assert len(issue.comments) == 1 and "BenchmarkReserve" in issue.comments[0]
    assert sys.executable  # the venv that provides benchlens, go and gh to the steps
