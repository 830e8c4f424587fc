"""Go's sub-benchmark naming, reproduced so source expressions can be matched to result names.

`go test` does not print the string passed to `b.Run` verbatim: `testing.rewrite`
turns white space into `_` and escapes non-printable runes, and `testing.unique`
appends `#01`, `#02`, ... when a name repeats under the same parent. Every
pattern here therefore describes the *rewritten* name, so a result name can be
compared with it directly. Regexes use only the syntax shared by Python `re`
and Go RE2, so the same text serves for matching here and for `go test -bench`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# The one rule of what a benchmark name is, shared with the results reader and the runner.
from benchlens.results.grammar import is_benchmark_name

__all__ = [
    "ANY_ELEMENT",
    "decode_go_string",
    "go_quote_meta",
    "is_benchmark_name",
    "rewrite",
    "split_dedup_suffix",
    "sprintf_regex",
    "utf16_len",
]

#: What a name expression of unknown value (a table-driven `tc.name`) can produce:
#: any single element of the slash-separated path.
ANY_ELEMENT = "[^/]*"

_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000")
_SIMPLE_ESCAPES = {"\a": "\\a", "\b": "\\b"}


def _go_replace(err: UnicodeError) -> tuple[str, int]:
    """Decode invalid UTF-8 as Go's `range` over a string does: one U+FFFD per bad byte."""
    assert isinstance(err, UnicodeDecodeError)
    return "\ufffd" * (err.end - err.start), err.end


codecs.register_error("benchlens-go-replace", _go_replace)


def _is_space(ch: str) -> bool:
    """testing.isSpace: not Unicode's Z class but Go's own list (U+2000..U+200A included)."""
    return ch in _GO_SPACES or "\u2000" <= ch <= "\u200a"


def _is_print(ch: str) -> bool:
    """strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    return ch == " " or unicodedata.category(ch)[0] in "LMNPS"


def _quote_rune_body(ch: str) -> str:
    """strconv.QuoteRune(r) without the quotes, for a non-printable rune."""
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:  # not a valid rune: Go prints the replacement character
        code = 0xFFFD
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def rewrite(name: str) -> str:
    """testing.rewrite: the name `go test` prints for `b.Run(name, ...)`."""
    if name.isascii() and name.isprintable() and " " not in name:
        return name
    out: list[str] = []
    for ch in name:
        if _is_space(ch):
            out.append("_")
        elif not _is_print(ch):
            out.append(_quote_rune_body(ch))
        else:
            out.append(ch)
    return "".join(out)


_DEDUP = re.compile(r"#([0-9]{2,})")


def split_dedup_suffix(element: str) -> tuple[str, int] | None:
    """Split `name#01` into (`name`, 1): the suffix testing.unique adds to a repeated name."""
    i = element.rfind("#")
    if i < 0 or not _DEDUP.fullmatch(element, i):
        return None
    return element[:i], int(element[i + 1 :])


_META = frozenset("\\.+*?()|[]{}^$")


def go_quote_meta(text: str) -> str:
    """regexp.QuoteMeta: escapes valid in both Go RE2 and Python `re`."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


# --- Go string literals ------------------------------------------------------------------

_ESCAPES = {
    "a": 7,
    "b": 8,
    "f": 12,
    "n": 10,
    "r": 13,
    "t": 9,
    "v": 11,
    "\\": 92,
    "'": 39,
    '"': 34,
}


def _all_digits(text: str, base: int) -> bool:
    allowed = "01234567" if base == 8 else "0123456789abcdefABCDEF"
    return all(ch in allowed for ch in text)


def decode_go_string(literal: str) -> str | None:
    """The value of a Go string literal given with its quotes; None if malformed."""
    if len(literal) >= 2 and literal[0] == literal[-1] == "`":
        return literal[1:-1].replace("\r", "")
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        return None
    body = literal[1:-1]
    if "\\" not in body:
        return body
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch != "\\":
            out += ch.encode()
            i += 1
            continue
        esc = body[i + 1 : i + 2]
        if esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            i += 2
            continue
        width, base, start = {"x": (2, 16, 2), "u": (4, 16, 2), "U": (8, 16, 2)}.get(esc, (3, 8, 1))
        digits = body[i + start : i + start + width]
        if len(digits) != width or not _all_digits(digits, base):
            return None
        code = int(digits, base)
        if esc in ("u", "U"):
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            out += chr(code).encode()
        elif code > 0xFF:
            return None
        else:
            out.append(code)
        i += start + width
    return bytes(out).decode("utf-8", "benchlens-go-replace")


# --- fmt.Sprintf formats ------------------------------------------------------------------

_INT = "[-+]?[0-9]+"
_FLOAT = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+|NaN|Inf)"
_VERBS = {
    "d": _INT,
    "b": "[-+]?[01]+",
    "o": "[-+]?(?:0o?)?[0-7]+",
    "O": "[-+]?0o[0-7]+",
    "x": "[-+]?(?:0x)?[0-9a-f]+",
    "X": "[-+]?(?:0X)?[0-9A-F]+",
    "e": _FLOAT,
    "E": _FLOAT,
    "f": _FLOAT,
    "F": _FLOAT,
    "g": _FLOAT,
    "G": _FLOAT,
    "t": "(?:true|false)",
    "q": "(?:\"[^/]*\"|`[^/]*`|'[^/]*')",
    "U": "U\\+[0-9A-F]{4,}",
    "c": "[^/]+",
}
_VERB_RE = re.compile(
    r"%([-+# 0]*)(\[[0-9]+\])?([0-9]+|\*)?(?:\.([0-9]+|\*)?)?(\[[0-9]+\])?(.)?", re.S
)


def sprintf_regex(fmt: str) -> str:
    """A regex matching every rewritten name `fmt.Sprintf(fmt, ...)` can produce.

    The literal parts go through `rewrite`; each verb becomes a class of values,
    widened by `_` padding when a width is given (the spaces fmt pads with are
    rewritten to `_`). `%s`, `%v` and unknown verbs match any single path element.
    """
    parts: list[str] = []
    pos = 0
    for m in _VERB_RE.finditer(fmt):
        parts.append(go_quote_meta(rewrite(fmt[pos : m.start()])))
        pos = m.end()
        flags, _, width, _, _, verb = m.groups()
        if verb == "%":
            parts.append("%")
            continue
        if verb is None:  # a trailing lone '%': fmt prints %!(NOVERB)
            parts.append(go_quote_meta("%!(NOVERB)"))
            continue
        body = _VERBS.get(verb, ANY_ELEMENT)
        if width or " " in flags:
            body = f"_*{body}_*"
        parts.append(body)
    parts.append(go_quote_meta(rewrite(fmt[pos:])))
    return "".join(parts)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of LSP columns."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2
