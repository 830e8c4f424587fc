"""Untrusted text made harmless for each output: terminals, CI logs and GitHub markdown.

Benchmark names, packages, units and configuration values come from results files
that anyone can write (a pull request from a fork, a hostile repository). A name
with `ESC[31m` or `ESC]0;title BEL` must not drive the reader's terminal, a `\\r` in a
package must not split a markdown row, and `[click](https://evil.example)`,
`![t](x)`, `<img onerror=...>` or `@octocat` must not become a link, an image, HTML or
a mention in the PR comment. Every view passes untrusted text through one of these.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidirectional overrides and isolates ("Trojan Source"),
# and lone surrogates (which cannot even be encoded for stdout).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\r`, `\\u202e`):
    what a terminal, a CI log or a table cell may print."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _UNSAFE.sub(_escape_char, text)


# --- GitHub-flavoured markdown ----------------------------------------------------------

# Characters with a meaning in GFM inline text or table rows; a backslash before ASCII
# punctuation always stands for the character itself. `(`, `)` and `!` need none once
# `[` is escaped (no link or image can start), `>` none once `<` is (no tag can start;
# a quote needs `>` at a line start, never ours), `#` neither (line starts are ours).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|~&])")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")
# A word joiner after `@` keeps GitHub from reading a mention (or an e-mail autolink);
# it is invisible when rendered.
_WORD_JOINER = "\u2060"


def md_text(text: str) -> str:
    """Plain text for a GFM paragraph or table cell: no emphasis, link, image, HTML,
    autolink, mention or row break can come out of it."""
    text = visible(text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\:" + m.group()[1:] if m.group() == "://" else "www\\.", text)
    return text.replace("@", "@" + _WORD_JOINER)


def md_code(text: str, in_table: bool = True) -> str:
    """`text` as a GFM code span (in a table cell, or elsewhere: a heading, a line): shown
    verbatim in a monospace font (nothing inside a code span is a link, a mention or HTML)."""
    text = visible(text)
    if not text:
        return ""
    if in_table:
        text = text.replace("|", "\\|")  # GFM splits rows on `|` even inside code spans
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
