"""The HTML report view: structure, chart, trends, self-containment and escaping, read
back with the standard library's HTML parser as a browser would tokenize it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from benchlens.compare import Comparison, Status, compare
from benchlens.config import Config, default_config
from benchlens.results.reader import load_results, load_text
from benchlens.trend import History
from benchlens.views.facts import SAVE_BASELINE_HINT, summary_line
from benchlens.views.html import (
    CLAMP_PCT,
    change_chart,
    chart_metrics,
    label_lines,
    render_html,
    sparkline_points,
    sparkline_range,
    wrap_points,
)
from benchlens.views.markdown import render_markdown
from tests.conftest import EXAMPLES
from tests.html_helpers import assert_self_contained, parse, rows_of, section

BASE = EXAMPLES / "benchmark_results" / "baseline.txt"
CUR = EXAMPLES / "benchmark_results" / "current.txt"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return default_config(tmp_path)


@pytest.fixture
def example(config: Config) -> Comparison:
    return compare(load_results(BASE), load_results(CUR), config)


@pytest.fixture
def history(tmp_path: Path) -> History:
    """Two archived baselines, so every benchmark has three points with the current run."""
    directory = tmp_path / "history"
    directory.mkdir()
    shutil.copy(BASE, directory / "20240101T000000Z-aaaaaaa.txt")
    shutil.copy(BASE, directory / "20240201T000000Z-bbbbbbb.txt")
    return History.load(directory)


def test_the_example_page_has_summary_tables_chart_trends_and_config(
    example: Comparison, history: History
) -> None:
    page = render_html(example, history=history)
    doc = parse(page)
    assert doc.decl == ["DOCTYPE html"]
    assert_self_contained(doc, page)
    body = doc.root.find("body")
    assert body.find("p", "summary").all_text() == summary_line(example)
    assert "2 regressions" in summary_line(example)
    assert SAVE_BASELINE_HINT not in body.all_text()

    assert section(doc, "changes").iter("table") == []  # the chart only
    results = section(doc, "results")
    tables = results.iter("table", "results")
    headers = [th.all_text() for th in tables[0].find("thead").iter("th")]
    assert headers == ["Benchmark", "Metric", "Baseline", "Current", "Change", "p, n", "Status"]

    # One table per package, under its full import path: the changed packages first
    # (regressions, then improvements), changed rows only, each closed by its geomeans.
    details = results.find("details")
    folded = details.iter("table", "results")
    changed = [t for t in tables if t not in folded]
    packages = [h.all_text() for h in results.iter("h3", "package")]
    assert packages[:2] == [
        "example.com/eventpipe/kafka/handler",
        "example.com/eventpipe/storage/log",
    ]
    handler, log = changed
    names = [g.find("th", "name").all_text() for g in handler.iter("tbody")]
    assert names == ["Produce/small-2", "Produce/large-2", "geomean"]
    names = [g.find("th", "name").all_text() for g in log.iter("tbody")]
    assert names == ["Append/size=64-2", "Append/size=1024-2", "Append/size=4096-2", "geomean"]
    groups = handler.iter("tbody") + log.iter("tbody")
    assert [g.classes - {"bench"} for g in groups] == [{"regression"}] * 2 + [{"geomean"}] + [
        {"improvement"}
    ] * 3 + [{"geomean"}]
    rows = rows_of(handler)
    assert len(rows) == 3 + 3 + 3  # one row per metric, and a geomean per unit
    first = [td.all_text() for td in rows[0].iter("td")]
    assert first == [
        "ns/op",
        "354ns ± 2%",
        "853ns ± 69%",
        "+141.3%",
        "p=0.002 n=6+6",
        "🔴 Regression",
    ]
    geomean = [td.all_text() for td in rows[6].iter("td")]
    assert geomean == ["ns/op", "151ns", "252ns", "+66.8%", "", ""]

    # The unchanged ones are folded away, with their count, grouped by package too.
    assert details.find("summary").all_text() == "12 unchanged"
    assert sum(len([g for g in t.iter("tbody") if "ok" in g.classes]) for t in folded) == 12
    assert {tr.attrs["class"] for t in folded for tr in rows_of(t)} == {"ok", "geomean"}

    # What was compared and how.
    facts = dict(
        zip(
            [dt.all_text() for dt in doc.root.iter("dt")],
            [dd.all_text() for dd in doc.root.iter("dd")],
            strict=True,
        )
    )
    assert facts["thresholds"].startswith("latency +20% · throughput −10%")
    assert "α = 0.05" in facts["test"] and "n = 6+6" in facts["test"]
    assert facts["baseline"].startswith(str(BASE))

    cells = {
        tr.find("th").all_text(): [td.all_text() for td in tr.iter("td")]
        for tr in section(doc, "configuration").find("tbody").iter("tr")
    }
    assert cells["cpu"] == ["AMD EPYC", "AMD EPYC"]
    assert cells["goos/goarch"] == ["linux/amd64", "linux/amd64"]
    assert cells["GOMAXPROCS"] == ["2", "2"]
    assert cells["results"] == [str(BASE), str(CUR)]


def test_the_chart_has_one_bar_per_changed_metric(example: Comparison) -> None:
    doc = parse(render_html(example))
    svg = doc.root.find("svg", "chart")
    bars = svg.iter("rect", "bar")
    changed = [
        m
        for b in example.benchmarks
        for m in b.metrics
        if m.status in (Status.REGRESSION, Status.IMPROVEMENT)
    ]
    assert len(bars) == len(changed) == 18
    assert sum("regression" in r.classes for r in bars) == 6
    assert sum("improvement" in r.classes for r in bars) == 12

    zero = float(svg.find("line", "zero").attrs["x1"])
    labels = [t.all_text() for t in svg.iter("text", "label")]
    values = [t.all_text() for t in svg.iter("text", "value")]
    assert labels[0] == "kafka/handler.Produce/small-2 · ns/op"
    assert values[:2] == ["+141.3%", "+∞%"]
    assert "×7,685" in values  # B/op of Produce/large: +768376 %
    for rect, value in zip(bars, values, strict=True):
        x, width = float(rect.attrs["x"]), float(rect.attrs["width"])
        if value.startswith(("+", "×")):
            assert x == pytest.approx(zero)  # increases grow right of zero
        else:
            assert x + width == pytest.approx(zero, abs=0.11)  # decreases grow left

    # Huge changes are clamped to the axis and marked with an arrowhead; the label keeps
    # the real number.
    rows = svg.iter("g", "row")
    clamped = [g for g in rows if "clamped" in g.classes]
    assert {g.find("text", "value").all_text() for g in clamped} >= {"×7,685", "+∞%", "+394.1%"}
    assert all(g.iter("polygon", "arrow") for g in clamped)
    widths = {float(g.find("rect").attrs["width"]) for g in clamped}
    assert len(widths) == 1  # all at the axis end
    small = next(g for g in rows if g.find("text", "value").all_text() == "+141.3%")
    assert "clamped" not in small.classes
    assert float(small.find("rect").attrs["width"]) < widths.pop()
    # Every bar's tooltip names its benchmark and metric in full.
    assert svg.find("g", "row").find("title").all_text().startswith("kafka/handler.Produce/small-2")


def test_chart_geometry_clamps_and_shares_one_scale(example: Comparison) -> None:
    chart = change_chart(example)
    assert chart is not None
    items = chart_metrics(example)
    assert len(chart.bars) == len(items)
    by_change = {bar.change: bar for bar in chart.bars}
    # −100 % and +100 % would be equally long: one percent is as wide on both sides.
    minus_100 = by_change["−100.0%"].width
    plus_141 = by_change["+141.3%"].width
    assert plus_141 / minus_100 == pytest.approx(1.413, rel=0.01)
    assert by_change["×7,685"].width / minus_100 == pytest.approx(CLAMP_PCT / 100, rel=0.01)
    assert chart.ticks[0].label == "−100%" and chart.ticks[-1].label == "+200%"
    assert any(t.label == "0" and t.x == chart.zero_x for t in chart.ticks)


def test_trends_draw_a_sparkline_per_metric_with_first_and_last_values(
    example: Comparison, history: History
) -> None:
    doc = parse(render_html(example, history=history))
    trends = section(doc, "trends")
    sparks = trends.iter("svg", "spark")
    assert len(sparks) == sum(len(b.metrics) for b in example.benchmarks)
    for svg in sparks:
        points = svg.find("polyline").attrs["points"].split()
        assert len(points) == 3  # two archived runs and the current one
        assert svg.find("circle")
    first_row = trends.find("table", "trends").find("tbody").find("tr")
    cells = [td.all_text() for td in first_row.iter("td")]
    assert cells[0] == "ns/op"
    assert cells[2:] == ["354ns", "853ns", "3"]
    # Produce/small ns/op: flat, then up.
    xy = [
        tuple(map(float, p.split(","))) for p in sparks[0].find("polyline").attrs["points"].split()
    ]
    assert xy[0][1] == xy[1][1] > xy[2][1]
    # Unchanged benchmarks' trends are folded away like their table rows.
    assert trends.find("details").find("summary").all_text() == "12 unchanged"


def test_without_history_the_page_says_where_trends_come_from(example: Comparison) -> None:
    trends = section(parse(render_html(example)), "trends")
    assert trends.iter("svg") == []
    assert "benchlens save-baseline" in trends.all_text()


def test_no_baseline_shows_every_benchmark_as_new_and_how_to_save_one(config: Config) -> None:
    comparison = compare(None, load_results(CUR), config)
    page = render_html(comparison)
    doc = parse(page)
    assert_self_contained(doc, page)
    hint = doc.root.find("p", "hint")
    assert hint.all_text() == SAVE_BASELINE_HINT.replace("`", "")
    assert hint.find("code").all_text() == "benchlens save-baseline"
    assert doc.root.iter("svg", "chart") == []
    rows = rows_of(doc.root.find("table", "results"))
    assert rows and {tr.attrs["class"] for tr in rows} == {"new"}
    assert all(tr.iter("td")[1].all_text() == "—" for tr in rows)  # no baseline value
    assert "(no baseline)" in doc.root.find("p", "sources").all_text()


HOSTILE = "BenchmarkX/<script>alert('x')</script>\"`${1}`&amp;"


def hostile_comparison(config: Config) -> Comparison:
    header = (
        "pkg: example.com/<script>evil()</script>\n"
        'cpu: <img src=x onerror=alert(1)> "quoted" `tick`\n'
        "commit: </td></tr></table><script>alert(2)</script>\n"
    )
    base = header + "".join(f"{HOSTILE}-4 100 {v} ns/op\n" for v in (100, 101, 100, 102))
    base += "BenchmarkLow 100 100 ns/op\nBenchmarkLow 100 102 ns/op\n"
    cur = header + "".join(f"{HOSTILE}-8 100 {v} ns/op\n" for v in (200, 201, 200, 202))
    cur += "BenchmarkLow 100 150 ns/op\nBenchmarkLow 100 152 ns/op\n"
    return compare(load_text(base, "base.txt"), load_text(cur, "cur.txt"), config)


def test_hostile_names_and_config_values_are_escaped_everywhere(
    config: Config, tmp_path: Path
) -> None:
    comparison = hostile_comparison(config)
    directory = tmp_path / "hostile-history"
    directory.mkdir()
    (directory / "20240101T000000Z-x.txt").write_text(
        "pkg: example.com/<script>evil()</script>\n" + f"{HOSTILE}-4 100 90 ns/op\n"
    )
    page = render_html(comparison, history=History.load(directory))
    doc = parse(page)
    assert_self_contained(doc, page)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    # The hostile text reaches the reader intact, as text: table, chart label, tooltip,
    # sparkline tooltip and configuration.
    text = doc.root.all_text()
    assert "X/<script>alert('x')</script>\"`${1}`&amp;-8" in text
    chart = doc.root.find("svg", "chart")
    assert "X/<script>alert" in chart.find("text", "label").all_text()  # wrapped
    assert "X/<script>alert('x')</script>" in chart.find("g", "row").find("title").all_text()
    assert doc.root.iter("svg", "spark")
    assert '<img src=x onerror=alert(1)> "quoted" `tick`' in text
    assert "</td></tr></table><script>alert(2)</script>" in text


def test_low_confidence_and_gomaxprocs_notes_match_the_markdown(config: Config) -> None:
    comparison = hostile_comparison(config)
    doc = parse(render_html(comparison))
    footnotes = [li.all_text() for li in doc.root.find("ol", "footnotes").iter("li")]
    low = "too few samples to test at α=0.05; decided by the threshold alone"
    assert any(f.startswith(low) for f in footnotes)  # BenchmarkLow: two samples per side
    markdown = render_markdown(comparison)
    assert low in markdown
    notes = " ".join(p.all_text() for p in doc.root.iter("p", "config-note"))
    assert "GOMAXPROCS differs: baseline 4, current 8" in notes
    assert "GOMAXPROCS differs: baseline 4, current 8" in markdown
    low_bench = next(
        tbody
        for table in doc.root.iter("table", "results")
        for tbody in table.iter("tbody")
        if tbody.find("th", "name").all_text() == "Low"
    )
    number = next(i for i, f in enumerate(footnotes, start=1) if f.startswith(low))
    # The footnote mark sits in the p, n cell of the low-confidence row.
    pn = low_bench.find("tr").iter("td")[4]
    (sup,) = pn.iter("sup", "fn")
    assert str(number) in sup.all_text().split(",")


def test_the_same_input_gives_the_same_page(example: Comparison, history: History) -> None:
    assert render_html(example, history=history) == render_html(example, history=history)
    stamped = render_html(example, generated="2024-03-01 12:00 UTC")
    assert "generated 2024-03-01 12:00 UTC" in parse(stamped).root.find("footer").all_text()


def test_sparkline_points_fill_the_box_and_keep_a_constant_series_flat() -> None:
    points = sparkline_points([1.0, 3.0, 2.0], width=100, height=20)
    assert [x for x, _ in points] == [3.0, 50.0, 97.0]
    assert [y for _, y in points] == [17.0, 3.0, 10.0]  # highest on top
    assert {y for _, y in sparkline_points([5.0, 5.0, 5.0], width=100, height=20)} == {10.0}


def test_long_labels_wrap_at_separators_never_mid_word() -> None:
    assert label_lines("short") == ("short",)
    name = "github.com/cespare/xxhash/v2.Sum64String/size=1048576-8 · ns/op"
    lines = label_lines(name, 24)
    assert all(len(line) <= 24 for line in lines)
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    words = {w for w in re.split(r"[/.=, ·_-]+", name) if w}
    for line in lines:  # every word of every line is a whole word of the name
        assert {w for w in re.split(r"[/.=, ·_-]+", line) if w} <= words
    # A unit given as the tail stays whole; only a single word longer than a line is
    # split; very long names keep both ends.
    assert label_lines("kafka/handler.Produce/small-2", 32, " · allocs/op") == (
        "kafka/handler.Produce/small-2",
        "· allocs/op",
    )
    assert label_lines("a" * 30, 24) == ("a" * 24, "a" * 6)
    many = label_lines("/".join(["segment"] * 30), 24)
    assert len(many) == 3 and many[1] == "…" and many[0].startswith("segment/")


def test_sparklines_have_a_floor_so_small_moves_stay_flat() -> None:
    lo, hi = sparkline_range([100.0, 100.1])
    assert (lo, hi) == pytest.approx((100.05 * 0.95, 100.05 * 1.05))
    points = sparkline_points([100.0, 100.1], width=100, height=20)
    assert abs(points[0][1] - points[1][1]) < 0.2  # a 0.1 % move: nearly flat
    steep = sparkline_points([100.0, 200.0], width=100, height=20)
    assert (steep[0][1], steep[1][1]) == (17.0, 3.0)  # a 2× move fills the box


def test_trend_rows_label_the_minimum_and_maximum(example: Comparison, tmp_path: Path) -> None:
    directory = tmp_path / "h"
    directory.mkdir()
    shutil.copy(CUR, directory / "20240101T000000Z-aaaaaaa.txt")
    shutil.copy(BASE, directory / "20240201T000000Z-bbbbbbb.txt")
    trends = section(parse(render_html(example, history=History.load(directory))), "trends")
    first = trends.find("td", "sparkcell")
    assert first.find("span", "max").all_text() == "max 853ns"
    assert first.find("span", "min").all_text() == "min 354ns"


def test_table_names_may_wrap_at_slashes_but_read_the_same(example: Comparison) -> None:
    assert wrap_points("storage/log.Append/size=4096-2") == (
        "storage/",
        "log.",
        "Append/",
        "size=4096-2",
    )
    assert max(map(len, wrap_points("x/" + "a" * 100))) == 24
    name = parse(render_html(example)).root.find("th", "name")
    assert len(name.iter("wbr")) == 1
    assert name.all_text() == "Produce/small-2"
