"""The tables a benchstat user expects, in every view: ± spread, geomean rows, grouping under
the package, changed rows first, footnotes for what the statistics warn about, notes for
machines that differ, and what each report decided by (thresholds, alpha, n, commits)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from benchlens.compare import Comparison, compare
from benchlens.config import Config, default_config
from benchlens.results.reader import load_results, load_text
from benchlens.views.facts import benchmark_message
from benchlens.views.hover import hover_markdown
from benchlens.views.html import render_html
from benchlens.views.json_view import render_json
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text, use_color
from tests.conftest import EXAMPLES
from tests.html_helpers import parse

BASE = EXAMPLES / "benchmark_results" / "baseline.txt"
CUR = EXAMPLES / "benchmark_results" / "current.txt"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return default_config(tmp_path)


def lines(name: str, values: list[float], unit: str = "ns/op") -> str:
    return "".join(f"{name} 1000 {v} {unit}\n" for v in values)


def comparison_of(base: str, cur: str, config: Config) -> Comparison:
    return compare(load_text(base, "base.txt"), load_text(cur, "cur.txt"), config)


@pytest.fixture
def example(config: Config) -> Comparison:
    return compare(load_results(BASE), load_results(CUR), config)


def html_text(page: str) -> str:
    return re.sub(r"\s+", " ", parse(page).root.all_text())


# --- the table -------------------------------------------------------------------------


def test_text_table_has_spread_geomean_and_packages_with_changes_first(
    example: Comparison,
) -> None:
    text = render_text(example)
    out = text.splitlines()
    # Grouped under the full package path, packages with regressions first, then
    # improvements, then the rest.
    packages = [ln for ln in out if ln.startswith("pkg: ")]
    assert packages == [
        "pkg: example.com/eventpipe/kafka/handler",
        "pkg: example.com/eventpipe/storage/log",
        "pkg: example.com/eventpipe/mempool",
        "pkg: example.com/eventpipe/throttle",
    ]
    rows = [ln for ln in out if ln.startswith(("Produce", "Validate", "RecordSize", "geomean"))]
    # Within the package: regressions first, unchanged after, the geomean last.
    assert [r.split()[0] for r in rows[:6]] == [
        "Produce/small-2",
        "Produce/large-2",
        "Validate/batch/strict-2",
        "Validate/batch/lenient-2",
        "RecordSize-2",
        "geomean",
    ]
    first = rows[0]
    assert re.search(r"354ns ± 2%\s+853ns ± 69%\s+\+141\.3%\s+p=0\.002 n=6\+6", first), first
    geomean = rows[5]
    assert re.search(r"geomean\s+ns/op\s+151ns\s+252ns\s+\+66\.8%", geomean), geomean
    # Columns line up: every row of the table puts its Change column in the same place.
    header = next(ln for ln in out if ln.startswith("Benchmark"))
    change_end = header.index("Change") + len("Change")
    for row in rows[:5]:
        assert row[:change_end].rstrip()[-1] in "%5", row
    assert "\x1b[" not in text  # no colour unless asked


def test_only_changed_leaves_the_unchanged_out(example: Comparison) -> None:
    text = render_text(example, only_changed=True)
    assert "Validate/batch" not in text and "pkg: example.com/eventpipe/mempool" not in text
    assert "Produce/small-2" in text and "Append/size=64-2" in text
    markdown = render_markdown(example, only_changed=True)
    assert "unchanged" not in markdown and "Validate" not in markdown
    assert "`Produce/small-2`" in markdown


def test_a_v2_module_reads_under_its_package_not_as_a_v2_prefix(config: Config) -> None:
    pkg = "pkg: github.com/cespare/xxhash/v2\n"
    base = pkg + lines("BenchmarkSum64/4B-2", [10, 10.1, 10.2, 10, 10.1, 10])
    cur = pkg + lines("BenchmarkSum64/4B-2", [20, 20.1, 20.2, 20, 20.1, 20])
    comparison = comparison_of(base, cur, config)
    text = render_text(comparison)
    assert "pkg: github.com/cespare/xxhash/v2" in text
    assert "\nSum64/4B-2 " in text and "v2." not in text
    markdown = render_markdown(comparison)
    assert "#### `github.com/cespare/xxhash/v2`" in markdown
    assert "| `Sum64/4B-2` |" in markdown and "v2." not in markdown
    page = parse(render_html(comparison)).root
    assert page.find("h3", "package").all_text() == "github.com/cespare/xxhash/v2"
    assert page.find("th", "name").all_text() == "Sum64/4B-2"
    label = page.find("svg", "chart").find("g", "row").find("title").all_text()
    assert label.startswith("xxhash/v2.Sum64/4B-2")


def test_markdown_table_has_spread_geomean_and_unchanged_folded(example: Comparison) -> None:
    markdown = render_markdown(example)
    assert (
        "| `Produce/small-2` | `ns/op` | `354ns ± 2%` | `853ns ± 69%` "
        "| +141.3% (p=0.002 n=6+6) | 🔴 Regression |"
    ) in markdown
    assert "| geomean | `ns/op` | `151ns` | `252ns` | +66.8% |  |" in markdown
    changed, folded = markdown.split("<details><summary>12 unchanged</summary>")
    assert "Validate" not in changed and "Validate" in folded


# --- footnotes: what the statistics warn about (issue 13, item 2) ----------------------


def footnotes_of(text: str) -> dict[str, str]:
    """`¹ text` lines → {mark: text}."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+) (.*?)\s*$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_a_three_sample_comparison_gets_benchstats_footnotes(config: Config) -> None:
    comparison = comparison_of(
        lines("BenchmarkSmall", [100, 101, 102]), lines("BenchmarkSmall", [150, 151, 152]), config
    )
    for text in (render_text(comparison), render_markdown(comparison)):
        notes = footnotes_of(text)
        assert "need >= 6 samples for confidence interval at level 0.95" in notes.values()
        assert "need >= 4 samples to detect a difference at alpha level 0.05" in notes.values()
        assert any(n.startswith("too few samples to test at α=0.05") for n in notes.values())
        row = next(ln for ln in text.splitlines() if "Small" in ln)
        assert all(mark in row for mark in notes), row  # every footnote is referenced
    page = render_html(comparison)
    items = [li.all_text() for li in parse(page).root.find("ol", "footnotes").iter("li")]
    assert "need >= 6 samples for confidence interval at level 0.95" in items
    assert "± ∞" in render_text(comparison)  # benchstat's spread of a 3-sample median
    # In the editor: the hover's footnotes, and the diagnostic says what decided it.
    hover = hover_markdown(comparison.benchmarks[0])
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in hover
    message = benchmark_message(comparison.benchmarks[0])
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in message
    assert "low confidence: run with -count=4 or more" in message


def test_a_sample_with_an_outlier_gets_a_footnote(config: Config) -> None:
    base = lines("BenchmarkSpiky", [100, 101, 99, 100, 102, 100, 101, 500])
    cur = lines("BenchmarkSpiky", [100, 101, 99, 100, 102, 100, 101, 100])
    comparison = comparison_of(base, cur, config)
    expected = "outliers in the baseline (beyond 3×IQR): a noisy run, or a noisy machine"
    assert expected in footnotes_of(render_text(comparison)).values()
    markdown = render_markdown(comparison)
    assert "outliers in the baseline (beyond 3×IQR)" in markdown
    assert expected in html_text(render_html(comparison))
    assert "outliers in the baseline" in hover_markdown(comparison.benchmarks[0])


def test_the_noise_that_decided_an_ok_verdict_is_said(example: Comparison) -> None:
    text = render_text(example)
    notes = footnotes_of(text)
    wide = next(k for k, v in notes.items() if v.startswith("the spread is wider than the change"))
    row = next(ln for ln in text.splitlines() if ln.startswith("Alloc/without_pool-2"))
    assert wide in row and "✅ OK" in row


# --- configuration differences and report facts (issue 9.3, issue 14.4) ---------------


def differing(config: Config) -> Comparison:
    head = "goos: linux\ngoarch: amd64\npkg: example.com/m\n"
    base = head + "cpu: Intel Xeon\ncommit: aaaaaaa\n" + lines("BenchmarkA-2", [100] * 6)
    cur = head + "cpu: AMD EPYC\ncommit: bbbbbbb\n" + lines("BenchmarkA-4", [100] * 6)
    return comparison_of(base, cur, config)


def test_configuration_differences_are_noted_in_every_format(config: Config) -> None:
    comparison = differing(config)
    cpu = "cpu differs: baseline Intel Xeon, current AMD EPYC"
    procs = "GOMAXPROCS differs: baseline 2, current 4"
    for text in (render_text(comparison), render_markdown(comparison)):
        assert cpu in text and procs in text
    page = html_text(render_html(comparison))
    assert cpu in page and procs in page
    notes = json.loads(render_json(comparison))["notes"]
    assert any(n.startswith(cpu) for n in notes) and any(n.startswith(procs) for n in notes)
    assert cpu in hover_markdown(comparison.benchmarks[0])


def test_every_report_states_thresholds_alpha_samples_and_commits(config: Config) -> None:
    comparison = differing(config)
    text = render_text(comparison)
    assert "baseline: base.txt · commit aaaaaaa" in text
    assert "current: cur.txt · commit bbbbbbb" in text
    assert "thresholds: latency +20% · throughput −10% · allocations +15%" in text
    assert "Mann-Whitney U, α = 0.05; samples n = 6+6" in text
    markdown = render_markdown(comparison)
    assert "- **baseline**: base.txt · commit aaaaaaa" in markdown
    assert "- **thresholds**: latency +20%" in markdown
    assert "α = 0.05; samples n = 6+6" in markdown
    page = html_text(render_html(comparison))
    assert "commit aaaaaaa" in page and "commit bbbbbbb" in page
    assert "latency +20%" in page and "α = 0.05" in page and "n = 6+6" in page


# --- colour ---------------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(example: Comparison) -> None:
    assert use_color(Tty(), {}) is True
    assert use_color(Tty(), {"NO_COLOR": "1"}) is False
    assert use_color(io.StringIO(), {}) is False
    coloured = render_text(example, color=True)
    assert "\x1b[1;31m" in coloured  # regressions in bold red
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_text(example)


def test_a_huge_table_renders_as_plain_lines(config: Config) -> None:
    base = "pkg: example.com/big\n" + "".join(
        lines(f"BenchmarkB{i}", [100, 101, 102, 100, 101, 99]) for i in range(300)
    )
    comparison = comparison_of(base, base, config)
    text = render_text(comparison)
    assert sum(1 for ln in text.splitlines() if ln.startswith("B")) == 300 + 1  # + header


def test_full_commits_are_shortened_and_their_marks_kept(config: Config) -> None:
    sha = "26f2eab31be73e2fceb3b4f9adaf3abac9ec6a25"
    base = f"commit: {sha} (modified)\n" + lines("BenchmarkA", [1, 2, 3, 4])
    comparison = comparison_of(base, lines("BenchmarkA", [1, 2, 3, 4]), config)
    assert "baseline: base.txt · commit 26f2eab31be7 (modified)" in render_text(comparison)


def test_the_pr_comment_stays_under_githubs_limit(config: Config) -> None:
    def side(slow: float) -> str:
        out = []
        for p in range(30):
            out.append(f"pkg: example.com/big/package{p}\n")
            for b in range(25):
                factor = slow if b == 0 else 1.0
                out.append(
                    lines(
                        f"BenchmarkOp{b}/size=4096",
                        [v * factor for v in (100, 101, 102, 100, 101, 99)],
                    )
                )
        return "".join(out)

    comparison = comparison_of(side(1.0), side(2.0), config)
    full = render_markdown(comparison, max_chars=None)
    assert len(full) > 65_536
    capped = render_markdown(comparison)
    assert len(capped) <= 60_000
    # The changed benchmarks come first and all fit; unchanged ones are left out, said so.
    assert capped.count("🔴 Regression") == full.count("🔴 Regression") == 30
    assert "unchanged benchmarks in" in capped and "left out to keep this under GitHub's" in capped
    # Every footnote mark in the comment has its footnote, and no footnote is orphaned.
    notes = footnotes_of(capped)
    body = capped[: capped.rindex("</details>")]
    for mark in notes:
        assert mark in body
    # Tight: even the changed tables are cut, whole packages at a time.
    tight = render_markdown(comparison, max_chars=8_000)
    assert len(tight) <= 8_000
    assert "changed benchmarks in" in tight and tight.count("#### ") >= 1


def test_the_runs_provenance_is_shown_in_every_view(config: Config) -> None:
    head = "goos: linux\ngoarch: amd64\npkg: example.com/m\nbenchlens: 0.1.0\n"
    base = head + "commit: aaaaaaa\ngoversion: go1.24.1\n" + lines("BenchmarkA", [100] * 6)
    cur = (
        head + "commit: bbbbbbb (modified)\ngoversion: go1.25.0\n" + lines("BenchmarkA", [100] * 6)
    )
    comparison = comparison_of(base, cur, config)
    text = render_text(comparison)
    assert "baseline: base.txt · commit aaaaaaa · goversion go1.24.1 · benchlens 0.1.0" in text
    assert "current: cur.txt · commit bbbbbbb (modified) · goversion go1.25.0" in text
    assert "goversion differs: baseline go1.24.1, current go1.25.0" in text
    assert "commit bbbbbbb (modified)" in render_markdown(comparison)
    page = parse(render_html(comparison)).root
    rows = {
        tr.find("th").all_text(): [td.all_text() for td in tr.iter("td")]
        for tr in page.find("table", "config").find("tbody").iter("tr")
    }
    assert rows["Go"] == ["go1.24.1", "go1.25.0"]
    assert rows["commit"] == ["aaaaaaa", "bbbbbbb (modified)"]
    hover = hover_markdown(comparison.benchmarks[0])
    assert "goversion go1.25.0" in hover and "commit bbbbbbb (modified)" in hover
    assert "goversion differs" in hover
