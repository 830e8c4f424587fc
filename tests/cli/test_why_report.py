"""The reports' "Why" section: a regression with a saved explanation (what `benchlens
explain` writes) gets one in `regression_report.md` and the HTML report; hostile
names stay text; an unreadable explanation is named and left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.explain.model import (
    Cost,
    Explanation,
    FunctionChange,
    LineChange,
    QuantityChange,
    Side,
    dumps,
)

HANDLE = "example.com/eventpipe/kafka/handler.(*Handler).Handle"
HOSTILE = "example.com/eventpipe/kafka/handler.<script>alert(1)</script>"


def explanation(function: str = HANDLE) -> Explanation:
    line = LineChange(
        function, "kafka/handler/handler.go", 136, None, Cost(0, 1370, 40), 0, 0.37, True
    )
    cpu = QuantityChange(
        "cpu",
        "ns/op",
        Cost(354, 853),
        (
            FunctionChange(
                function,
                "kafka/handler/handler.go",
                136,
                Cost(334, 3340, 50),
                Cost(1100, 4560),
                0.9,
                True,
            ),
        ),
        (line,),
    )
    alloc = QuantityChange("alloc_space", "B/op", Cost(0, 2080), (), ())
    side = Side(
        "baseline", "6a312bdd1437", "6a312bd" + "0" * 33, (1,), {"ns/op": 354.0}, "b", "m", "t"
    )
    current = Side("current", "working tree", None, (1,), {"ns/op": 853.0}, "c", "m", "t")
    return Explanation(
        "BenchmarkProduce/small",
        "example.com/eventpipe/kafka/handler",
        "1s",
        True,
        "2026-12-01T15:00:00Z",
        side,
        current,
        (cpu, alloc),
        ("go tool pprof -http=:8080 -diff_base=base.cpu.prof cur.cpu.prof",),
    )


def save(root: Path, e: Explanation) -> Path:
    path = root / "benchmark_results" / "explain" / "BenchmarkProduce_small" / "explanation.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(e))
    return path


def test_regressions_with_an_explanation_get_a_why(
    example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(example_copy, explanation())
    assert main(["regression", "--no-run", "-C", str(example_copy)]) == 1
    report = (example_copy / "benchmark_results" / "regression_report.md").read_text()
    why = report[report.index("### Why") :]
    assert (
        "**BenchmarkProduce/small** — profiled 2026-12-01T15:00:00Z "
        "against `6a312bdd1437 (6a312bd)`" in why
    )
    assert (
        "`handler.(*Handler).Handle` +3.01µs/op, 90 % of the change "
        "at `kafka/handler/handler.go:136`" in why
    )
    assert (
        "+1.37µs/op here (new or changed line; 37 % of BenchmarkProduce/small); was 0ns/op" in why
    )
    assert "Allocated bytes per op: 0B → 2.03KiB" in why
    assert "go tool pprof -http=:8080 -diff_base=base.cpu.prof cur.cpu.prof" in why
    assert why.count("**Benchmark") == 1  # only the regression that has one

    assert main(["report", "-C", str(example_copy)]) == 0
    page = (example_copy / "benchmark_results" / "report.html").read_text()
    section = page[page.index('<section id="why">') :]
    assert "<code>BenchmarkProduce/small</code>" in section
    assert "handler.(*Handler).Handle" in section and "kafka/handler/handler.go:136" in section


def test_hostile_names_stay_text(example_copy: Path) -> None:
    save(example_copy, explanation(HOSTILE))
    assert main(["regression", "--no-run", "-C", str(example_copy)]) == 1
    report = (example_copy / "benchmark_results" / "regression_report.md").read_text()
    # Only inside code spans, where GitHub shows it as text.
    assert "`handler.<script>alert(1)</script>`" in report
    assert "<script>" not in re.sub(r"`[^`]*`", "", report)
    assert main(["report", "-C", str(example_copy)]) == 0
    page = (example_copy / "benchmark_results" / "report.html").read_text()
    assert "<script>alert(1)" not in page
    assert "handler.&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unreadable_explanation_is_named_and_left_out(
    example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = save(example_copy, explanation())
    path.write_text('{"format": 1, "benchmark": ')
    assert main(["regression", "--no-run", "-C", str(example_copy)]) == 1
    assert f"{path}: not JSON" in capsys.readouterr().err
    report = (example_copy / "benchmark_results" / "regression_report.md").read_text()
    assert "### Why" not in report
