"""Publishing after an edit sends only the edited file's diagnostics: the other files'
are neither resent nor dropped, and what is published equals what a full publish of
the same view would send (checked by publishing everything again: nothing is sent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from benchlens.lsp.folder import FolderState, RefreshRequest
from benchlens.lsp.publish import Publisher

HANDLER = Path("kafka/handler/handler_test.go")


class Editor:
    """Open documents over the disk, like the server's `EditorDocuments`."""

    def __init__(self) -> None:
        self.open: dict[Path, str] = {}

    def text(self, path: Path) -> str | None:
        if path in self.open:
            return self.open[path]
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def is_open(self, path: Path) -> bool:
        return path in self.open


class Session:
    """A folder, an editor and a publisher recording what it sends."""

    def __init__(self, root: Path) -> None:
        self.editor = Editor()
        self.state = FolderState(root.resolve(), root.as_uri())
        refreshed = self.state.refresh(
            RefreshRequest(settings={}, reindex=True, results=True), self.editor, 0.2
        )
        assert self.state.adopt(refreshed)
        self.state.settle_sources(self.editor)  # fingerprints: edits can make results stale
        self.sent: list[types.PublishDiagnosticsParams] = []
        self.publisher = Publisher(self.sent.append)
        self.publish()

    def publish(self, only: tuple[FolderState, set[Path]] | None = None) -> list[str]:
        self.sent.clear()
        self.publisher.publish([self.state], uri_of, only)
        return [p.uri for p in self.sent]

    def type(self, path: Path, text: str) -> list[str]:
        """An edit, then typing pauses (what `Relocator` does): the URIs published."""
        self.editor.open[path] = text
        self.state.edit(path, text)
        return self.settle({path})

    def close(self, path: Path) -> list[str]:
        self.editor.open.pop(path, None)
        self.state.close(path)
        return self.settle({path})

    def settle(self, paths: set[Path]) -> list[str]:
        self.state.observe_edits(self.editor)
        self.state.view, touched = self.state.relocate(paths)
        return self.publish((self.state, touched))

    def lines(self, path: Path) -> set[int]:
        return {d.range.start.line for d in self.publisher.published.get(uri_of(path), [])}

    def assert_full_publish_agrees(self) -> None:
        """Publishing everything now sends nothing: the partial publishes left the client
        with exactly the diagnostics of the current view."""
        assert self.publish() == []


def uri_of(path: Path) -> str:
    return path.as_uri()


@pytest.fixture
def session(example_copy: Path) -> Session:
    return Session(example_copy)


def open_in_editor(session: Session, path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    session.editor.open[path] = text
    session.state.edit(path, text, opened=True)
    return text


def test_an_edit_sends_only_the_edited_files_diagnostics(
    session: Session, example_copy: Path
) -> None:
    handler = (example_copy / HANDLER).resolve()
    others = {uri: d for uri, d in session.publisher.published.items() if uri != uri_of(handler)}
    assert others and session.lines(handler)  # findings elsewhere too, to be left alone
    before = session.lines(handler)
    text = open_in_editor(session, handler)

    moved = text.replace("package handler\n", "package handler\n\n// one\n// two\n", 1)
    assert session.type(handler, moved) == [uri_of(handler)]
    assert session.lines(handler) == {line + 3 for line in before}
    assert {u: d for u, d in session.publisher.published.items() if u != uri_of(handler)} == others
    session.assert_full_publish_agrees()

    # Typing that changes no finding sends nothing at all.
    assert session.type(handler, moved + "\n") == []
    session.assert_full_publish_agrees()


def test_an_edit_inside_a_benchmark_makes_only_its_file_stale(
    session: Session, example_copy: Path
) -> None:
    handler = (example_copy / HANDLER).resolve()
    others = dict(session.publisher.published)
    others.pop(uri_of(handler))
    text = open_in_editor(session, handler)
    needle = 'b.Run("small"'
    at = text.index(needle)
    edited = text[:at] + "b.SetBytes(100)\n\t" + text[at:]

    assert session.type(handler, edited) == [uri_of(handler)]
    regressions = [
        d for d in session.publisher.published[uri_of(handler)] if d.code == "regression"
    ]
    assert regressions and all("stale" in d.message for d in regressions)
    assert all(
        "stale" not in d.message
        for ds in session.publisher.published.values()
        for d in ds
        if d not in regressions
    )
    assert {u: d for u, d in session.publisher.published.items() if u != uri_of(handler)} == others
    session.assert_full_publish_agrees()


def test_benchmarks_removed_by_an_edit_are_cleared_and_come_back_on_close(
    session: Session, example_copy: Path
) -> None:
    handler = (example_copy / HANDLER).resolve()
    others = dict(session.publisher.published)
    others.pop(uri_of(handler))
    before = session.lines(handler)
    open_in_editor(session, handler)

    assert session.type(handler, "package handler\n") == [uri_of(handler)]
    assert uri_of(handler) not in session.publisher.published
    assert session.sent[0].diagnostics == []  # the client is told: nothing here any more
    session.assert_full_publish_agrees()

    # Closed without saving: the file on disk is what is shown again.
    assert session.close(handler) == [uri_of(handler)]
    assert session.lines(handler) == before
    assert session.publisher.published.keys() - {uri_of(handler)} == others.keys()
    session.assert_full_publish_agrees()


def test_a_file_deleted_while_open_is_cleared_when_closed(
    session: Session, example_copy: Path
) -> None:
    handler = (example_copy / HANDLER).resolve()
    others = dict(session.publisher.published)
    others.pop(uri_of(handler))
    open_in_editor(session, handler)
    handler.unlink()

    assert session.close(handler) == [uri_of(handler)]
    assert uri_of(handler) not in session.publisher.published
    assert {u: d for u, d in session.publisher.published.items()} == others
    session.assert_full_publish_agrees()
