"""The profile.proto decoder: profiles written by the real `go test -cpuprofile` and
`-memprofile`, and files that are not profiles (truncated, garbage, inconsistent):
a clear error naming the file, never a traceback."""

from __future__ import annotations

import gzip
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchlens.explain.attribute import LOOP_FRAMES
from benchlens.pprof import ProfileFormatError, load_profile, rewrite_file_paths
from benchlens.pprof.proto import ProfileMessage
from tests.runner_helpers import GOMODS, env, go_path


@pytest.fixture(scope="module")
def go_profiles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(cpu.prof, mem.prof) of BenchmarkProcess, written by `go test` itself."""
    out = tmp_path_factory.mktemp("profiles")
    cpu, mem = out / "cpu.prof", out / "mem.prof"
    argv = [go_path(), "test", "-run=^$", "-bench=^BenchmarkProcess$", "-benchtime=300ms"]
    argv += [f"-cpuprofile={cpu}", f"-memprofile={mem}", "-o", str(out / "work.test"), "./work"]
    subprocess.run(argv, cwd=GOMODS / "explain", env=env(), check=True, capture_output=True)
    return cpu, mem


@pytest.mark.go
def test_reads_the_cpu_profile_go_test_writes(go_profiles: tuple[Path, Path]) -> None:
    cpu, _mem = go_profiles
    assert cpu.read_bytes()[:2] == b"\x1f\x8b"  # gzip, as Go writes it
    profile = load_profile(cpu)
    assert profile.sample_types == (("samples", "count"), ("cpu", "nanoseconds"))
    assert profile.period == 10_000_000  # 100 Hz
    assert profile.total(1) == profile.total(0) * profile.period
    in_loop = [s for s in profile.samples if any(f.function in LOOP_FRAMES for f in s.stack)]
    assert in_loop
    frames = {f for s in in_loop for f in s.stack}
    mix = [f for f in frames if f.function == "example.com/explain/work.mix"]
    assert mix and all(f.file.endswith("/explain/work/work.go") and f.line > 0 for f in mix)
    # Leaf first: the benchmark function is below the work it calls, in every sample
    # that has both (a sample may also land in the benchmark's own loop: then it is
    # the leaf, which is why no single sample is asserted on).
    bench, work = "example.com/explain/work.BenchmarkProcess", "example.com/explain/work.mix"
    both = [
        [f.function for f in s.stack]
        for s in in_loop
        if {bench, work} <= {f.function for f in s.stack}
    ]
    assert both
    assert all(stack.index(work) < stack.index(bench) for stack in both)


@pytest.mark.go
def test_reads_the_memory_profile_and_raw_protobuf(
    go_profiles: tuple[Path, Path], tmp_path: Path
) -> None:
    _cpu, mem = go_profiles
    profile = load_profile(mem)
    kinds = [k for k, _unit in profile.sample_types]
    assert kinds == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]
    assert profile.value_index("alloc_space") == 1
    with pytest.raises(ProfileFormatError, match="no 'cpu' values"):
        profile.value_index("cpu")
    raw = tmp_path / "raw.pb"
    raw.write_bytes(gzip.decompress(mem.read_bytes()))  # pprof accepts it unzipped too
    assert load_profile(raw).samples == profile.samples


@pytest.mark.go
def test_rewriting_file_paths_keeps_everything_else(
    go_profiles: tuple[Path, Path], tmp_path: Path
) -> None:
    cpu, _mem = go_profiles
    before = load_profile(cpu)
    target = tmp_path / "rewritten.prof"
    rewrite_file_paths(cpu, target, lambda name: "/elsewhere/" + Path(name).name)
    after = load_profile(target)
    assert len(after.samples) == len(before.samples)
    assert [s.values for s in after.samples] == [s.values for s in before.samples]
    assert {f.file for s in after.samples for f in s.stack} <= {
        "/elsewhere/" + Path(f.file).name for s in before.samples for f in s.stack
    }


@pytest.mark.go
def test_truncated_profiles_are_reported_by_name(
    go_profiles: tuple[Path, Path], tmp_path: Path
) -> None:
    cpu, _mem = go_profiles
    data = cpu.read_bytes()
    for cut in (len(data) // 2, len(data) - 9, 12):
        broken = tmp_path / f"cut{cut}.prof"
        broken.write_bytes(data[:cut])
        with pytest.raises(ProfileFormatError) as caught:
            load_profile(broken)
        assert str(caught.value).startswith(f"{broken}: not a readable pprof profile: ")
        assert "truncated" in str(caught.value) or "corrupt" in str(caught.value)
    # A truncated protobuf (not gzip) is an error too.
    raw = gzip.decompress(data)
    broken = tmp_path / "raw-cut.pb"
    broken.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ProfileFormatError, match=str(broken)):
        load_profile(broken)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
        (b"goos: linux\nBenchmarkX 1 2 ns/op\n", "invalid profile.proto data"),
        (bytes(range(256)) * 4, "invalid profile.proto data"),
        (gzip.compress(b""), "no sample types"),
    ],
)
def test_garbage_is_not_a_profile(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "garbage.prof"
    path.write_bytes(content)
    with pytest.raises(ProfileFormatError) as caught:
        load_profile(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def _message() -> Any:
    m = ProfileMessage()
    m.string_table.extend(["", "cpu", "nanoseconds", "main.f", "f.go"])
    m.sample_type.add(type=1, unit=2)
    m.function.add(id=1, name=3, filename=4)
    m.location.add(id=1).line.add(function_id=1, line=7)
    m.sample.add(location_id=[1], value=[10])
    return m


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda m: m.sample.add(location_id=[9], value=[1]), "location 9, which is not there"),
        (lambda m: m.location.add(id=2).line.add(function_id=5), "function 5, which is not"),
        (lambda m: m.function.add(id=2, name=99), "string 99, past the end"),
        (lambda m: m.sample.add(location_id=[1], value=[1, 2]), "2 values for 1 sample types"),
    ],
)
def test_inconsistent_profiles_are_errors(
    tmp_path: Path, spoil: Callable[[Any], object], reason: str
) -> None:
    m = _message()
    path = tmp_path / "good.prof"
    path.write_bytes(gzip.compress(m.SerializeToString()))
    [sample] = load_profile(path).samples
    assert sample.stack[0].function == "main.f" and sample.stack[0].line == 7
    spoil(m)
    path.write_bytes(gzip.compress(m.SerializeToString()))
    with pytest.raises(ProfileFormatError, match=reason):
        load_profile(path)


def test_unreadable_files_are_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileFormatError, match="No such file"):
        load_profile(tmp_path / "missing.prof")
    with pytest.raises(ProfileFormatError, match="Is a directory"):
        load_profile(tmp_path)
