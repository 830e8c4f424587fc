"""The editor's documents and the client's URIs, as the refresh path reads them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import Workspace


def path_of(uri: str) -> Path | None:
    fs = to_fs_path(uri)
    return Path(fs) if fs else None


class EditorDocuments:
    """Open documents (their text wins over the disk's) and the client's spelling of
    each file's URI, so diagnostics land on the open document. Implements
    `folder.Documents`; read from worker threads too (lookups only)."""

    def __init__(self, workspace: Callable[[], Workspace]) -> None:
        self._workspace = workspace  # pygls makes the workspace at `initialize`
        self.uris: dict[Path, str] = {}

    def remember(self, uri: str) -> Path | None:
        """The path of a document the client named, remembering its spelling."""
        path = path_of(uri)
        if path is not None:
            self.uris[path] = uri
        return path

    def uri_of(self, path: Path) -> str:
        uri = self.uris.get(path)
        return uri if uri is not None else (from_fs_path(str(path)) or path.as_uri())

    def is_open(self, path: Path) -> bool:
        return self.uris.get(path) in self._workspace().text_documents

    def text(self, path: Path) -> str | None:
        """The editor's text when the file is open, else the disk's."""
        uri = self.uris.get(path)
        if uri is not None and uri in self._workspace().text_documents:
            return self._workspace().get_text_document(uri).source
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def open_texts(self) -> dict[Path, str]:
        out: dict[Path, str] = {}
        for uri, doc in list(self._workspace().text_documents.items()):
            path = path_of(uri)
            if path is not None:
                out[path] = doc.source
        return out
