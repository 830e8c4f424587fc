"""The verdict objects are values, though not frozen dataclasses.

`stats.Summary`, `SampleTest`, `PairStatistics`, `compare.MetricDelta`,
`BenchmarkComparison` and the table rows (`views.table.Row`, `BenchmarkRows`) are
made tens of thousands of times per comparison. A frozen
dataclass is built through `object.__setattr__` field by field, and mypyc (setup.py)
compiles that into a call per field: three times the cost of a plain one, a quarter
of `compare`. So they are plain dataclasses hashed on their fields
(`unsafe_hash=True`, as frozen ones are), and this test keeps them values: no code
assigns or deletes one of their fields; a changed copy is made with `replace`.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from benchlens import compare, stats
from benchlens.views import table

PACKAGE = Path(compare.__file__).resolve().parent
VALUES = (
    stats.Summary,
    stats.SampleTest,
    stats.PairStatistics,
    compare.MetricDelta,
    compare.BenchmarkComparison,
    table.Row,
    table.BenchmarkRows,
)


def _targets(node: ast.AST) -> Iterator[ast.expr]:
    if isinstance(node, ast.Assign | ast.Delete):
        yield from node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        yield node.target


def _assigned_attributes(target: ast.expr) -> Iterator[ast.Attribute]:
    """The attributes a target assigns: itself, or those of a tuple/list/starred target
    (not attributes read to compute a subscript, as in `d[x.metric] = ...`)."""
    if isinstance(target, ast.Attribute):
        yield target
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _assigned_attributes(element)
    elif isinstance(target, ast.Starred):
        yield from _assigned_attributes(target.value)


def field_assignments(source: str, fields: set[str]) -> list[str]:
    """`x.field = ...`, `x.field += ...` and `del x.field` outside `self.` in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node):
            for attr in _assigned_attributes(target):
                owner = attr.value
                if attr.attr in fields and not (isinstance(owner, ast.Name) and owner.id == "self"):
                    found.append(f"{attr.lineno}: {ast.unparse(attr)}")
    return found


def test_they_are_hashed_and_compared_as_values() -> None:
    for cls in VALUES:
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.eq and cls.__hash__ is not None, cls


def test_no_code_assigns_a_field() -> None:
    fields = {f.name for cls in VALUES for f in dataclasses.fields(cls)}
    found = {
        str(path.relative_to(PACKAGE)): hits
        for path in sorted(PACKAGE.rglob("*.py"))
        if (hits := field_assignments(path.read_text(encoding="utf-8"), fields))
    }
    assert found == {}


def test_the_scan_finds_an_assignment() -> None:
    source = "m.status = 1\na, b.center = 1, 2\ndel c.metrics\nd[e.status] = 3\nself.status = 4\n"
    assert field_assignments(source, {"status", "center", "metrics"}) == [
        "1: m.status",
        "2: b.center",
        "3: c.metrics",
    ]
