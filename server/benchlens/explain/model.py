"""What `benchlens explain` found, as plain data every view reads, and its JSON form.

An `Explanation` holds, per profiled quantity (CPU time, allocated bytes,
allocations), the benchmark's total per op on both sides and the functions and
source lines whose cost per op changed, largest change first. It is saved as
`benchmark_results/explain/<bench>/explanation.json`: the editor, the markdown
report and the HTML report read that file rather than profiling again. Paths of
the workspace's own files are relative to the workspace root.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Version of the saved file's layout; a file of another version is not read.
FORMAT = 1

EXPLANATION_FILE = "explanation.json"


@dataclass(frozen=True)
class Cost:
    """A cost per op on both sides; `noise` is one standard deviation of `delta` from
    profile sampling (0 where it is not estimated)."""

    baseline: float
    current: float
    noise: float = 0.0

    @property
    def delta(self) -> float:
        return self.current - self.baseline

    @property
    def significant(self) -> bool:
        """More than twice the sampling noise (always, where noise is not estimated)."""
        return abs(self.delta) > 2 * self.noise


@dataclass(frozen=True)
class FunctionChange:
    """One function: `flat` (its own code; with grouping, also the standard library and
    runtime code it calls, down to the next function of the workspace), `cum` (with
    everything it calls), where on disk its cost changed most, and its share of the
    benchmark's total change. Functions outside the benchmark loop (`outside`: the
    entry functions of background GC, the scheduler) have flat and cum alike and no
    share: they run beside the benchmark, not in its ns/op."""

    function: str
    file: str
    line: int
    flat: Cost
    cum: Cost
    share: float | None
    #: Whether the file is the workspace's own code (not the standard library or a dependency).
    workspace: bool
    outside: bool = False


@dataclass(frozen=True)
class LineChange:
    """One source line's flat cost (grouped as in `FunctionChange`). `line` is the line
    in the current source (None: the line is gone); `baseline_line` the same line in
    the baseline's source (None: new or changed). `share` is the line's part of the
    benchmark's total on each side (0..1)."""

    function: str
    file: str
    line: int | None
    baseline_line: int | None
    cost: Cost
    share_baseline: float
    share_current: float
    workspace: bool

    @property
    def test_file(self) -> bool:
        return self.file.endswith("_test.go")


@dataclass(frozen=True)
class QuantityChange:
    """One profiled quantity: `kind` (`cpu`, `alloc_space`, `alloc_objects`), its unit
    per op, the benchmark's `total` per op as the benchmark reported it, and the
    functions and lines, largest change first."""

    kind: str
    unit: str
    total: Cost
    functions: tuple[FunctionChange, ...]
    lines: tuple[LineChange, ...]
    #: Work outside the benchmark loop, per goroutine entry function.
    outside: tuple[FunctionChange, ...] = ()

    @property
    def change_pct(self) -> float | None:
        base = self.total.baseline
        if base == 0:
            return None if self.total.current == 0 else math.inf
        return 100.0 * self.total.delta / base


@dataclass(frozen=True)
class Side:
    """How one side was profiled: the code (`ref`/`commit`, or the working tree), the
    iterations each run reported, its results per op and the profiles it left."""

    label: str
    ref: str
    commit: str | None
    iterations: tuple[int, ...]
    per_op: dict[str, float]
    cpu_profile: str
    mem_profile: str
    binary: str


@dataclass(frozen=True)
class Explanation:
    benchmark: str
    package: str
    benchtime: str
    grouped: bool
    created: str
    baseline: Side
    current: Side
    quantities: tuple[QuantityChange, ...]
    commands: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def quantity(self, kind: str) -> QuantityChange | None:
        return next((q for q in self.quantities if q.kind == kind), None)

    def workspace_lines(
        self, kind: str = "cpu", *, grew_only: bool = True, tests: bool = False
    ) -> list[LineChange]:
        """The lines of the workspace's own source files (not `_test.go` ones unless
        `tests`) whose cost changed beyond sampling noise, largest increase first."""
        q = self.quantity(kind)
        if q is None:
            return []
        return sorted(
            (
                ln
                for ln in q.lines
                if ln.workspace
                and ln.line is not None
                and (tests or not ln.test_file)
                and ln.cost.significant
                and (ln.cost.delta > 0 or not grew_only)
            ),
            key=lambda ln: -ln.cost.delta,
        )


class ExplanationFileError(Exception):
    """A saved explanation cannot be read; the message names the file."""


def to_json(explanation: Explanation) -> dict[str, Any]:
    data = asdict(explanation)
    data["format"] = FORMAT
    return data


def dumps(explanation: Explanation) -> str:
    return json.dumps(to_json(explanation), indent=2, ensure_ascii=False) + "\n"


def _cost(d: dict[str, Any]) -> Cost:
    return Cost(float(d["baseline"]), float(d["current"]), float(d.get("noise", 0.0)))


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def from_json(data: dict[str, Any]) -> Explanation:
    """The `Explanation` of `to_json`'s output; KeyError/TypeError/ValueError if malformed."""
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
    quantities = []
    for q in data["quantities"]:
        functions = tuple(
            FunctionChange(
                str(f["function"]),
                str(f["file"]),
                int(f["line"]),
                _cost(f["flat"]),
                _cost(f["cum"]),
                None if f["share"] is None else float(f["share"]),
                bool(f["workspace"]),
                bool(f.get("outside", False)),
            )
            for f in (*q["functions"], *q.get("outside", ()))
        )
        lines = tuple(
            LineChange(
                str(ln["function"]),
                str(ln["file"]),
                _optional_int(ln["line"]),
                _optional_int(ln["baseline_line"]),
                _cost(ln["cost"]),
                float(ln["share_baseline"]),
                float(ln["share_current"]),
                bool(ln["workspace"]),
            )
            for ln in q["lines"]
        )
        quantities.append(
            QuantityChange(
                str(q["kind"]),
                str(q["unit"]),
                _cost(q["total"]),
                tuple(f for f in functions if not f.outside),
                lines,
                tuple(f for f in functions if f.outside),
            )
        )

    def side(d: dict[str, Any]) -> Side:
        return Side(
            str(d["label"]),
            str(d["ref"]),
            None if d["commit"] is None else str(d["commit"]),
            tuple(int(n) for n in d["iterations"]),
            {str(k): float(v) for k, v in d["per_op"].items()},
            str(d["cpu_profile"]),
            str(d["mem_profile"]),
            str(d["binary"]),
        )

    return Explanation(
        benchmark=str(data["benchmark"]),
        package=str(data["package"]),
        benchtime=str(data["benchtime"]),
        grouped=bool(data["grouped"]),
        created=str(data["created"]),
        baseline=side(data["baseline"]),
        current=side(data["current"]),
        quantities=tuple(quantities),
        commands=tuple(str(c) for c in data.get("commands", ())),
        notes=tuple(str(n) for n in data.get("notes", ())),
    )


def load_explanation(path: Path) -> Explanation:
    """A saved explanation; ExplanationFileError naming the file if it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExplanationFileError(f"{path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExplanationFileError(f"{path}: not JSON ({exc})") from exc
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ExplanationFileError(f"{path}: not a benchlens explanation ({exc})") from exc
