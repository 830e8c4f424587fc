"""What a folder shows of an explanation (`benchlens explain`, run from the editor by
`lsp/explain.py`): information diagnostics and hovers on the lines of the non-test Go
files where the regression's cost grew, and links from the benchmark's hover. Forgotten
when one of those files changes (that file's lines only) or new results arrive."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from benchlens.explain.model import Explanation, LineChange
from benchlens.lsp import convert
from benchlens.views.explain import line_hover_markdown, line_message

#: Diagnostic code of a line where a regression's cost grew.
CODE = "why"

#: The quantities whose growth is shown on a line, with their unit per op.
SHOWN = (("cpu", "ns/op"), ("alloc_space", "B/op"), ("alloc_objects", "allocs/op"))


@dataclass(frozen=True)
class WhyLine:
    """One source line where the benchmark's cost grew: 0-based `line`."""

    path: Path
    line: int
    messages: tuple[str, ...]
    hover: str


@dataclass
class Why:
    """What a folder shows of its latest explanation."""

    explanation: Explanation
    lines: dict[Path, list[WhyLine]] = field(default_factory=dict)
    #: The text of each file when it was explained: an edit that changes it forgets its lines.
    digests: dict[Path, str] = field(default_factory=dict)

    def forget_if_changed(self, path: Path, text: str | None) -> bool:
        """Drop `path`'s lines when its text is no longer what was explained; True if so."""
        if path not in self.lines or (text is not None and digest(text) == self.digests.get(path)):
            return False
        del self.lines[path]
        return True

    def at(self, path: Path, line: int) -> WhyLine | None:
        return next((w for w in self.lines.get(path, ()) if w.line == line), None)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def why_of(explanation: Explanation, root: Path) -> Why:
    """The lines to show: per file and line, each quantity whose cost grew there."""
    grown: dict[tuple[Path, int], list[tuple[str, LineChange]]] = {}
    for kind, unit in SHOWN:
        for ln in explanation.workspace_lines(kind):
            assert ln.line is not None
            grown.setdefault((root / ln.file, ln.line), []).append((unit, ln))
    why = Why(explanation)
    for (path, line), changes in sorted(grown.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        if path not in why.digests:
            try:
                why.digests[path] = digest(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue  # gone since: nothing to show it on
        messages = tuple(line_message(explanation, ln, unit) for unit, ln in changes)
        hover = line_hover_markdown(explanation, [(unit, ln) for unit, ln in changes])
        why.lines.setdefault(path, []).append(WhyLine(path, line - 1, messages, hover))
    return why


def diagnostics(why: Why, uri_of: Callable[[Path], str]) -> dict[str, list[types.Diagnostic]]:
    """Information diagnostics on the lines where the cost grew, by document URI."""
    out: dict[str, list[types.Diagnostic]] = {}
    bench = why.explanation.benchmark
    for path, lines in why.lines.items():
        out[uri_of(path)] = [
            types.Diagnostic(
                range=convert.line_range(w.line),
                message=f"{bench}: " + "; ".join(w.messages),
                severity=types.DiagnosticSeverity.Information,
                source=convert.SOURCE,
                code=CODE,
                data={"name": bench, "explain": True},
            )
            for w in lines
        ]
    return out


def benchmark_links(why: Why, name: str, uri_of: Callable[[Path], str]) -> str | None:
    """For the benchmark's hover: links to the lines where its cost grew."""
    if why.explanation.benchmark != name or not why.lines:
        return None
    items = []
    for path, lines in why.lines.items():
        for w in lines:
            rel = path.name
            link = f"{uri_of(path)}#L{w.line + 1}"
            items.append(f"- [{rel}:{w.line + 1}]({link}) {w.messages[0]}")
    return "**Why** (benchlens explain, " + why.explanation.created + "):\n\n" + "\n".join(items)
