"""`benchlens report` and `compare --format html`: the page is written (atomically, where
asked), says what it compares, and bad input exits 2 naming the file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchlens.cli import main
from benchlens.views.facts import SAVE_BASELINE_HINT
from tests.conftest import EXAMPLES
from tests.html_helpers import assert_self_contained, parse, section

BASE = EXAMPLES / "benchmark_results" / "baseline.txt"
CUR = EXAMPLES / "benchmark_results" / "current.txt"


def test_report_writes_the_page_next_to_the_results(
    example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = example_copy / "benchmark_results"
    (results / "history").mkdir()
    shutil.copy(results / "baseline.txt", results / "history" / "20240101T000000Z-abc1234.txt")

    assert main(["report", "-C", str(example_copy)]) == 0

    page_path = results / "report.html"
    out = capsys.readouterr().out
    assert f"report: {page_path.resolve()}" in out
    assert "2 regressions" in out
    page = page_path.read_text(encoding="utf-8")
    doc = parse(page)
    assert_self_contained(doc, page)
    assert doc.root.find("svg", "chart").iter("rect", "bar")
    assert section(doc, "trends").iter("svg", "spark")  # history + current
    # The files are named as in the workspace, not by this machine's absolute paths.
    assert doc.root.find("p", "sources").all_text() == (
        "benchmark_results/baseline.txt → benchmark_results/current.txt"
    )
    assert "generated " in doc.root.find("footer").all_text()
    # Written atomically: no temporary file is left beside it.
    assert [p.name for p in results.iterdir() if p.name.startswith(".")] == []


def test_report_output_option(
    example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "nested" / "bench.html"
    assert main(["report", "-C", str(example_copy), "-o", str(target)]) == 0
    assert f"report: {target.resolve()}" in capsys.readouterr().out
    assert parse(target.read_text(encoding="utf-8")).root.find("svg", "chart")
    assert not (example_copy / "benchmark_results" / "report.html").exists()

    # An existing report is replaced whole.
    target.write_text("old")
    assert main(["report", "-C", str(example_copy), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    assert main(["report", "-C", str(example_copy), "-o", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_report_without_current_results_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "-C", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path.resolve() / "benchmark_results" / "current.txt") in err
    assert "benchlens run" in err
    assert not (tmp_path / "benchmark_results" / "report.html").exists()


def test_report_without_baseline_says_how_to_save_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "benchmark_results"
    results.mkdir()
    shutil.copy(CUR, results / "current.txt")
    assert main(["report", "-C", str(tmp_path)]) == 0
    assert SAVE_BASELINE_HINT in capsys.readouterr().out
    doc = parse((results / "report.html").read_text(encoding="utf-8"))
    assert doc.root.find("p", "hint").all_text() == SAVE_BASELINE_HINT.replace("`", "")
    rows = [tr for tbody in doc.root.iter("tbody", "bench") for tr in tbody.iter("tr")]
    assert rows and {tr.attrs["class"] for tr in rows} == {"new"}


def test_compare_format_html_prints_the_page(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchlens", "compare", BASE, CUR, "--format", "html"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,  # a workspace without history
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("<!DOCTYPE html>")
    doc = parse(proc.stdout)
    assert_self_contained(doc, proc.stdout)
    assert len(doc.root.find("svg", "chart").iter("rect", "bar")) == 18
    assert f"{BASE} → {CUR}" == doc.root.find("p", "sources").all_text()


def test_compare_format_html_fails_on_regression_when_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["compare", str(BASE), str(CUR), "--format", "html", "--fail-on-regression"])
    assert code == 1
    assert capsys.readouterr().out.rstrip().endswith("</html>")
