"""Diagnostics: what each folder shows, per document URI, and sending only what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from lsprotocol import types

from benchlens.lsp import convert, why
from benchlens.lsp.folder import FolderState

#: Unreadable lines of one results file shown as diagnostics, at most (all are logged).
MAX_LINE_DIAGNOSTICS = 100

Diagnostics = dict[str, list[types.Diagnostic]]


def folder_diagnostics(
    state: FolderState,
    uri_of: Callable[[Path], str],
    out: Diagnostics,
    paths: Iterable[Path] | None = None,
) -> None:
    """Add the diagnostics of one folder to `out`: findings on the source (of `paths`
    only, when given), configuration problems on the TOML file, unreadable lines and
    failures on the results files, and what `why` found."""
    for path in state.view.findings if paths is None else paths:
        findings = state.view.findings.get(path, ())
        diags = out.setdefault(uri_of(path), [])
        for finding in findings:
            diag = convert.diagnostic(finding, state.is_stale(finding.bench, path))
            if diag is not None:
                diags.append(diag)
    if state.config_file is not None:
        config_issues = [i for i in state.config_issues if Path(i.source) == state.config_file]
        out.setdefault(uri_of(state.config_file), []).extend(
            convert.config_diagnostic(i) for i in config_issues
        )
    for file in state.results_files():
        diags = out.setdefault(uri_of(file.path), [])
        if file.error:
            diags.append(convert.results_file_diagnostic(file.error))
        if file.results is not None:
            issues = file.results.issues[:MAX_LINE_DIAGNOSTICS]
            diags.extend(convert.results_issue_diagnostic(i) for i in issues)
    if state.why is not None:
        for uri, diags in why.diagnostics(state.why, uri_of).items():
            out.setdefault(uri, []).extend(diags)
    if state.failure is not None:
        out.setdefault(uri_of(state.failure.path), []).append(
            convert.results_file_diagnostic(state.failure.message)
        )


def _regressions_first(item: tuple[str, list[types.Diagnostic]]) -> int:
    return 0 if any(d.code == "regression" for d in item[1]) else 1


class Publisher:
    """Sends `textDocument/publishDiagnostics` for documents whose diagnostics changed,
    files with regressions first, and empty lists where there are none any more."""

    def __init__(self, send: Callable[[types.PublishDiagnosticsParams], None]) -> None:
        self._send = send
        self.published: Diagnostics = {}

    def publish(
        self,
        folders: Iterable[FolderState],
        uri_of: Callable[[Path], str],
        only: tuple[FolderState, set[Path]] | None = None,
    ) -> None:
        """Every document's diagnostics, or `only` those of some files of one folder
        (edited: the findings of other files have not changed)."""
        wanted: Diagnostics = {}
        if only is not None:
            state, paths = only
            folder_diagnostics(state, uri_of, wanted, paths)
            uris = {uri_of(p) for p in paths}
            wanted = {uri: diags for uri, diags in wanted.items() if uri in uris}
        else:
            for state in folders:
                folder_diagnostics(state, uri_of, wanted)
            for uri in set(self.published) - set(wanted):
                wanted[uri] = []
        for uri, diags in sorted(wanted.items(), key=_regressions_first):
            if self.published.get(uri, []) == diags:
                continue
            if diags:
                self.published[uri] = diags
            else:
                self.published.pop(uri, None)
            self._send(types.PublishDiagnosticsParams(uri=uri, diagnostics=diags))
