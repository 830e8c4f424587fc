"""Runs Go benchmarks: argument lists, streaming cancellable children, sessions.

No terminal or editor concerns here: the command line and the language server
drive the same `BenchmarkSession` and render its events their own way.
"""

from benchlens.goindex.names import go_quote_meta as quote_meta
from benchlens.goindex.names import rewrite as go_rewrite
from benchlens.runner.events import (
    BenchmarkFinished,
    BenchmarkStarted,
    BuildFinished,
    BuildStarted,
    GoPackage,
    Output,
    PackageFailed,
    PackageFailure,
    PackageFinished,
    PackagesListed,
    PackageStarted,
    RunEvent,
    RunFinished,
    RunOutcome,
    RunProgress,
)
from benchlens.runner.goargs import name_pattern, names_pattern
from benchlens.runner.gotool import GoListError, GoNotFound, list_packages, resolve_go
from benchlens.runner.process import Cancellable, StreamingProcess
from benchlens.runner.session import BenchmarkSession, RunRequest

__all__ = [
    "BenchmarkFinished",
    "BenchmarkSession",
    "BenchmarkStarted",
    "BuildFinished",
    "BuildStarted",
    "Cancellable",
    "GoListError",
    "GoNotFound",
    "GoPackage",
    "Output",
    "PackageFailed",
    "PackageFailure",
    "PackageFinished",
    "PackageStarted",
    "PackagesListed",
    "RunEvent",
    "RunFinished",
    "RunOutcome",
    "RunProgress",
    "RunRequest",
    "StreamingProcess",
    "go_rewrite",
    "list_packages",
    "name_pattern",
    "names_pattern",
    "quote_meta",
    "resolve_go",
]
