"""The Go source index: every benchmark result mapped to the line that produced it.

A result is `(package import path, full name)`, e.g. `("example.com/m/hash",
"BenchmarkHash/size=4096")`. `WorkspaceIndex.resolve` maps it to the benchmark
function or, for sub-benchmarks, to the `b.Run` call that produced it, and says
how sure it is (`Resolution.kind` / `precise`) or why it found nothing.

Design for speed — parse only what is needed:

* `build()` walks the workspace with `os.scandir` and reads each `_test.go`
  file once. A byte pre-filter (`b"func Benchmark" in data`) drops files
  without benchmarks; the rest are *scanned*: the lines that start with
  `func Benchmark` give every benchmark's name and line (gofmt puts top-level
  declarations at column 0). This costs about what `grep -rn` costs over the
  same tree, whereas a tree-sitter parse of every benchmark file is ~10-20x more.
* A file is *parsed* with tree-sitter-go only when something needs more than
  names and lines: a result with a sub-benchmark path (`b.Run` resolution), an
  editor opening the file (`update_document`), or a lens/hover query. The
  parse is cached with the file's (mtime, size) and replaces the scan for that
  file, so the parse is the truth wherever it has been done.
* Editor changes re-parse one file incrementally (tree-sitter reuses the old
  tree, given the edit derived from the common prefix and suffix of the texts).
* A second `build()` (e.g. after a go.mod change) re-reads only files whose
  (mtime, size) changed, including files remembered as benchmark-free.

Positions: 0-based lines, columns in UTF-16 code units (the LSP default).

Modules: `names` (Go's sub-benchmark name rewriting, Sprintf → regex),
`modules` (go.mod / go.work, import path ⇄ directory), `scan` (the byte scan),
`parse` (tree-sitter extraction), `match` (result name → `b.Run` call),
`index` (the workspace index and its caches), `model` (the value types).
"""

from benchlens.goindex.index import SKIPPED_DIRS, WorkspaceIndex
from benchlens.goindex.model import (
    BenchmarkFunction,
    NameKind,
    NamePattern,
    PackageLocation,
    Resolution,
    ResolutionKind,
    RunSite,
    SourceRange,
)
from benchlens.goindex.modules import Module

__all__ = [
    "SKIPPED_DIRS",
    "BenchmarkFunction",
    "Module",
    "NameKind",
    "NamePattern",
    "PackageLocation",
    "Resolution",
    "ResolutionKind",
    "RunSite",
    "SourceRange",
    "WorkspaceIndex",
]
