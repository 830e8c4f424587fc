"""Attribution and diffing without Go: synthetic profiles whose answer is known."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchlens.explain.attribute import RoundCosts, SideCosts, per_op, tally
from benchlens.explain.diff import compare_quantity
from benchlens.explain.linemap import LineMaps, line_map
from benchlens.explain.model import Explanation, Side, dumps, from_json, to_json
from benchlens.pprof import Frame, Profile, Sample

ROOT = "/ws/"
LOOP = Frame("testing.(*B).runN", "/go/src/testing/benchmark.go", 200)
BENCH = Frame("example.com/m.BenchmarkX", ROOT + "m_test.go", 10)
MEMMOVE = Frame("runtime.memmove", "/go/src/runtime/memmove_amd64.s", 100)


def locate(file: str) -> str | None:
    return file[len(ROOT) :] if file.startswith(ROOT) else None


def work(line: int) -> Frame:
    return Frame("example.com/m.work", ROOT + "m.go", line)


def profile(*stacks: tuple[tuple[Frame, ...], int]) -> Profile:
    """CPU samples: (stack, number of 10 ms samples)."""
    samples = tuple(Sample(stack, (n, n * 10_000_000)) for stack, n in stacks)
    return Profile("p", (("samples", "count"), ("cpu", "nanoseconds")), samples, 10_000_000)


def test_standard_library_frames_are_charged_to_their_caller_in_the_workspace() -> None:
    p = profile(
        ((MEMMOVE, work(5), BENCH, LOOP), 30),
        ((work(6), BENCH, LOOP), 10),
        (
            (
                Frame("runtime.scanobject", "/go/src/runtime/mgcmark.go", 1),
                Frame("runtime.gcBgMarkWorker", "/go/src/runtime/mgc.go", 2),
                Frame("runtime.goexit", "/go/src/runtime/asm.s", 3),
            ),
            5,
        ),
    )
    grouped = tally(p, 1, locate, count_index=0)
    assert grouped.loop_total == 40 * 10_000_000
    assert grouped.own["example.com/m.work"].value == 40 * 10_000_000
    assert "runtime.memmove" not in grouped.own
    assert grouped.lines[("example.com/m.work", "m.go", 5)].samples == 30
    assert grouped.outside["runtime.gcBgMarkWorker"].samples == 5  # its entry, not its leaf
    assert grouped.workspace_files == {"m.go"}
    plain = tally(p, 1, locate, group=False, count_index=0)
    assert plain.own["runtime.memmove"].samples == 30
    assert plain.flat == grouped.flat and plain.cum == grouped.cum
    assert grouped.cum["example.com/m.BenchmarkX"].samples == 40


def test_costs_are_per_op_whatever_the_iteration_counts() -> None:
    # Baseline: 40 ns/op, all in line 5. Current: 100 ns/op, line 5 unchanged in cost
    # per op, a new line 6 adds 60 ns/op. The current runs twice as long (more samples).
    base = profile(((work(5), BENCH, LOOP), 40))
    cur = profile(((work(5), BENCH, LOOP), 80), ((work(6), BENCH, LOOP), 120))
    period = 10_000_000.0
    b = per_op([(tally(base, 1, locate, count_index=0), 40.0)], period)
    c = per_op([(tally(cur, 1, locate, count_index=0), 100.0)], period)
    maps = LineMaps({"m.go": {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}})  # line 6 is new
    q = compare_quantity("cpu", "ns/op", b, c, maps)
    assert (q.total.baseline, q.total.current) == (40.0, 100.0)
    [f] = [f for f in q.functions if f.function == "example.com/m.work"]
    assert f.flat.baseline == pytest.approx(40) and f.flat.current == pytest.approx(100)
    assert f.share == pytest.approx(1.0) and (f.file, f.line) == ("m.go", 6)
    first = q.lines[0]
    assert (first.line, first.baseline_line) == (6, None)
    assert first.cost.delta == pytest.approx(60) and first.cost.significant
    assert first.share_current == pytest.approx(0.6)
    same = next(ln for ln in q.lines if ln.line == 5)
    assert same.baseline_line == 5 and same.cost.delta == pytest.approx(0)
    assert not same.cost.significant


def test_moved_lines_meet_their_baseline() -> None:
    base_src = ["package m", "func work() {", "\ta()", "\tb()", "}"]
    cur_src = ["package m", "", "// new comment", "func work() {", "\ta()", "\tB()", "}"]
    m = line_map(base_src, cur_src)
    assert m[3] == 5 and m[4] == 6  # moved down; line 4 edited in place
    maps = LineMaps.from_sources({"m.go": ("\n".join(base_src), "\n".join(cur_src))})
    assert maps.to_current("m.go", 3) == 5 and maps.to_baseline("m.go", 5) == 3
    assert maps.to_baseline("m.go", 3) is None  # the new comment
    assert maps.to_current("other.go", 9) == 9  # unchanged files map to themselves
    b = per_op([(tally(profile(((work(3), BENCH, LOOP), 10)), 1, locate, count_index=0), 10.0)])
    c = per_op([(tally(profile(((work(5), BENCH, LOOP), 30)), 1, locate, count_index=0), 30.0)])
    q = compare_quantity("cpu", "ns/op", b, c, maps)
    moved = next(ln for ln in q.lines if ln.file == "m.go")
    assert (moved.line, moved.baseline_line) == (5, 3)
    assert (moved.cost.baseline, moved.cost.current) == (10.0, 30.0)


def test_an_explanation_survives_json() -> None:
    b = per_op([(tally(profile(((work(3), BENCH, LOOP), 10)), 1, locate, count_index=0), 10.0)])
    q = compare_quantity("cpu", "ns/op", b, b, LineMaps())
    side = Side("baseline", "HEAD", "abc", (100,), {"ns/op": 10.0}, "a.prof", "m.prof", "b.test")
    e = Explanation(
        "BenchmarkX",
        "example.com/m",
        "1s",
        True,
        "2026-01-01T00:00:00Z",
        side,
        side,
        (q,),
        ("go tool pprof",),
        ("a note",),
    )
    assert from_json(to_json(e)) == e
    assert dumps(e).endswith("}\n")


def tally_loop_and(other: tuple[Frame, ...], samples: int) -> RoundCosts:
    """10 samples of `work` in the benchmark loop beside `samples` of the stack `other`,
    tallied; the loop's are what they would be alone, whatever `other` is."""
    costs = tally(profile(((work(5), BENCH, LOOP), 10), (other, samples)), 1, locate, count_index=0)
    assert costs.loop_total == 10 * 10_000_000
    assert set(costs.own) == {"example.com/m.work"}
    return costs


def test_package_initialisation_is_outside_the_benchmark_loop() -> None:
    """A fixture a test file loads into a package variable (`var twitter =
    getFromFile("testdata/twitter.json")`, as valyala/fastjson does) runs once, on the
    main goroutine, before any benchmark: its allocations are not the benchmark's per
    op, though the function is the workspace's (they were 95 % of a `Validate/twitter`
    explanation, at 472 % "of the benchmark")."""
    init_stack = (
        Frame("os.ReadFile", "/go/src/os/file.go", 1),
        Frame("example.com/m.getFromFile", ROOT + "m_test.go", 30),
        Frame("example.com/m.init", ROOT + "m_test.go", 20),
        Frame("runtime.doInit1", "/go/src/runtime/proc.go", 7000),
        Frame("runtime.doInit", "/go/src/runtime/proc.go", 6900),
        Frame("runtime.main", "/go/src/runtime/proc.go", 250),
        Frame("runtime.goexit", "/go/src/runtime/asm.s", 3),
    )
    costs = tally_loop_and(init_stack, 90)
    assert all(function != "example.com/m.getFromFile" for function, _, _ in costs.lines)
    assert costs.outside["runtime.main"].samples == 90


def test_a_quantity_with_nothing_sampled_in_the_loop_prints_no_empty_tables() -> None:
    """fastjson's Validate/twitter reported 371 B/op that no profile sampled inside the
    benchmark loop: explain printed two tables of headers and no rows. Now one line
    says so (the notes say why)."""
    from benchlens.views.explain import render_explanation

    base_cpu = per_op(
        [(tally(profile(((work(3), BENCH, LOOP), 10)), 1, locate, count_index=0), 10.0)]
    )
    cur_cpu = per_op(
        [(tally(profile(((work(3), BENCH, LOOP), 20)), 1, locate, count_index=0), 20.0)]
    )
    cpu = compare_quantity("cpu", "ns/op", base_cpu, cur_cpu, LineMaps())
    unsampled = SideCosts(loop=371.0, empty_runs=3)
    space = compare_quantity("alloc_space", "B/op", SideCosts(), unsampled, LineMaps())
    side = Side("baseline", "HEAD", "abc", (100,), {"ns/op": 10.0}, "a.prof", "m.prof", "b.test")
    e = Explanation(
        "BenchmarkX", "example.com/m", "1s", True, "2026-01-01T00:00:00Z",
        side, side, (cpu, space), ("go tool pprof",), ("no alloc_space sampled",),
    )  # fmt: skip
    text = render_explanation(e)
    after = text.split("0B → 371B", 1)[1].split("note:", 1)[0]
    assert "nothing in the benchmark loop's profiles to show where" in after
    assert "┏" not in after and "Function" not in after  # no empty table
    assert "Function" in text.split("0B → 371B", 1)[0]  # the CPU table is still there
    unchanged = compare_quantity("cpu", "ns/op", base_cpu, base_cpu, LineMaps())
    same = render_explanation(replace(e, quantities=(unchanged,)))
    assert "no function's cost per op changed by 0.5 % or more" in same and "┏" not in same


def test_a_parent_benchmark_starting_its_sub_benchmark_is_not_the_loop() -> None:
    """`b.Run("fastjson", ...)` in a helper (valyala/fastjson's benchmarkValidate) runs
    in the parent's `runN`: starting the sub-benchmark (its goroutine, its B) is the
    testing framework's work, not the target's iterations, though the caller is the
    workspace's. It was charged as +56 B/op at the `b.Run` line."""
    starting = (
        Frame("runtime.malg", "/go/src/runtime/proc.go", 4000),
        Frame("testing.(*B).Run", "/go/src/testing/benchmark.go", 700),
        Frame("example.com/m.benchmarkHelper", ROOT + "m_test.go", 34),
        Frame("example.com/m.BenchmarkX.func1", ROOT + "m_test.go", 20),
        LOOP,
        Frame("testing.(*B).run1.func1", "/go/src/testing/benchmark.go", 220),
        Frame("runtime.goexit", "/go/src/runtime/asm.s", 3),
    )
    costs = tally_loop_and(starting, 4)
    assert costs.outside["testing.(*B).run1.func1"].samples == 4
