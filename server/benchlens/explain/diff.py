"""The two sides' costs per op side by side: per function and per source line.

Functions meet by name. Lines of the workspace's files meet through the line
map of each file (`linemap`), so a line that moved keeps its history and a line
that is new has none; other files' lines (the standard library: both sides use
the same Go toolchain) meet by number. Everything is sorted by the change of
its flat cost (grouped, see `attribute`), largest change first; a function's
share is its part of the sum of all functions' changes, which is the benchmark's
whole change as the profile saw it.
"""

from __future__ import annotations

from benchlens.explain.attribute import PerOp, SideCosts, noise
from benchlens.explain.linemap import LineMaps
from benchlens.explain.model import Cost, FunctionChange, LineChange, QuantityChange

#: Rows kept per quantity; the rest changed too little to matter.
MAX_FUNCTIONS = 40
MAX_LINES = 80

#: (file, current line, baseline line): one source line of either side or both.
_LineId = tuple[str, int | None, int | None]


def _value(costs: dict[str, PerOp], key: str) -> float:
    entry = costs.get(key)
    return entry.value if entry else 0.0


def _cost(base: dict[str, PerOp], cur: dict[str, PerOp], key: str) -> Cost:
    return Cost(_value(base, key), _value(cur, key), noise(base.get(key), cur.get(key)))


def _plus(a: PerOp, b: PerOp) -> PerOp:
    return PerOp(a.value + b.value, a.variance + b.variance)


def _merge_lines(
    base: SideCosts, cur: SideCosts, maps: LineMaps
) -> dict[_LineId, tuple[str, PerOp, PerOp]]:
    """Each line's (function, baseline cost, current cost)."""
    merged: dict[_LineId, tuple[str, PerOp, PerOp]] = {}
    for (function, file, line), entry in cur.lines.items():
        partner = maps.to_baseline(file, line) if file in cur.workspace_files else line
        key: _LineId = (file, line, partner)
        name, b, c = merged.get(key, (function, PerOp(), PerOp()))
        merged[key] = (name, b, _plus(c, entry))
    for (function, file, line), entry in base.lines.items():
        partner = maps.to_current(file, line) if file in base.workspace_files else line
        key = (file, partner, line)
        name, b, c = merged.get(key, (function, PerOp(), PerOp()))
        merged[key] = (name, _plus(b, entry), c)
    return merged


def compare_quantity(
    kind: str, unit: str, base: SideCosts, cur: SideCosts, maps: LineMaps
) -> QuantityChange:
    """One quantity's functions and lines, largest change first."""
    workspace_files = base.workspace_files | cur.workspace_files
    lines: list[LineChange] = []
    for (file, line, baseline_line), (function, b, c) in _merge_lines(base, cur, maps).items():
        lines.append(
            LineChange(
                function=function,
                file=file,
                line=line,
                baseline_line=baseline_line,
                cost=Cost(b.value, c.value, noise(b, c)),
                share_baseline=b.value / base.loop if base.loop else 0.0,
                share_current=c.value / cur.loop if cur.loop else 0.0,
                workspace=file in workspace_files,
            )
        )
    lines.sort(key=lambda ln: (-abs(ln.cost.delta), ln.file, ln.line or 0, ln.baseline_line or 0))
    names = set(base.own) | set(cur.own)
    change = sum(_value(cur.own, f) - _value(base.own, f) for f in names)
    functions = []
    for function in names:
        flat = _cost(base.own, cur.own, function)
        if flat.baseline == 0 and flat.current == 0:
            continue
        file, line = _where(function, lines, cur, base)
        functions.append(
            FunctionChange(
                function=function,
                file=file,
                line=line,
                flat=flat,
                cum=_cost(base.cum, cur.cum, function),
                share=flat.delta / change if change else None,
                workspace=function in cur.workspace or function in base.workspace,
            )
        )
    functions.sort(key=lambda f: (-abs(f.flat.delta), f.function))
    outside = []
    for function in set(base.outside) | set(cur.outside):
        cost = _cost(base.outside, cur.outside, function)
        file = cur.files.get(function) or base.files.get(function, "")
        outside.append(FunctionChange(function, file, 0, cost, cost, None, False, True))
    outside.sort(key=lambda f: (-abs(f.flat.delta), f.function))
    return QuantityChange(
        kind=kind,
        unit=unit,
        total=Cost(base.loop, cur.loop),
        functions=tuple(functions[:MAX_FUNCTIONS]),
        lines=tuple(lines[:MAX_LINES]),
        outside=tuple(outside[:MAX_FUNCTIONS]),
    )


def _where(
    function: str, lines: list[LineChange], cur: SideCosts, base: SideCosts
) -> tuple[str, int]:
    """The line of `function` whose cost grew most (in the current source's numbering
    where the line still exists), else where the function was seen."""
    for ln in lines:  # sorted: the first line of the function grew most
        if ln.function == function:
            line = ln.line if ln.line is not None else ln.baseline_line
            return ln.file, line or 0
    return cur.files.get(function) or base.files.get(function, ""), 0
