"""`benchlens run --shard i/N` over the example module, and `benchlens merge` of the
shards: every package in exactly one shard, and the merge holds what one full run holds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.results.reader import load_results
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.go

ONCE = ("--benchtime", "1x", "--count", "1")


def _packages(path: Path) -> set[str]:
    return {key.package for key in load_results(path).benchmarks}


def _keys(path: Path) -> set[tuple[str, str, int]]:
    return {(k.package, k.name, k.procs) for k in load_results(path).benchmarks}


def test_shards_partition_the_example_and_merge_to_a_full_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("benchmark_results"))
    out = tmp_path / "out"
    shards = [out / f"shard-{i}.txt" for i in (1, 2, 3)]
    for i, path in enumerate(shards, start=1):
        assert main(["run", "-C", str(root), *ONCE, "--shard", f"{i}/3", "-o", str(path)]) == 0
        assert re.search(rf"^shard {i}/3: example\.com/eventpipe/", capsys.readouterr().out, re.M)
    groups = [_packages(p) for p in shards]
    assert all(groups)  # 4 packages over 3 shards: none empty
    assert sum(len(g) for g in groups) == len(set().union(*groups))  # no overlap

    full = out / "full.txt"
    assert main(["run", "-C", str(root), *ONCE, "-o", str(full)]) == 0
    assert set().union(*groups) == _packages(full)  # union = all
    assert len(_packages(full)) == 4

    merged = out / "merged.txt"
    capsys.readouterr()
    assert main(["merge", *map(str, shards), "-o", str(merged)]) == 0
    assert "from 3 files" in capsys.readouterr().out
    assert _keys(merged) == _keys(full)

    # More shards than packages: the empty one succeeds and writes an empty file.
    empty = out / "shard-5.txt"
    assert main(["run", "-C", str(root), *ONCE, "--shard", "5/5", "-o", str(empty)]) == 0
    assert "shard 5/5: no packages" in capsys.readouterr().out
    assert empty.read_text() == ""
    assert main(["merge", str(merged), str(empty), "-o", str(out / "again.txt")]) == 0
    assert _keys(out / "again.txt") == _keys(full)


def test_bad_shard_spec_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--shard", "4/3"])
    assert exc.value.code == 2
    assert "need 1 ≤ i ≤ N" in capsys.readouterr().err


def test_merge_joins_samples_and_reports_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("pkg: m/x\nBenchmarkA 10 5 ns/op\nBenchmarkA oops\n")
    b.write_text("pkg: m/x\nBenchmarkA 10 6 ns/op\npkg: m/y\nBenchmarkB 10 7 ns/op\n")
    out = tmp_path / "out.txt"
    assert main(["merge", str(a), str(b), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{a}:3:" in err and "line skipped" in err
    assert f"BenchmarkA (m/x) is in {a}, {b}: samples joined" in err
    results = load_results(out)
    assert {k.name: len(s.iterations) for k, s in results.benchmarks.items()} == {
        "BenchmarkA": 2,
        "BenchmarkB": 1,
    }

    # Nothing is written when an input cannot be read, or when the output is an input.
    before = out.read_text()
    assert main(["merge", str(a), str(tmp_path / "missing.txt"), "-o", str(out)]) == 2
    assert "missing.txt: no such results file; nothing written" in capsys.readouterr().err
    assert main(["merge", str(a), str(out), "-o", str(out)]) == 2
    assert "the output is also an input" in capsys.readouterr().err
    assert out.read_text() == before
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["merge", str(empty), "-o", str(tmp_path / "none.txt")]) == 2
    assert "no benchmark results" in capsys.readouterr().err
    assert not (tmp_path / "none.txt").exists()
    assert main(["merge", "--allow-empty", str(empty), "-o", str(tmp_path / "none.txt")]) == 0
    assert (tmp_path / "none.txt").read_text() == ""
