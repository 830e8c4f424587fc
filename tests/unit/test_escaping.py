"""Untrusted text in every output (issue 10, items 3 and 4): the PR comment rendered by
GitHub's own markdown renderer (cmark-gfm) shows hostile names as text, and terminals and
CI logs get control characters escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from benchlens.compare import Comparison, compare
from benchlens.config import Config, default_config
from benchlens.results.reader import load_text
from benchlens.views.escape import md_code, md_text, visible
from benchlens.views.hover import hover_markdown
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text

EVIL_UNIT = "<img/src=x/onerror=alert(2)>|u"
LINK = "[click](https://evil.example)"
IMAGE = "![t](https://evil.example/t.png)"
MENTION = "@octocat"
TERMINAL = "\x1b[31mRed\x1b]0;pwned\x07"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return default_config(tmp_path)


def events(package: str, lines: list[str]) -> str:
    """`go test -json` output: the way a package path with a `\\r` reaches us."""
    return "".join(
        json.dumps({"Action": "output", "Package": package, "Output": line + "\n"}) + "\n"
        for line in lines
    )


def hostile(config: Config) -> Comparison:
    names = [f"Benchmark{LINK}", f"Benchmark{IMAGE}", f"Benchmark{MENTION}", f"Benchmark{TERMINAL}"]
    unit = f"Unit {EVIL_UNIT} better=lower"

    def side(value: float) -> str:
        lines = [unit] + [f"{n} 100 {value + i} {EVIL_UNIT}" for n in names for i in range(4)]
        return events("example.com/a\rb|c", lines)

    base = load_text(side(100), "base.json")
    cur = load_text(side(200), "cur.json")
    return compare(base, cur, config)


def github_html(markdown: str) -> str:
    """The markdown as GitHub renders it (cmark-gfm with its extensions); raw HTML is let
    through so that any tag we failed to escape would show up."""
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


def assert_inert(html: str) -> None:
    assert "<a " not in html and "<a>" not in html, "a link or an autolink"
    assert "<img" not in html, "an image or a raw tag"
    assert "<script" not in html
    # A mention is `@` directly before a letter in text: the word joiner prevents it.
    assert not re.search(r"@[A-Za-z0-9]", re.sub(r"<code>.*?</code>", "", html))


def test_every_markdown_cell_is_escaped(config: Config) -> None:
    comparison = hostile(config)
    assert len(comparison.benchmarks) == 4
    markdown = render_markdown(comparison)
    html = github_html(markdown)
    assert_inert(html)
    # Every row keeps its six cells: the `|` of the unit and the `\r` of the package
    # split nothing, in the header, the changed rows or the folded ones.
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    assert len(rows) > 4
    for row in rows:
        assert len(re.findall(r"<t[hd][ >]", row)) == 6, row
    # The hostile text is there, verbatim, as text.
    text = re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&amp;", "&").replace("&quot;", '"').replace("\u2060", "")
    assert LINK in text and IMAGE in text and MENTION in text
    assert EVIL_UNIT in text  # next to the values too, not just in the Metric cell
    assert "example.com/a\\rb|c" in text  # the package, `\r` shown escaped


def test_the_hover_escapes_the_same_way(config: Config) -> None:
    for bench in hostile(config).benchmarks:
        assert_inert(github_html(hover_markdown(bench)))


def test_markdown_text_and_code_helpers() -> None:
    assert md_text("a*b_c`d[e]f<g|h~i&j") == "a\\*b\\_c\\`d\\[e\\]f\\<g\\|h\\~i\\&j"
    assert md_text("see https://x.example and www.x.example") == (
        "see https\\://x.example and www\\.x.example"
    )
    assert md_text("@octocat") == "@\u2060octocat"
    assert md_text("plain words (p=0.002 n=6+6) >= 4") == "plain words (p=0.002 n=6+6) >= 4"
    assert md_code("a|b") == "`a\\|b`"
    assert md_code("x`y") == "``x`y``"
    assert md_code("`edge`") == "`` `edge` ``"
    assert md_code("") == ""
    for text in (LINK, IMAGE, "`", "``a``", "a\\|b", "<b>x</b>"):
        assert_inert(github_html(f"| h |\n| --- |\n| {md_code(text)} |\n"))
        assert_inert(github_html(md_text(text)))


def test_control_characters_are_shown_escaped() -> None:
    assert visible(TERMINAL) == "\\x1b[31mRed\\x1b]0;pwned\\x07"
    assert visible("a\rb\nc\td\x7fe\x9bf") == "a\\rb\\nc\\td\\x7fe\\x9bf"
    assert visible("\u202eevil\u2066") == "\\u202eevil\\u2066"  # bidi overrides
    assert visible("\ud800") == "\\ud800"  # a lone surrogate cannot even be printed
    assert visible("Produce/size=4µs-2 ±∞ 日本") == "Produce/size=4µs-2 ±∞ 日本"


def test_the_text_table_shows_control_characters_escaped(config: Config) -> None:
    text = f"pkg: example.com/{TERMINAL}\n" + "".join(
        f"Benchmark{TERMINAL}/x 100 {v} ns/op\n" for v in (1, 2, 3, 4)
    )
    comparison = compare(load_text(text, "b.txt"), load_text(text, "c.txt"), config)
    out = render_text(comparison)
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mRed\\x1b]0;pwned\\x07/x" in out
    assert "pkg: example.com/\\x1b[31mRed" in out
    out.encode("utf-8")  # nothing unprintable: a lone surrogate would raise here
    coloured = render_text(comparison, color=True)
    assert "\x07" not in coloured and "\x1b]" not in coloured  # only our own colour codes
