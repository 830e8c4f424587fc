"""The refresh path without a server: a comparison that fails, a results file that is
not a file, both said on the results file while the last good view stays."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from benchlens.compare import Comparison
from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.notices import results_notices
from benchlens.lsp.publish import folder_diagnostics
from benchlens.lsp.settings import Level
from benchlens.lsp.view import View
from benchlens.results.model import ResultSet
from tests.lsp.conftest import write_atomic

HANDLER = Path("kafka/handler/handler_test.go")


class DiskOnly:
    def text(self, path: Path) -> str | None:
        return path.read_text(encoding="utf-8")

    def is_open(self, path: Path) -> bool:
        return False


class FailingCompare(FolderState):
    """A folder whose comparison fails once the current results have a `BenchmarkBoom`:
    stands for any value the core cannot compare (NaN, ±Inf, ... before it handled them)."""

    def compute_view(
        self,
        baseline: ResultSet | None,
        current: ResultSet | None,
        partial: Callable[[View], None] | None = None,
    ) -> View:
        if current is not None and any(k.name == "BenchmarkBoom" for k in current.benchmarks):
            raise ValueError("math domain error")
        return super().compute_view(baseline, current, partial)


def refreshed(state: FolderState, request: RefreshRequest) -> bool:
    return state.adopt(state.refresh(request, DiskOnly(), 0.2))


@pytest.fixture
def started(example_copy: Path) -> FolderState:
    state = FailingCompare(example_copy.resolve(), example_copy.as_uri())
    assert refreshed(state, RefreshRequest(settings={}, reindex=True, results=True))
    assert state.view.findings and state.failure is None
    return state


def diagnostics_of(state: FolderState, path: Path) -> list[tuple[int, str, str]]:
    out: dict[str, list] = {}  # type: ignore[type-arg]
    folder_diagnostics(state, lambda p: p.as_uri(), out)
    return [(d.range.start.line, str(d.code), d.message) for d in out.get(path.as_uri(), [])]


def test_a_comparison_that_fails_is_said_on_the_results_file(started: FolderState) -> None:
    state, good = started, started.view
    current = state.config.current
    text = current.read_text()
    write_atomic(current, text + "BenchmarkBoom-2   100   1.0 ns/op\n")
    assert not refreshed(state, RefreshRequest(results=True))
    assert state.view is good  # the last good view stays
    assert state.failure is not None and "math domain error" in state.failure.message
    [(line, code, message)] = diagnostics_of(state, current)
    assert (line, code) == (0, "results") and "cannot compare" in message
    notices = [n for n in results_notices(state) if n.level is Level.ERROR]
    assert notices and "last good results" in notices[0].text
    # Fixed: the failure is gone and the new results are shown.
    write_atomic(current, text)
    assert refreshed(state, RefreshRequest(results=True))
    assert state.failure is None and not diagnostics_of(state, current)


def test_a_fifo_is_not_read_and_the_last_results_stay(started: FolderState) -> None:
    state = started
    comparison: Comparison | None = state.view.comparison
    current = state.config.current
    fifo = current.with_name("fifo")
    os.mkfifo(fifo)
    os.replace(fifo, current)  # would hang a reader that opens it
    assert refreshed(state, RefreshRequest(reread=True))
    assert state.view.comparison is comparison  # the same results, compared before
    [(line, code, message)] = diagnostics_of(state, current)
    assert (line, code) == (0, "results") and "not a regular file" in message
