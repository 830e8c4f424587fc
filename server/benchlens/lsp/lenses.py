"""The code lenses and code actions of a file: plain functions of what a folder shows,
tested without a server.

On each benchmark line: its status (one per result when a `b.Run` in a loop yields
several), a function's summary of its sub-benchmarks, then `▶ run benchmark`,
`profile` and, on a regression, `why?`, which only a trusted workspace gets. Editors
without lenses (and VS Code's palette commands) get the same actions as code actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from benchlens.compare import BenchmarkComparison, Status
from benchlens.goindex.model import BenchmarkFunction, RunSite
from benchlens.lsp import convert
from benchlens.lsp.view import Placed
from benchlens.runner.goargs import names_pattern
from benchlens.views.facts import group_summary

Target = BenchmarkFunction | RunSite


def by_line(placed: Iterable[Placed]) -> dict[int, list[Placed]]:
    """Benchmarks by the line they are shown on, in order."""
    out: dict[int, list[Placed]] = {}
    for p in placed:
        out.setdefault(p.range.start_line, []).append(p)
    return out


def target_bench(target: Target, here: Sequence[Placed]) -> str:
    """The `-bench` pattern of a lens: the exact names mapped here, else the source's pattern."""
    if isinstance(target, RunSite) and here:
        return names_pattern(p.bench.key.name for p in here)
    return target.bench_regex


@dataclass(frozen=True)
class FileLenses:
    """What the lenses of one file are made of."""

    folder: str
    path: Path
    placed: Sequence[Placed]
    targets: Sequence[Target]
    package: str | None
    #: Whether run and profile are offered (a trusted workspace).
    runnable: bool
    is_stale: Callable[[BenchmarkComparison, Path], bool]


def status_lenses(spec: FileLenses) -> list[types.CodeLens]:
    lenses: list[types.CodeLens] = []
    for on_line in by_line(spec.placed).values():
        for placed in on_line:
            stale = spec.is_stale(placed.bench, spec.path)
            lenses.append(convert.status_lens(placed, stale, len(on_line) > 1))
    return lenses


def code_lenses(spec: FileLenses) -> list[types.CodeLens]:
    """Every lens of the file: statuses, function summaries, then run/profile."""
    lenses = status_lenses(spec)
    lines = by_line(spec.placed)
    for target in spec.targets:
        here = lines.get(target.line, [])
        if isinstance(target, BenchmarkFunction) and not here:
            subs = [p.bench for p in spec.placed if p.bench.key.top_level == target.name]
            if subs:
                lenses.append(
                    convert.summary_lens(convert.target_range(target), group_summary(subs))
                )
        if not spec.runnable or spec.package is None:
            continue
        if convert.runnable(target, bool(here)):
            lenses += convert.action_lenses(
                convert.target_range(target),
                spec.folder,
                spec.package,
                target_bench(target, here),
                convert.target_label(target),
            )
            range_ = convert.target_range(target)
            for placed in here:
                if placed.bench.status is Status.REGRESSION:
                    name = placed.bench.key.name
                    lenses.append(convert.why_lens(range_, spec.folder, spec.package, name))
    return lenses


def action_kind(only: Sequence[str] | None) -> str | None:
    """The kind benchlens's code actions answer with, for a client's `only` filter;
    None when the client wants none of ours (e.g. quick fixes only)."""
    if not only:
        return types.CodeActionKind.Empty
    if any(convert.ACTION_KIND.startswith(k) for k in only if k):
        return convert.ACTION_KIND
    return types.CodeActionKind.Empty if "" in only else None


def code_actions(
    folder: str,
    package: str,
    target: Target,
    here: Sequence[Placed],
    function: BenchmarkFunction | None,
    kind: str,
) -> list[types.CodeAction]:
    """Run and profile the benchmark at the cursor (and explain it when it regressed), its
    function when it is a `b.Run`, and every benchmark of the package."""
    actions = convert.code_actions(
        folder, package, target_bench(target, here), convert.target_label(target), kind
    )
    for placed in here:
        if placed.bench.status is Status.REGRESSION:
            actions.append(convert.why_action(folder, package, placed.bench.key.name, kind))
    if isinstance(target, RunSite) and function is not None:
        actions += convert.code_actions(folder, package, function.bench_regex, function.name, kind)
    actions.append(convert.package_action(folder, package, kind))
    return actions
