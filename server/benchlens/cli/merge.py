"""`benchlens merge A B… -o OUT`: several results files joined into one.

For CI sharding: each shard's runner writes the results of its packages
(`benchlens run --shard i/N`), and one job merges them before the comparison.
Samples of a benchmark that appears in several files are joined, as if one run
had produced them all (several `-count` runs of the same code); since shards
should never overlap, such a benchmark is reported. Malformed lines are reported
with their file and line and skipped; an unreadable file stops the merge (exit 2)
and nothing is written, as when no file holds any benchmark (unless
`--allow-empty`). OUT is written atomically; without `-o` the merged results go
to standard output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from benchlens.cli.common import warn
from benchlens.history import write_results_atomic
from benchlens.results.model import BenchmarkKey, Result, ResultSet
from benchlens.results.reader import ResultsFileError, read_records
from benchlens.results.writer import write_results
from benchlens.runner.store import describe

#: Benchmarks found in several files that are named one by one; the rest are counted.
MAX_LISTED = 5


def register(sub: Any) -> None:
    p = sub.add_parser(
        "merge",
        help="join results files (the shards of a CI run) into one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="results files")
    p.add_argument("-o", "--output", type=Path, help="merged results file (default: stdout)")
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="no benchmark in any file is fine: write an empty file (the base side of a "
        "first pull request that adds benchmarks)",
    )
    p.set_defaults(func=merge_command)


def merge_files(paths: list[Path]) -> tuple[ResultSet, dict[BenchmarkKey, list[Path]]]:
    """The records of every file in one set, and the benchmarks found in more than
    one file (with those files). Raises ResultsFileError for an unreadable file."""
    merged = ResultSet(", ".join(str(p) for p in paths))
    seen_in: dict[BenchmarkKey, list[Path]] = {}
    for path in paths:
        if path.is_dir():
            raise ResultsFileError(f"{path}: is a directory, not a results file")
        if not path.exists():
            raise ResultsFileError(f"{path}: no such results file")
        for record in read_records(path):
            merged.add(record)
            if isinstance(record, Result):
                files = seen_in.setdefault(record.key, [])
                if not files or files[-1] != path:
                    files.append(path)
    overlaps = {key: files for key, files in seen_in.items() if len(files) > 1}
    return merged, overlaps


def merge_command(args: argparse.Namespace) -> int:
    paths: list[Path] = args.files
    output: Path | None = args.output
    if output is not None and output.resolve() in {p.resolve() for p in paths}:
        warn(f"{output}: the output is also an input; write the merge elsewhere")
        return 2
    try:
        merged, overlaps = merge_files(paths)
    except ResultsFileError as exc:
        warn(f"{exc}; nothing written")
        return 2
    for issue in merged.issues:
        warn(f"{issue} (line skipped)")
    for key, files in list(overlaps.items())[:MAX_LISTED]:
        where = ", ".join(str(f) for f in files)
        warn(f"{key.display_name} ({key.package}) is in {where}: samples joined")
    if len(overlaps) > MAX_LISTED:
        warn(f"... and {len(overlaps) - MAX_LISTED} more benchmarks in several files")
    if not merged.benchmarks and not args.allow_empty:
        warn(f"no benchmark results in {', '.join(str(p) for p in paths)}; nothing written")
        return 2
    if output is None:
        write_results(merged, sys.stdout)
        return 0
    try:
        write_results_atomic(output, merged)
    except OSError as exc:
        warn(f"{output}: cannot write: {exc.strerror or exc}")
        return 2
    n = len(paths)
    print(f"wrote {output} ({describe(merged)} from {n} file{'s' if n != 1 else ''})")
    return 0
