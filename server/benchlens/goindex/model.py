"""The index's value types: where benchmarks and `b.Run` calls are, and what a result maps to.

Positions are 0-based lines and 0-based columns counted in UTF-16 code units,
the LSP default encoding, so the language server can use them as they are.
All types are frozen: the index hands them out and replaces them on change.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

from benchlens.goindex.names import go_quote_meta, split_dedup_suffix

__all__ = [
    "BenchmarkFunction",
    "NameKind",
    "NamePattern",
    "PackageLocation",
    "Resolution",
    "ResolutionKind",
    "RunSite",
    "SourceRange",
]


@dataclass(frozen=True, slots=True, order=True)
class SourceRange:
    """A span of source text: 0-based lines, columns in UTF-16 code units, end exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        """Whether the position lies within the range (both ends inclusive, as for a cursor)."""
        if line < self.start_line or line > self.end_line:
            return False
        if line == self.start_line and col < self.start_col:
            return False
        return not (line == self.end_line and col > self.end_col)


class NameKind(enum.Enum):
    """How the name argument of `b.Run` was written; decides how much a match is worth."""

    LITERAL = "literal"  # "size=4096"
    CONSTANT = "constant"  # a package-level or local `const`
    SPRINTF = "sprintf"  # fmt.Sprintf("size=%d", n)
    PATTERN = "pattern"  # "size=" + strconv.Itoa(n), or a variable assigned once from those
    DYNAMIC = "dynamic"  # tc.name in a table-driven loop: any single element

    @property
    def rank(self) -> int:
        """Lower is a better match: exact values beat patterns beat anything-goes."""
        return _RANKS[self]


_RANKS = {
    NameKind.LITERAL: 0,
    NameKind.CONSTANT: 0,
    NameKind.SPRINTF: 1,
    NameKind.PATTERN: 1,
    NameKind.DYNAMIC: 2,
}


@dataclass(frozen=True, slots=True)
class NamePattern:
    """The set of rewritten names one `b.Run` name expression can produce.

    `regex` matches whole rewritten names (it may contain `/` when the literal
    does); `value` is the rewritten name itself when it is known exactly.
    """

    kind: NameKind
    source: str  # the Go expression as written
    regex: str
    value: str | None = None

    def matches(self, name: str) -> bool:
        """Whether a rewritten name (one or more path elements) can come from this expression."""
        if self.value is not None:
            return name == self.value
        return _compiled(self.regex).fullmatch(name) is not None

    def match_dedup(self, name: str) -> int | None:
        """The `#NN` number if `name` is this expression's name made unique by testing.unique.

        0 for a direct match; None when the name cannot come from this expression.
        """
        if self.matches(name):
            return 0
        split = split_dedup_suffix(name)
        if split is not None and self.matches(split[0]):
            return split[1]
        return None


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(regex: str) -> re.Pattern[str]:
    pattern = _REGEX_CACHE.get(regex)
    if pattern is None:
        pattern = _REGEX_CACHE[regex] = re.compile(regex, re.S)
    return pattern


@dataclass(frozen=True, slots=True)
class BenchmarkFunction:
    """A `func BenchmarkX(b *testing.B)` in a `_test.go` file.

    `body_range` and `param` are known only once the file has been parsed with
    tree-sitter; the fast line scan leaves them None.
    """

    path: Path
    name: str
    name_range: SourceRange
    body_range: SourceRange | None = None
    param: str | None = None

    @property
    def line(self) -> int:
        return self.name_range.start_line

    @property
    def bench_regex(self) -> str:
        """The `-bench` argument that runs exactly this benchmark."""
        return f"^{self.name}$"


@dataclass(frozen=True, slots=True)
class RunSite:
    """A `b.Run(name, ...)` call inside a benchmark, possibly nested in another one.

    `range` spans `b.Run(name` (the line to annotate), `call_range` the whole call
    with its closure (for "which sub-benchmark is the cursor in").
    """

    path: Path
    function: str
    name: NamePattern
    range: SourceRange
    call_range: SourceRange
    parent: RunSite | None = None
    index: int = 0  # order of the call within its function, for stable ties

    @property
    def depth(self) -> int:
        """1 for a `b.Run` directly in the function, 2 inside its closure, ..."""
        return 1 if self.parent is None else self.parent.depth + 1

    @property
    def line(self) -> int:
        return self.range.start_line

    @property
    def chain(self) -> tuple[RunSite, ...]:
        """The sites from the outermost down to this one."""
        return (self,) if self.parent is None else (*self.parent.chain, self)

    @property
    def display_name(self) -> str:
        """A readable full name pattern, e.g. `BenchmarkHash/size=%d/tc.name`."""
        return "/".join([self.function, *(_display(s.name) for s in self.chain)])

    @property
    def bench_regex(self) -> str:
        """The `-bench` argument that runs this sub-benchmark (dynamic levels match anything).

        Go splits the argument on `/` and matches each element separately, so each
        level is anchored on its own; a literal containing `/` spans several levels.
        """
        levels = [f"^{self.function}$"]
        for site in self.chain:
            if site.name.kind is NameKind.DYNAMIC:
                levels.append(".*")
            elif site.name.value is not None:
                levels.extend(f"^{go_quote_meta(part)}$" for part in site.name.value.split("/"))
            else:
                levels.append(f"^{site.name.regex}$")
        return "/".join(levels)


def _display(pattern: NamePattern) -> str:
    return pattern.value if pattern.value is not None else pattern.source


class ResolutionKind(enum.Enum):
    """How far a result name could be followed into the source."""

    FUNCTION = "function"  # a top-level benchmark: its function
    RUN = "run"  # every sub-benchmark level matched a b.Run call
    FALLBACK = "fallback"  # some levels did not match: the deepest match (function or b.Run)
    UNRESOLVED = "unresolved"  # no such package or function


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where the result `(package, name)` belongs in the source, or why it belongs nowhere."""

    package: str
    name: str
    kind: ResolutionKind
    path: Path | None = None
    range: SourceRange | None = None
    function: BenchmarkFunction | None = None
    run_site: RunSite | None = None
    #: How many `/` elements of the name (after the function) matched b.Run calls.
    matched_parts: int = 0
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        return self.kind is not ResolutionKind.UNRESOLVED

    @property
    def precise(self) -> bool:
        """True when the location is the benchmark itself, not an enclosing fallback."""
        return self.kind in (ResolutionKind.FUNCTION, ResolutionKind.RUN)

    @property
    def line(self) -> int | None:
        return None if self.range is None else self.range.start_line


@dataclass(frozen=True, slots=True)
class PackageLocation:
    """Where a package lives: what the runner needs to run `go test` in it."""

    import_path: str
    dir: Path
    module_path: str
    module_root: Path
    test_files: tuple[Path, ...] = field(default=())
