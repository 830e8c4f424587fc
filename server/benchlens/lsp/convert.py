"""Core facts → lsprotocol types. Nothing here decides anything; it only changes shape.

Positions: the index gives 0-based lines and columns in UTF-16 code units, which
is what LSP uses unless another encoding is negotiated — and this server only
ever offers UTF-16 (see `server._Protocol`), so ranges pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lsprotocol import types

from benchlens.config import ConfigIssue
from benchlens.goindex.model import BenchmarkFunction, NameKind, RunSite, SourceRange
from benchlens.lsp.view import Placed
from benchlens.results.model import SyntaxIssue
from benchlens.views.facts import short_name, status_summary
from benchlens.views.findings import Finding

SOURCE = "benchlens"
#: The code-action kind of benchlens's own actions, for clients that filter by kind.
ACTION_KIND = "source.benchlens"

STALE_NOTE = "stale: edited since the run"

SEVERITIES: Mapping[str, types.DiagnosticSeverity] = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}

# Command names, as the client sees them in `workspace/executeCommand`.
RUN_BENCHMARK = "benchlens.runBenchmark"
RUN_PACKAGE = "benchlens.runPackageBenchmarks"
PROFILE_BENCHMARK = "benchlens.profileBenchmark"
SAVE_BASELINE = "benchlens.saveBaseline"
REFRESH = "benchlens.refresh"
OPEN_REPORT = "benchlens.openReport"
CANCEL_RUN = "benchlens.cancelRun"
STATUS = "benchlens.status"
EXPLAIN_REGRESSION = "benchlens.explainRegression"
AB_COMPARE = "benchlens.abCompare"


def lsp_range(r: SourceRange) -> types.Range:
    return types.Range(
        start=types.Position(line=r.start_line, character=r.start_col),
        end=types.Position(line=r.end_line, character=r.end_col),
    )


def line_range(line: int) -> types.Range:
    """A whole line, for problems without a column (config issues)."""
    return types.Range(
        start=types.Position(line=line, character=0),
        end=types.Position(line=line + 1, character=0),
    )


def diagnostic(finding: Finding, stale: bool) -> types.Diagnostic | None:
    """The finding as a diagnostic; None when it has no place or its severity is "off"."""
    severity = SEVERITIES.get(finding.severity)
    if severity is None or finding.range is None:
        return None
    message = finding.message + (f" ({STALE_NOTE})" if stale else "")
    key = finding.bench.key
    return types.Diagnostic(
        range=lsp_range(finding.range),
        message=message,
        severity=severity,
        source=SOURCE,
        code=finding.bench.status.value,
        data={"package": key.package, "name": key.name, "procs": key.procs, "stale": stale},
    )


def config_diagnostic(issue: ConfigIssue) -> types.Diagnostic:
    """A configuration problem on its line of the TOML file (the first line if unknown)."""
    line = max((issue.line or 1) - 1, 0)
    text = f"{issue.key}: {issue.message}" if issue.key else issue.message
    invalid = issue.message.startswith("invalid TOML")
    return types.Diagnostic(
        range=line_range(line),
        message=f"{text} (default used)" if issue.key else text,
        severity=types.DiagnosticSeverity.Error if invalid else types.DiagnosticSeverity.Warning,
        source=SOURCE,
        code="config",
    )


def results_issue_diagnostic(issue: SyntaxIssue) -> types.Diagnostic:
    """A line of a results file that could not be read, on that line."""
    return types.Diagnostic(
        range=line_range(max(issue.location.line - 1, 0)),
        message=f"{issue.message} (line skipped)",
        severity=types.DiagnosticSeverity.Warning,
        source=SOURCE,
        code="results",
    )


def results_file_diagnostic(message: str) -> types.Diagnostic:
    """A problem with a whole results file (unreadable, or its values cannot be compared)."""
    return types.Diagnostic(
        range=line_range(0),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
        code="results",
    )


def run_arguments(folder: str, package: str, bench: str, label: str) -> list[Any]:
    """The one argument of the run/profile commands: a JSON object."""
    return [{"folder": folder, "package": package, "bench": bench, "label": label}]


def target_label(target: BenchmarkFunction | RunSite) -> str:
    return target.name if isinstance(target, BenchmarkFunction) else target.display_name


def target_range(target: BenchmarkFunction | RunSite) -> types.Range:
    return lsp_range(target.name_range if isinstance(target, BenchmarkFunction) else target.range)


def runnable(target: BenchmarkFunction | RunSite, has_findings: bool) -> bool:
    """A `b.Run` whose name is unknown (`tc.name`) gets actions only when results map to it."""
    if isinstance(target, BenchmarkFunction):
        return True
    return has_findings or target.name.kind is not NameKind.DYNAMIC


def status_lens(placed: Placed, stale: bool, several: bool) -> types.CodeLens:
    """The status summary as a lens with no action (`🔴 ns/op +27% · MB/s −8%`).

    Several results on one line (a `b.Run` in a loop) each get one, named.
    """
    title = status_summary(placed.bench)
    if several:
        sub = placed.bench.key.sub_parts
        title = f"{'/'.join(sub) if sub else short_name(placed.bench)}: {title}"
    if stale:
        title += f" ({STALE_NOTE})"
    return types.CodeLens(
        range=lsp_range(placed.range), command=types.Command(title=title, command="")
    )


def summary_lens(range_: types.Range, title: str) -> types.CodeLens:
    """A function's summary of its sub-benchmarks, with no action."""
    return types.CodeLens(range=range_, command=types.Command(title=title, command=""))


def action_lenses(
    range_: types.Range, folder: str, package: str, bench: str, label: str
) -> list[types.CodeLens]:
    args = run_arguments(folder, package, bench, label)
    return [
        types.CodeLens(
            range=range_,
            command=types.Command(title="▶ run benchmark", command=RUN_BENCHMARK, arguments=args),
        ),
        types.CodeLens(
            range=range_,
            command=types.Command(title="profile", command=PROFILE_BENCHMARK, arguments=args),
        ),
    ]


def explain_arguments(folder: str, package: str, name: str) -> list[Any]:
    """The one argument of `benchlens.explainRegression`: one exact benchmark name."""
    return [{"folder": folder, "package": package, "name": name}]


def why_lens(range_: types.Range, folder: str, package: str, name: str) -> types.CodeLens:
    """`why?` on a regressed benchmark: profile both sides and show where the cost grew."""
    args = explain_arguments(folder, package, name)
    return types.CodeLens(
        range=range_,
        command=types.Command(title="why?", command=EXPLAIN_REGRESSION, arguments=args),
    )


def why_action(folder: str, package: str, name: str, kind: str) -> types.CodeAction:
    """The `why?` lens as a code action (editors without lenses, VS Code's palette)."""
    args = explain_arguments(folder, package, name)
    return types.CodeAction(
        title=f"Why did {name} regress?",
        kind=kind,
        command=types.Command(title=f"Explain {name}", command=EXPLAIN_REGRESSION, arguments=args),
    )


def code_actions(
    folder: str, package: str, bench: str, label: str, kind: str
) -> list[types.CodeAction]:
    """Run and profile as code actions, for editors without code lenses (Helix)."""
    args = run_arguments(folder, package, bench, label)
    return [
        types.CodeAction(
            title=f"▶ Run {label}",
            kind=kind,
            command=types.Command(title=f"Run {label}", command=RUN_BENCHMARK, arguments=args),
        ),
        types.CodeAction(
            title=f"Profile {label}",
            kind=kind,
            command=types.Command(
                title=f"Profile {label}", command=PROFILE_BENCHMARK, arguments=args
            ),
        ),
    ]


def package_action(folder: str, package: str, kind: str) -> types.CodeAction:
    return types.CodeAction(
        title=f"▶ Run all benchmarks of {package}",
        kind=kind,
        command=types.Command(
            title=f"Run benchmarks of {package}",
            command=RUN_PACKAGE,
            arguments=[{"folder": folder, "package": package}],
        ),
    )


def hover(markdown: Sequence[str], range_: types.Range) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n---\n\n".join(markdown)
        ),
        range=range_,
    )
